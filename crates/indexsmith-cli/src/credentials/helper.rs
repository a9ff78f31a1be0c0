//! Docker credential helpers: `docker-credential-NAME get|store|erase`, talking JSON on standard
//! input and output (`{"ServerURL","Username","Secret"}`), as `docker-credential-helpers` defines.

use std::io::Write;
use std::process::{Command, Stdio};

use serde::{Deserialize, Serialize};

use super::Credentials;
use crate::error::CliError;

/// A helper's answer to `get`, and what `store` sends.
#[derive(Serialize, Deserialize)]
struct Entry {
    #[serde(rename = "ServerURL", default)]
    server_url: String,
    #[serde(rename = "Username", default)]
    username: String,
    #[serde(rename = "Secret", default)]
    secret: String,
}

/// The user name helpers use for an identity token.
const TOKEN_USER: &str = "<token>";

fn call(helper: &str, action: &str, stdin: &[u8]) -> Result<(bool, String), CliError> {
    let program = format!("docker-credential-{helper}");
    let mut child = Command::new(&program)
        .arg(action)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| CliError::failed(format!("credential helper `{program}`: {e}")))?;
    if let Some(mut input) = child.stdin.take() {
        input
            .write_all(stdin)
            .map_err(|e| CliError::failed(format!("credential helper `{program}`: {e}")))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| CliError::failed(format!("credential helper `{program}`: {e}")))?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() && text.trim().is_empty() {
        text = String::from_utf8_lossy(&out.stderr).into_owned();
    }
    Ok((out.status.success(), text.trim().to_owned()))
}

/// `get`: the credentials the helper keeps for `server`, or `None` when it has none.
pub fn get(helper: &str, server: &str) -> Result<Option<Credentials>, CliError> {
    let (ok, text) = call(helper, "get", server.as_bytes())?;
    if !ok {
        // "credentials not found in native keychain" is the helpers' answer for "none".
        if text.contains("not found") {
            return Ok(None);
        }
        return Err(CliError::failed(format!(
            "credential helper docker-credential-{helper} get {server}: {text}"
        )));
    }
    let entry: Entry = serde_json::from_str(&text).map_err(|e| {
        CliError::failed(format!(
            "credential helper docker-credential-{helper}: unreadable answer: {e}"
        ))
    })?;
    Ok(Some(if entry.username == TOKEN_USER {
        Credentials::IdentityToken(entry.secret)
    } else {
        Credentials::Basic {
            username: entry.username,
            password: entry.secret,
        }
    }))
}

/// `store`: keeps a user name and password for `server` in the helper.
pub fn store(helper: &str, server: &str, username: &str, password: &str) -> Result<(), CliError> {
    let entry = Entry {
        server_url: server.to_owned(),
        username: username.to_owned(),
        secret: password.to_owned(),
    };
    let body = serde_json::to_vec(&entry).map_err(|e| CliError::failed(e.to_string()))?;
    match call(helper, "store", &body)? {
        (true, _) => Ok(()),
        (false, text) => Err(CliError::failed(format!(
            "credential helper docker-credential-{helper} store: {text}"
        ))),
    }
}

/// `erase`: forgets `server`. A helper that had nothing is not an error.
pub fn erase(helper: &str, server: &str) -> Result<(), CliError> {
    match call(helper, "erase", server.as_bytes())? {
        (true, _) => Ok(()),
        (false, text) if text.contains("not found") => Ok(()),
        (false, text) => Err(CliError::failed(format!(
            "credential helper docker-credential-{helper} erase: {text}"
        ))),
    }
}
