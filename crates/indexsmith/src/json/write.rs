//! Deterministic JSON output in the styles the container tools produce.
//!
//! Strings are escaped as Go's `encoding/json` escapes them (`<`, `>`, `&`, U+2028 and U+2029 as
//! `\u` escapes, `\b \f \n \r \t` short forms, other control characters as `\u00XX`), because the
//! tools whose digests users compare against (`docker manifest push`, crane, regctl, buildkit)
//! are written in Go. With the same members in the same order, the bytes — and so the digest —
//! are the same.

use super::value::Value;

/// Output layout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Style {
    /// No whitespace at all (crane, regctl, buildkit).
    #[default]
    Compact,
    /// Go's `json.MarshalIndent` with this many spaces; `docker manifest push` uses 3.
    Indent(u8),
    /// Go's `json.MarshalIndent` with a tab.
    Tab,
}

impl Style {
    /// The layout of `docker manifest push`.
    pub const DOCKER: Style = Style::Indent(3);
}

/// Serializes `value` in `style`.
pub fn to_vec(value: &Value, style: Style) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    let indent = match style {
        Style::Compact => None,
        Style::Indent(n) => Some((' ', n as usize)),
        Style::Tab => Some(('\t', 1)),
    };
    write_value(&mut out, value, indent, 0);
    out.into_bytes()
}

/// The style a document was written in, judged from its first indented line.
pub fn detect_style(text: &[u8]) -> Style {
    let Some(newline) = text.iter().position(|&b| b == b'\n') else {
        return Style::Compact;
    };
    let rest = &text[newline + 1..];
    match rest.first() {
        Some(b'\t') => Style::Tab,
        Some(b' ') => Style::Indent(rest.iter().take_while(|&&b| b == b' ').count().min(16) as u8),
        _ => Style::Indent(2),
    }
}

type Indent = Option<(char, usize)>;

fn newline(out: &mut String, indent: Indent, level: usize) {
    if let Some((c, n)) = indent {
        out.push('\n');
        for _ in 0..n * level {
            out.push(c);
        }
    }
}

fn write_value(out: &mut String, value: &Value, indent: Indent, level: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => out.push_str(n),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write_value(out, item, indent, level + 1);
            }
            newline(out, indent, level);
            out.push(']');
        }
        Value::Object(members) => {
            if members.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (key, item)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write_string(out, key);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, indent, level + 1);
            }
            newline(out, indent, level);
            out.push('}');
        }
    }
}

