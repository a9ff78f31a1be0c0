//! The playground's state in the URL fragment: `#v1=<base64url(deflate(fields))>`.
//!
//! The fields are `key=value` pairs joined by `&`, percent-encoded, then compressed with raw
//! DEFLATE and written in unpadded base64url, so a link stays short and survives every chat
//! client. The version prefix lets later layouts keep decoding old links: a decoder per version
//! stays in [`decode`]. Credentials are never part of it. Fields that hold their default value
//! are left out, and a state equal to the default encodes to an empty fragment.

use std::fmt;
use std::rc::Rc;

/// Largest decompressed payload accepted from a link.
pub const MAX_DECODED: usize = 4 * 1024 * 1024;

/// Documents longer than this (bytes of text) do not travel in links: the fragment would be
/// hundreds of kilobytes (a 2 MB index deflates to about 450 KB), which chat clients cut and
/// browsers keep in their history. Such documents are shared as files.
pub const LINK_TEXT_LIMIT: usize = 256 * 1024;

/// What a link carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UrlState {
    /// The document text, when it is not the default example: shared with the document, so the
    /// state of every render neither copies nor (unchanged) compares the text.
    pub text: Option<Rc<str>>,
    /// Other view options as `(key, value)`, in a fixed order; unknown keys survive decoding.
    pub options: Vec<(String, String)>,
}

impl UrlState {
    /// Whether a link can carry this state (its text is at most [`LINK_TEXT_LIMIT`] bytes).
    pub fn fits_in_link(&self) -> bool {
        !matches!(&self.text, Some(t) if t.len() > LINK_TEXT_LIMIT)
    }

    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FragmentError {
    /// A `vN=` prefix of a version this build does not know.
    UnknownVersion(String),
    /// Not base64url.
    InvalidBase64,
    /// Not a DEFLATE stream, or larger than [`MAX_DECODED`].
    InvalidCompression,
    /// The fields are not UTF-8 text.
    InvalidText,
}

impl fmt::Display for FragmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FragmentError::UnknownVersion(v) => write!(
                f,
                "the link was made by a newer version ({v}) of indexsmith"
            ),
            FragmentError::InvalidBase64 => f.write_str("the link's state is not valid base64url"),
            FragmentError::InvalidCompression => {
                f.write_str("the link's state does not decompress (truncated link?)")
            }
            FragmentError::InvalidText => f.write_str("the link's state is not UTF-8 text"),
        }
    }
}

/// Encodes a state as a fragment without the `#`; empty for the default state.
pub fn encode(state: &UrlState) -> String {
    let mut fields = String::new();
    if let Some(text) = &state.text {
        push_field(&mut fields, "d", text);
    }
    for (k, v) in &state.options {
        push_field(&mut fields, k, v);
    }
    if fields.is_empty() {
        return String::new();
    }
    let compressed = miniz_oxide::deflate::compress_to_vec(fields.as_bytes(), 9);
    format!("v1={}", base64url_encode(&compressed))
}

/// Decodes a fragment (with or without the leading `#`). `Ok(None)` when it carries no state.
pub fn decode(fragment: &str) -> Result<Option<UrlState>, FragmentError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.is_empty() {
        return Ok(None);
    }
    let Some((version, payload)) = fragment.split_once('=') else {
        return Ok(None);
    };
    match version {
        "v1" => decode_v1(payload).map(Some),
        v if v.starts_with('v') && v[1..].chars().all(|c| c.is_ascii_digit()) && v.len() > 1 => {
            Err(FragmentError::UnknownVersion(v.to_owned()))
        }
        _ => Ok(None),
    }
}

fn decode_v1(payload: &str) -> Result<UrlState, FragmentError> {
    let compressed = base64url_decode(payload).ok_or(FragmentError::InvalidBase64)?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&compressed, MAX_DECODED)
        .map_err(|_| FragmentError::InvalidCompression)?;
    let fields = String::from_utf8(bytes).map_err(|_| FragmentError::InvalidText)?;
    let mut state = UrlState::default();
    for field in fields.split('&').filter(|f| !f.is_empty()) {
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        let key = percent_decode(k).ok_or(FragmentError::InvalidText)?;
        let value = percent_decode(v).ok_or(FragmentError::InvalidText)?;
        if key == "d" {
            state.text = Some(value.into());
        } else {
            state.options.push((key, value));
        }
    }
    Ok(state)
}

