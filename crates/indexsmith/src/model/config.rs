//! The members of an image config that an index needs: the platform (`os`, `architecture`,
//! `variant`, `os.version`, `os.features` at the top level) and the `created` date.

use super::platform::platform_from_value;
use super::{opt_str, parse_json, ModelError};
use crate::json::value::Value;
use crate::platform::Platform;

/// An image config, as far as an index entry needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImageConfig {
    /// `None` when the config lacks `os` or `architecture`.
    pub platform: Option<Platform>,
    /// The `created` date (RFC 3339 text, as written), when it is not empty.
    pub created: Option<String>,
}

impl ImageConfig {
    /// Reads a config. A member of the wrong type is an error; unknown members are ignored.
    pub fn parse(bytes: &[u8]) -> Result<ImageConfig, ModelError> {
        ImageConfig::from_value(&parse_json(bytes)?)
    }

    /// [`ImageConfig::parse`] of a value.
    pub fn from_value(v: &Value) -> Result<ImageConfig, ModelError> {
        let platform = platform_from_value(v, "")?;
        Ok(ImageConfig {
            platform: (!platform.os.is_empty() && !platform.architecture.is_empty())
                .then_some(platform),
            created: opt_str(v, "created", "")?
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_configs() {
        // (case, config, Ok((platform, created)) or Err(pointer of the error))
        type Expected = Result<(Option<&'static str>, Option<&'static str>), &'static str>;
        let cases: [(&str, &[u8], Expected); 6] = [
            (
                "dated",
                br#"{"created":"2024-05-01T10:00:00Z","os":"linux","architecture":"arm64","variant":"v8","rootfs":{}}"#,
                Ok((Some("linux/arm64/v8"), Some("2024-05-01T10:00:00Z"))),
            ),
            ("no architecture", br#"{"os":"linux"}"#, Ok((None, None))),
            ("empty date", br#"{"created":"","os":"linux","architecture":"amd64"}"#, Ok((Some("linux/amd64"), None))),
            ("not json", b"{", Err("")),
            ("not an object", b"7", Err("")),
            ("date of the wrong type", br#"{"created":1}"#, Err("/created")),
        ];
        for (name, bytes, expected) in cases {
            match (ImageConfig::parse(bytes), expected) {
                (Ok(c), Ok((platform, created))) => {
                    assert_eq!(
                        c.platform.map(|p| p.to_string()).as_deref(),
                        platform,
                        "{name}"
                    );
                    assert_eq!(c.created.as_deref(), created, "{name}");
                }
                (Err(e), Err(pointer)) => assert_eq!(e.pointer, pointer, "{name}"),
                (got, _) => panic!("{name}: {got:?}"),
            }
        }
    }
}
