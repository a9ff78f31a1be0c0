use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let options = indexsmith_serve::cli::Options::parse();
    match indexsmith_serve::run::run(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("indexsmith-serve: {error}");
            ExitCode::FAILURE
        }
    }
}
