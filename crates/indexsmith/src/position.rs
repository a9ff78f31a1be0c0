//! Byte offsets to lines and columns, the way editors count them.
//!
//! Lines are 1-based and end at `\n`, `\r\n` or a lone `\r`. Columns are 1-based and count UTF-16
//! code units (what JavaScript strings, DOM selections and most editors use); an invalid UTF-8
//! sequence counts as one U+FFFD, as `TextDecoder` decodes it.

use crate::diagnostic::{Position, Span};

/// Start offsets of every line of a text.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<u32>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0u32];
        let mut i = 0;
        while i < text.len() {
            match text[i] {
                b'\n' => starts.push(i as u32 + 1),
                b'\r' => {
                    if text.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u32 + 1);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line] as usize;
        let column = utf16_len(&self.text[start..offset as usize]) + 1;
        Position { line: line as u32 + 1, column, offset }
    }

    pub fn span(&self, start: u32, end: u32) -> Span {
        Span { start: self.position(start), end: self.position(end.max(start)) }
    }
}

/// UTF-16 code units of `bytes` decoded as UTF-8, each invalid sequence counting as one unit.
pub fn utf16_len(bytes: &[u8]) -> u32 {
    let mut n = 0u32;
    for chunk in bytes.utf8_chunks() {
        n += chunk.valid().chars().map(|c| c.len_utf16() as u32).sum::<u32>();
        if !chunk.invalid().is_empty() {
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions() {
        let text = "ab\né😀x\r\ny\rz".as_bytes();
        let index = LineIndex::new(text);
        let cases = [
            ("start", 0, (1, 1)),
            ("second char", 1, (1, 2)),
            ("line 2 start", 3, (2, 1)),
            ("after é (2 bytes, 1 unit)", 5, (2, 2)),
            ("after emoji (4 bytes, 2 units)", 9, (2, 4)),
            ("crlf line", 12, (3, 1)),
            ("lone cr line", 14, (4, 1)),
            ("past end clamps", 99, (4, 2)),
        ];
        for (name, offset, (line, column)) in cases {
            let p = index.position(offset);
            assert_eq!((p.line, p.column), (line, column), "{name}");
        }
    }

    #[test]
    fn invalid_utf8_counts_one_unit_per_sequence() {
        assert_eq!(utf16_len(b"a\xffb"), 3);
        assert_eq!(utf16_len(b"\xe2\x82"), 1);
    }
}