/// Writes a JSON string the way Go's `encoding/json` does with HTML escaping on.
pub fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    // Runs of characters that need no escape are copied whole.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let escape: Option<&str> = match b {
            b'"' => Some("\\\""),
            b'\\' => Some("\\\\"),
            b'\n' => Some("\\n"),
            b'\r' => Some("\\r"),
            b'\t' => Some("\\t"),
            0x08 => Some("\\b"),
            0x0c => Some("\\f"),
            b'<' | b'>' | b'&' | 0x00..=0x1f => Some(""),
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9.
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                Some("")
            }
            _ => None,
        };
        let Some(escape) = escape else {
            i += 1;
            continue;
        };
        out.push_str(&s[run..i]);
        if escape.is_empty() {
            let (n, len) = if b == 0xE2 {
                (if bytes[i + 2] == 0xA8 { 0x2028 } else { 0x2029 }, 3)
            } else {
                (u32::from(b), 1)
            };
            out.push_str("\\u");
            for shift in [12, 8, 4, 0] {
                out.push(HEX[((n >> shift) & 15) as usize] as char);
            }
            i += len;
        } else {
            out.push_str(escape);
            i += 1;
        }
        run = i;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, Limits};

    fn round(text: &str, style: Style) -> String {
        let (tree, findings) = parse(text.as_bytes(), &Limits::default());
        assert!(findings.is_empty(), "{findings:?}");
        let value = Value::from_tree(&tree.unwrap(), 0);
        String::from_utf8(to_vec(&value, style)).unwrap()
    }

    #[test]
    fn escapes_strings_as_go_does() {
        let cases = [
            ("plain", "abc", r#""abc""#),
            ("quote and backslash", "a\"b\\c", r#""a\"b\\c""#),
            ("short escapes", "\n\r\t\u{8}\u{c}", r#""\n\r\t\b\f""#),
            (
                "control characters",
                "\u{0}\u{1}\u{1f}",
                r#""\u0000\u0001\u001f""#,
            ),
            ("html characters", "<a>&b", r#""\u003ca\u003e\u0026b""#),
            (
                "line and paragraph separators",
                "x\u{2028}y\u{2029}z",
                r#""x\u2028y\u2029z""#,
            ),
            (
                "other E2 characters stay",
                "\u{2027}\u{202a}€",
                "\"\u{2027}\u{202a}€\"",
            ),
            ("non-ascii stays", "é😀", "\"é😀\""),
            ("escape at the end", "ab<", r#""ab\u003c""#),
        ];
        for (name, input, expected) in cases {
            let mut out = String::new();
            write_string(&mut out, input);
            assert_eq!(out, expected, "{name}");
        }
    }

    #[test]
    fn styles() {
        let cases = [
            ("compact object", r#"{ "a" : 1, "b": [true, null] }"#, Style::Compact, r#"{"a":1,"b":[true,null]}"#),
            ("empty containers", r#"{"a":{},"b":[]}"#, Style::DOCKER, "{\n   \"a\": {},\n   \"b\": []\n}"),
            (
                "docker indent",
                r#"{"schemaVersion":2,"manifests":[{"size":1}]}"#,
                Style::DOCKER,
                "{\n   \"schemaVersion\": 2,\n   \"manifests\": [\n      {\n         \"size\": 1\n      }\n   ]\n}",
            ),
            ("two-space", r#"{"a":[1]}"#, Style::Indent(2), "{\n  \"a\": [\n    1\n  ]\n}"),
            ("tab", r#"{"a":[1]}"#, Style::Tab, "{\n\t\"a\": [\n\t\t1\n\t]\n}"),
            ("numbers kept", r#"[1.50,-0,1E+3]"#, Style::Compact, "[1.50,-0,1E+3]"),
            ("go escaping", r#"["<a href=\"x\">&amp;</a>", "\u2028", "\u0001", "/é😀"]"#, Style::Compact, r#"["\u003ca href=\"x\"\u003e\u0026amp;\u003c/a\u003e","\u2028","\u0001","/é😀"]"#),
        ];
        for (name, input, style, expected) in cases {
            assert_eq!(round(input, style), expected, "{name}");
        }
    }

    #[test]
    fn detects_styles() {
        let cases: [(&[u8], Style); 5] = [
            (b"{}", Style::Compact),
            (b"{\n   \"a\": 1\n}", Style::DOCKER),
            (b"{\n  \"a\": 1\n}", Style::Indent(2)),
            (b"{\n\t\"a\": 1\n}", Style::Tab),
            (b"{\n\"a\": 1\n}", Style::Indent(2)),
        ];
        for (text, style) in cases {
            assert_eq!(
                detect_style(text),
                style,
                "{}",
                String::from_utf8_lossy(text)
            );
        }
    }

    #[test]
    fn ordered_insert_and_duplicate_keys() {
        let (tree, _) = parse(br#"{"a":1,"c":3,"a":2}"#, &Limits::default());
        let mut v = Value::from_tree(&tree.unwrap(), 0);
        assert_eq!(
            String::from_utf8(to_vec(&v, Style::Compact)).unwrap(),
            r#"{"a":2,"c":3}"#
        );
        v.set_ordered("b", Value::int(9), &["c"]);
        v.set_ordered("d", Value::int(4), &["zz"]);
        assert_eq!(
            String::from_utf8(to_vec(&v, Style::Compact)).unwrap(),
            r#"{"a":2,"b":9,"c":3,"d":4}"#
        );
        assert_eq!(v.remove("b"), Some(Value::int(9)));
        assert_eq!(v.get("c").and_then(Value::as_i64), Some(3));
    }
}
