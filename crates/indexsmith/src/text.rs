//! Small byte and text helpers of the hot paths: bytes read and compared eight at a time, and
//! numbers and quoted values appended to a `String` without the formatter's machinery (a report
//! writes thousands of messages and pointers that name an entry's number or a short value).

use std::fmt::Write;

/// Byte equality, eight bytes at a time. `==` on slices calls memcmp, which WebAssembly has no
/// instruction for: the one linked in compares a byte at a time, and the short strings a
/// validation compares by the thousand (media types, messages) paid more for the call than for
/// the bytes.
#[inline]
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    for (p, q) in (&mut x).zip(&mut y) {
        if word(p) != word(q) {
            return false;
        }
    }
    let (x, y) = (x.remainder(), y.remainder());
    (0..x.len()).all(|i| x[i] == y[i])
}

/// The eight bytes of `c` (eight long) as one little-endian word.
#[inline(always)]
pub(crate) fn word(c: &[u8]) -> u64 {
    u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]])
}

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
    fn same_bytes_is_slice_equality() {
        let base: Vec<u8> = (0u8..40).collect();
        for len in [0, 1, 7, 8, 9, 16, 23, 40] {
            let a = &base[..len];
            assert!(same_bytes(a, a), "{len} bytes");
            assert!(
                !same_bytes(a, &base[..len.saturating_sub(1)]) || len == 0,
                "{len}: shorter"
            );
            for at in 0..len {
                let mut b = a.to_vec();
                b[at] ^= 0x80;
                assert!(!same_bytes(a, &b), "{len} bytes, differing at {at}");
            }
        }
    }

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
