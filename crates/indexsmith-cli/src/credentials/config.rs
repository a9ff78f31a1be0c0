//! Docker's `config.json`: read, look up, write. Members this program does not know are kept.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{Map, Value};

use super::{config_key, helper, key_host, Credentials};
use crate::error::CliError;

/// The folder of `config.json`: `$DOCKER_CONFIG`, else `~/.docker`.
pub fn config_dir() -> Result<PathBuf, CliError> {
    if let Some(dir) = std::env::var_os("DOCKER_CONFIG").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|home| PathBuf::from(home).join(".docker"))
        .ok_or_else(|| CliError::usage("neither DOCKER_CONFIG nor HOME is set"))
}

/// A `config.json`, read whole.
pub struct ConfigFile {
    path: PathBuf,
    root: Map<String, Value>,
}

impl ConfigFile {
    /// Reads `config.json` from [`config_dir`]; a missing file is an empty configuration.
    pub fn load() -> Result<ConfigFile, CliError> {
        Self::load_from(&config_dir()?.join("config.json"))
    }

    pub fn load_from(path: &Path) -> Result<ConfigFile, CliError> {
        let root = match std::fs::read(path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Map::new(),
            Ok(bytes) => match serde_json::from_slice(&bytes) {
                Ok(Value::Object(root)) => root,
                Ok(_) => {
                    return Err(CliError::usage(format!(
                        "{}: not a JSON object",
                        path.display()
                    )))
                }
                Err(e) => return Err(CliError::usage(format!("{}: {e}", path.display()))),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Map::new(),
            Err(e) => return Err(CliError::io(path, &e)),
        };
        Ok(ConfigFile {
            path: path.to_owned(),
            root,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn string(&self, member: &str) -> Option<&str> {
        self.root
            .get(member)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    /// The helper for `registry`: its `credHelpers` entry, else `credsStore`.
    pub fn helper_for(&self, registry: &str) -> Option<String> {
        let key = config_key(registry);
        let host = key_host(&key);
        self.root
            .get("credHelpers")
            .and_then(Value::as_object)
            .and_then(|helpers| {
                helpers
                    .iter()
                    .find(|(k, _)| key_host(k) == host)
                    .and_then(|(_, v)| v.as_str())
            })
            .or_else(|| self.string("credsStore"))
            .map(str::to_owned)
    }

    /// The `auths` entry of `registry` (keys compared by host, so `https://host/v1/` counts).
    fn auth_entry(&self, registry: &str) -> Option<&Map<String, Value>> {
        let key = config_key(registry);
        let host = key_host(&key);
        let auths = self.root.get("auths")?.as_object()?;
        auths
            .get(&key)
            .or_else(|| {
                auths
                    .iter()
                    .find(|(k, _)| key_host(k) == host)
                    .map(|(_, v)| v)
            })
            .and_then(Value::as_object)
    }

    /// The credentials kept for `registry`, through its helper when it has one.
    pub fn credentials(&self, registry: &str) -> Result<Option<Credentials>, CliError> {
        if let Some(helper) = self.helper_for(registry) {
            if let Some(found) = helper::get(&helper, &config_key(registry))? {
                return Ok(Some(found));
            }
        }
        let Some(entry) = self.auth_entry(registry) else {
            return Ok(None);
        };
        let field = |name: &str| {
            entry
                .get(name)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        if let Some(token) = field("identitytoken") {
            return Ok(Some(Credentials::IdentityToken(token.to_owned())));
        }
        if let Some(auth) = field("auth") {
            let decoded = STANDARD.decode(auth.trim()).map_err(|e| {
                CliError::usage(format!(
                    "{}: auths.{registry}.auth is not base64: {e}",
                    self.path.display()
                ))
            })?;
            let text = String::from_utf8_lossy(&decoded);
            let (username, password) = text.split_once(':').ok_or_else(|| {
                CliError::usage(format!(
                    "{}: auths.{registry}.auth is not `user:password`",
                    self.path.display()
                ))
            })?;
            return Ok(Some(Credentials::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            }));
        }
        match (field("username"), field("password")) {
            (Some(username), Some(password)) => Ok(Some(Credentials::Basic {
                username: username.to_owned(),
                password: password.to_owned(),
            })),
            _ => Ok(None),
        }
    }

    fn auths_mut(&mut self) -> &mut Map<String, Value> {
        let auths = self
            .root
            .entry("auths")
            .or_insert_with(|| Value::Object(Map::new()));
        if !auths.is_object() {
            *auths = Value::Object(Map::new());
        }
        auths.as_object_mut().expect("auths is an object")
    }

    /// Keeps credentials for `registry`: in its helper when it has one (with an empty `auths`
    /// entry, as Docker leaves), else as base64 `auth`.
    pub fn store(
        &mut self,
        registry: &str,
        username: &str,
        password: &str,
    ) -> Result<(), CliError> {
        let key = config_key(registry);
        let mut entry = Map::new();
        match self.helper_for(registry) {
            Some(helper) => helper::store(&helper, &key, username, password)?,
            None => {
                let auth = STANDARD.encode(format!("{username}:{password}"));
                entry.insert("auth".to_owned(), Value::String(auth));
            }
        }
        let host = key_host(&key).to_owned();
        let auths = self.auths_mut();
        auths.retain(|k, _| key_host(k) != host);
        auths.insert(key, Value::Object(entry));
        Ok(())
    }

    /// Forgets `registry` (in its helper too). Returns whether anything was kept for it.
    pub fn erase(&mut self, registry: &str) -> Result<bool, CliError> {
        let key = config_key(registry);
        if let Some(helper) = self.helper_for(registry) {
            helper::erase(&helper, &key)?;
        }
        let host = key_host(&key).to_owned();
        let auths = self.auths_mut();
        let before = auths.len();
        auths.retain(|k, _| key_host(k) != host);
        Ok(auths.len() != before)
    }

    /// Writes the file (tab-indented, as Docker writes it), readable by its owner only, through
    /// a temporary file renamed over it so that a crash never leaves half a file.
    pub fn save(&self) -> Result<(), CliError> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, &e))?;
        let mut bytes = Vec::new();
        let formatter = serde_json::ser::PrettyFormatter::with_indent(b"\t");
        let mut serializer = serde_json::Serializer::with_formatter(&mut bytes, formatter);
        serde::Serialize::serialize(&self.root, &mut serializer)
            .map_err(|e| CliError::failed(e.to_string()))?;
        bytes.push(b'\n');
        let temp = dir.join(format!(".config.json.{}.tmp", std::process::id()));
        write_private(&temp, &bytes).map_err(|e| CliError::io(&temp, &e))?;
        std::fs::rename(&temp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            CliError::io(&self.path, &e)
        })
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
