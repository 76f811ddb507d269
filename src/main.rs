use std::process::ExitCode;

fn main() -> ExitCode {
    kpop_facts::cli::main()
}
