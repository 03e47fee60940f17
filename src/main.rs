//! The `upshift` binary; everything but the command line lives in the library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