fn push_field(out: &mut String, key: &str, value: &str) {
    if !out.is_empty() {
        out.push('&');
    }
    percent_encode(out, key);
    out.push('=');
    percent_encode(out, value);
}

/// Escapes `%`, `&`, `=` and `+` (the only bytes with meaning in the field syntax).
fn percent_encode(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '&' => out.push_str("%26"),
            '=' => out.push_str("%3D"),
            '+' => out.push_str("%2B"),
            c => out.push(c),
        }
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Unpadded base64url (RFC 4648 §5).
pub fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes unpadded (or padded) base64url; `None` on any other character or a bad length.
pub fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' => 62,
            b'_' => 63,
            _ => return None,
        } as u32;
        acc = acc << 6 | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_round_trips() {
        let cases: [(&str, &[u8], &str); 5] = [
            ("empty", b"", ""),
            ("one byte", b"f", "Zg"),
            ("two bytes", b"fo", "Zm8"),
            ("three bytes", b"foo", "Zm9v"),
            ("url-safe alphabet", &[0xfb, 0xff, 0xbf], "-_-_"),
        ];
        for (name, bytes, text) in cases {
            assert_eq!(base64url_encode(bytes), text, "{name}: encode");
            assert_eq!(
                base64url_decode(text).as_deref(),
                Some(bytes),
                "{name}: decode"
            );
        }
        for bad in ["a", "ab+c", "a/bc", "Zm9v!"] {
            assert_eq!(base64url_decode(bad), None, "{bad:?} must not decode");
        }
    }

    #[test]
    fn states_round_trip() {
        let cases = [
            (
                "text only",
                UrlState {
                    text: Some("{\"a\":1}".into()),
                    options: vec![],
                },
            ),
            (
                "options only",
                UrlState {
                    text: None,
                    options: vec![
                        ("tab".into(), "resolve".into()),
                        ("platform".into(), "linux/arm/v7".into()),
                    ],
                },
            ),
            (
                "reserved characters",
                UrlState {
                    text: Some("a&b=c%d+e\n\u{e7}\u{1F600}".into()),
                    options: vec![("f".into(), "x=y&z".into())],
                },
            ),
        ];
        for (name, state) in cases {
            let fragment = encode(&state);
            assert!(fragment.starts_with("v1="), "{name}: versioned");
            assert!(
                fragment
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_=".contains(&b)),
                "{name}: url-safe {fragment}"
            );
            assert_eq!(
                decode(&format!("#{fragment}")),
                Ok(Some(state.clone())),
                "{name}"
            );
        }
    }

    #[test]
    fn default_state_is_an_empty_fragment() {
        assert_eq!(encode(&UrlState::default()), "");
        assert_eq!(decode(""), Ok(None));
        assert_eq!(decode("#"), Ok(None));
        assert_eq!(
            decode("#section-title"),
            Ok(None),
            "a plain anchor is not state"
        );
    }

    #[test]
    fn bad_fragments_are_errors_not_panics() {
        let cases = [
            (
                "newer version",
                "#v2=abc",
                FragmentError::UnknownVersion("v2".into()),
            ),
            ("not base64", "#v1=@@@", FragmentError::InvalidBase64),
            (
                "not deflate",
                "#v1=_____w",
                FragmentError::InvalidCompression,
            ),
        ];
        for (name, fragment, expected) in cases {
            assert_eq!(decode(fragment), Err(expected), "{name}");
        }
        // A truncated link: cut a real one in half.
        let long = encode(&UrlState {
            text: Some(("x".repeat(10_000) + &"yz".repeat(3000)).into()),
            options: vec![],
        });
        let cut = &long[..long.len() / 2];
        assert!(decode(cut).is_err(), "truncated link must fail to decode");
    }

    #[test]
    fn compression_keeps_links_short() {
        let text = crate::examples::OCI_ATTESTATIONS.text;
        let fragment = encode(&UrlState {
            text: Some(text.into()),
            options: vec![],
        });
        assert!(
            fragment.len() < text.len() / 2,
            "{} vs {}",
            fragment.len(),
            text.len()
        );
    }
}
