//! The pinned tool versions, each read from the one file that holds it (see `tools/versions`).

use crate::run::{Error, Result};

/// `KEY`'s value in `tools/versions` (`KEY=VALUE` lines, `#` comments).
pub fn tool(key: &str) -> Result<String> {
    let text = read("tools/versions")?;
    env_value(&text, key).ok_or_else(|| Error::new(format!("tools/versions has no {key}")))
}

/// The version of wasm-bindgen-cli: the `wasm-bindgen` crate's in Cargo.lock, which the CLI must
/// match exactly.
pub fn wasm_bindgen() -> Result<String> {
    let lock = read("Cargo.lock")?;
    lock_version(&lock, "wasm-bindgen")
        .ok_or_else(|| Error::new("Cargo.lock has no wasm-bindgen package"))
}

/// The Rust toolchain of rust-toolchain.toml (`channel`).
pub fn rust() -> Result<String> {
    let text = read("rust-toolchain.toml")?;
    toml_string(&text, "channel").ok_or_else(|| Error::new("rust-toolchain.toml has no channel"))
}

/// An npm tool's version: its exact pin in the root package.json's devDependencies.
pub fn npm(package: &str) -> Result<String> {
    let text = read("package.json")?;
    json_string(&text, package).ok_or_else(|| Error::new(format!("package.json pins no {package}")))
}

pub fn print() -> Result {
    let rows: Vec<(&str, Result<String>, &str)> = vec![
        ("rust", rust(), "rust-toolchain.toml"),
        (
            "wasm-bindgen-cli",
            wasm_bindgen(),
            "Cargo.lock (the wasm-bindgen crate)",
        ),
        ("trunk", tool("TRUNK"), "tools/versions"),
        ("cargo-fuzz", tool("CARGO_FUZZ"), "tools/versions"),
        ("binaryen", npm("binaryen"), "package.json"),
        ("playwright-core", npm("playwright-core"), "package.json"),
        ("typescript", npm("typescript"), "package.json"),
        ("prettier", npm("prettier"), "package.json"),
    ];
    for (name, version, source) in rows {
        println!("{name:<18} {:<10} {source}", version?);
    }
    Ok(())
}

fn read(path: &str) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::new(format!("{path}: {e}")))
}

/// VALUE of the first `KEY=VALUE` line.
fn env_value(text: &str, key: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with('#'))
        .find_map(|line| line.strip_prefix(key)?.strip_prefix('='))
        .map(|value| value.trim().to_string())
}

/// The version of the first `[[package]]` named `name` in a Cargo.lock.
fn lock_version(lock: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut lines = lock.lines();
    lines.find(|line| *line == wanted)?;
    lines.next().and_then(|line| toml_string(line, "version"))
}

/// The string value of the first `key = "value"` line.
fn toml_string(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let rest = line
            .trim()
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?;
        let rest = rest.trim().strip_prefix('"')?;
        Some(rest[..rest.find('"')?].to_string())
    })
}

/// The string value of the first `"key": "value"` member (package.json pins are flat strings).
fn json_string(text: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\":");
    let start = text.find(&needle)? + needle.len();
    let rest = text[start..].trim_start().strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_format() {
        let cases: [(&str, Option<String>); 5] = [
            ("env", env_value("# TRUNK=old\nTRUNK=0.21.14\n", "TRUNK")),
            (
                "lock",
                lock_version(
                    "[[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"9\"\n\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n",
                    "wasm-bindgen",
                ),
            ),
            ("toml", toml_string("[toolchain]\nchannel = \"1.95.0\"\n", "channel")),
            ("json", json_string("{ \"typescript\": \"5.9.3\" }", "typescript")),
            ("missing", env_value("OTHER=1", "TRUNK")),
        ];
        let expected = [
            Some("0.21.14"),
            Some("0.2.130"),
            Some("1.95.0"),
            Some("5.9.3"),
            None,
        ];
        for ((name, got), want) in cases.into_iter().zip(expected) {
            assert_eq!(got.as_deref(), want, "{name}");
        }
    }

    #[test]
    fn the_repository_pins_every_tool() {
        std::env::set_current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/..")).unwrap();
        assert!(wasm_bindgen().is_ok_and(|v| v.starts_with("0.2.")));
        assert!(tool("TRUNK").is_ok());
        assert!(rust().is_ok());
        for package in ["binaryen", "playwright-core", "typescript", "prettier"] {
            assert!(npm(package).is_ok(), "{package}");
        }
    }
}
