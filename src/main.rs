//! The `jixiao` binary: a thin layer over the library. Parses the command line,
//! runs a command, maps the outcome to a documented exit code.

mod cli;

// polars and the parser allocate many small strings across two threads;
// glibc's allocator spent a third of the run in malloc/free and page zeroing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    // mimalloc keeps freed pages for reuse, per thread; between stages each
    // thread (the parser's pool, polars' and this one) returns them.
    let _ = jixiao::pipeline::run::BETWEEN_STAGES.set(|| {
        // SAFETY: mi_collect takes no pointers; it only frees unused pages.
        let collect = || unsafe { libmimalloc_sys::mi_collect(true) };
        rayon::broadcast(|_| collect());
        polars_core::runtime::THREAD_POOL.broadcast(|_| collect());
        collect();
    });
    cli::main()
}
