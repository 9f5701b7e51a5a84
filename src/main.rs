//! The `jixiao` binary: a thin layer over the library. Parses the command line,
//! runs a command, maps the outcome to a documented exit code.

mod cli;

// polars and the parser allocate many small strings across two threads;
// glibc's allocator spent a third of the run in malloc/free and page zeroing.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
