//! Which request paths the proxy forwards: registry API paths that stay what they look like
//! after any number of percent-decodings.
//!
//! An upstream (or a server in front of it) may decode a path once more than the proxy did, so
//! `..%2f`, `%2E%2E%2F` or `%252e%252e` could leave `/v2/` there. The path is decoded step by step
//! until it no longer changes, and every step is checked: no `.` or `..` segment (with `/` or `\`
//! as separators), no backslash, no control character.

use percent_encoding::percent_decode_str;

/// How many decodings are checked; a path that still changes after that is refused.
const MAX_DECODINGS: usize = 4;

/// Why a path is not forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsafePath {
    DotSegment,
    Backslash,
    ControlCharacter,
    TooManyEncodings,
}

fn check_once(path: &str) -> Result<(), UnsafePath> {
    if path.contains('\\') {
        return Err(UnsafePath::Backslash);
    }
    if path.chars().any(char::is_control) {
        return Err(UnsafePath::ControlCharacter);
    }
    if path
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err(UnsafePath::DotSegment);
    }
    Ok(())
}

/// Checks a path as received and after each percent-decoding.
pub fn check(path: &str) -> Result<(), UnsafePath> {
    let mut current = path.to_string();
    for _ in 0..MAX_DECODINGS {
        check_once(&current)?;
        let decoded = percent_decode_str(&current)
            .decode_utf8_lossy()
            .into_owned();
        if decoded == current {
            return Ok(());
        }
        current = decoded;
    }
    Err(UnsafePath::TooManyEncodings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_and_unsafe_paths() {
        let cases = [
            ("plain", "/v2/a/manifests/latest", Ok(())),
            ("digest", "/v2/a/b/blobs/sha256:0123", Ok(())),
            ("dots inside a name", "/v2/a..b/manifests/x", Ok(())),
            ("encoded colon", "/v2/a/blobs/sha256%3A0123", Ok(())),
            ("dot dot", "/v2/../debug", Err(UnsafePath::DotSegment)),
            (
                "encoded dot dot",
                "/v2/%2e%2E/debug",
                Err(UnsafePath::DotSegment),
            ),
            ("single dot", "/v2/./x", Err(UnsafePath::DotSegment)),
            (
                "dot dot, encoded slash",
                "/v2/..%2fdebug",
                Err(UnsafePath::DotSegment),
            ),
            (
                "all encoded",
                "/v2/%2E%2E%2Fdebug/vars",
                Err(UnsafePath::DotSegment),
            ),
            (
                "double encoded",
                "/v2/%252e%252e/debug",
                Err(UnsafePath::DotSegment),
            ),
            (
                "trailing dot dot",
                "/v2/x/%2e%2e",
                Err(UnsafePath::DotSegment),
            ),
            ("backslash", "/v2/..\\debug", Err(UnsafePath::Backslash)),
            (
                "encoded backslash",
                "/v2/x%5c..%5cdebug",
                Err(UnsafePath::Backslash),
            ),
            (
                "encoded newline",
                "/v2/x%0d%0aHost:%20y",
                Err(UnsafePath::ControlCharacter),
            ),
            ("encoded NUL", "/v2/x%00", Err(UnsafePath::ControlCharacter)),
            (
                "encoded five times",
                "/v2/%252525252e",
                Err(UnsafePath::TooManyEncodings),
            ),
        ];
        for (name, path, expected) in cases {
            assert_eq!(check(path), expected, "{name}");
        }
    }
}
