//! `indexsmith serve`: the local server (`indexsmith-serve`), with its own options.

use crate::error::CliError;

pub fn run(options: indexsmith_serve::cli::Options) -> Result<u8, CliError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::failed(format!("cannot start the runtime: {e}")))?;
    runtime
        .block_on(indexsmith_serve::run::run(options))
        .map_err(|e| CliError::failed(e.to_string()))?;
    Ok(0)
}
