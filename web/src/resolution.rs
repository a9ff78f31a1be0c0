//! The resolution preview: parse the requested platform, resolve it against the document.

use crate::state::Failure;
use indexsmith::compose::resolve_index;
use indexsmith::{platform, Resolution};

/// What the preview shows for a request: nothing (empty input), a located parse error, a
/// document that cannot be resolved, or the resolution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Preview {
    Empty,
    BadPlatform(Failure),
    BadDocument(Failure),
    Resolved(Resolution),
}

pub fn preview(text: &str, requested: &str, strict: bool) -> Preview {
    let requested = requested.trim();
    if requested.is_empty() {
        return Preview::Empty;
    }
    let platform = match platform::parse(requested) {
        Ok(p) => p,
        Err(e) => {
            // The core names the normalized form (`arm64`); say what was typed first.
            let message = e.to_string();
            let message = if message.contains(requested) {
                message
            } else {
                format!("{requested:?}: {message}")
            };
            return Preview::BadPlatform(Failure::new(e.code(), message));
        }
    };
    match resolve_index(text.as_bytes(), &platform, strict) {
        Ok(r) => Preview::Resolved(r),
        Err(e) => Preview::BadDocument(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::examples;

    /// (case, document, request, strict, expected selected entry or outcome)
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        bool,
        Result<Option<usize>, &'static str>,
    );

    #[test]
    fn errors_quote_what_was_typed() {
        for typed in ["aarch64", "x86_64", "arm64"] {
            match preview(examples::HELLO_WORLD_LIST.text, typed, false) {
                Preview::BadPlatform(f) => {
                    assert_eq!(f.code, "platform/missing-os", "{typed}");
                    assert!(
                        f.message.contains(&format!("{typed:?}")),
                        "{typed}: {}",
                        f.message
                    );
                }
                other => panic!("{typed}: {other:?}"),
            }
        }
    }

    #[test]
    fn previews() {
        let cases: [Case; 8] = [
            (
                "linux/amd64",
                examples::HELLO_WORLD_LIST.text,
                "linux/amd64",
                false,
                Ok(Some(0)),
            ),
            (
                "arm64",
                examples::HELLO_WORLD_LIST.text,
                "linux/arm64",
                false,
                Ok(Some(1)),
            ),
            (
                "arm/v7 has no match",
                examples::HELLO_WORLD_LIST.text,
                "linux/arm/v7",
                false,
                Ok(None),
            ),
            (
                "windows with os.version",
                examples::HELLO_WORLD_LIST.text,
                "windows/amd64:10.0.17763",
                false,
                Ok(Some(2)),
            ),
            (
                "attestations never pulled",
                examples::OCI_ATTESTATIONS.text,
                "linux/amd64",
                false,
                Ok(Some(0)),
            ),
            (
                "bad platform",
                examples::HELLO_WORLD_LIST.text,
                "linux/",
                false,
                Err("platform"),
            ),
            (
                "broken document",
                examples::BROKEN.text,
                "linux/amd64",
                false,
                Err("document"),
            ),
            (
                "empty request",
                examples::HELLO_WORLD_LIST.text,
                "  ",
                false,
                Err("empty"),
            ),
        ];
        for (name, text, request, strict, expected) in cases {
            let got = match preview(text, request, strict) {
                Preview::Resolved(r) => {
                    assert_eq!(
                        r.candidates.len(),
                        crate::state::Analysis::of(text).rows.len(),
                        "{name}: one verdict per entry"
                    );
                    Ok(r.selected)
                }
                Preview::BadPlatform(_) => Err("platform"),
                Preview::BadDocument(_) => Err("document"),
                Preview::Empty => Err("empty"),
            };
            assert_eq!(got, expected, "{name}");
        }
    }
}
