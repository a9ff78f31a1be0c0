//! Small writers for the texts of diagnostics: numbers and quoted values appended to a `String`
//! without the formatter's machinery. A report writes thousands of messages and pointers that
//! name an entry's number or a short, plain value.

use std::fmt::Write;

/// Appends `n` in decimal.
pub(crate) fn push_decimal(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// Appends `s` quoted as `{:?}` quotes it: directly when nothing in it needs an escape (printable
/// ASCII other than `"` and `\`), through the formatter otherwise.
pub(crate) fn push_quoted(out: &mut String, s: &str) {
    if s.bytes()
        .all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\')
    {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        // Writing into a String cannot fail.
        let _ = write!(out, "{s:?}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 4_294_967_295] {
            let mut out = String::from("/");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("/{n}"));
        }
    }

    #[test]
    fn values_are_quoted_as_the_formatter_quotes_them() {
        let cases = [
            "",
            "linux",
            "a b~",
            "say \"hi\"",
            "back\\slash",
            "tab\t",
            "é",
            "\u{7f}",
            "it's",
        ];
        for s in cases {
            let mut out = String::new();
            push_quoted(&mut out, s);
            assert_eq!(out, format!("{s:?}"), "{s}");
        }
    }
}
