//! The `jixiao` binary: a thin layer over the library. Parses the command line,
//! runs a command, maps the outcome to a documented exit code.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
