//! Byte offsets to lines and columns, the way editors count them.
//!
//! Lines are 1-based and end at `\n`, `\r\n` or a lone `\r`. Columns are 1-based and count UTF-16
//! code units (what JavaScript strings, DOM selections and most editors use); an invalid UTF-8
//! sequence counts as one U+FFFD, as `TextDecoder` decodes it.

use crate::diagnostic::{Position, Span};

/// Start offsets of every line of a text, and column checkpoints within long lines.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<u32>,
    /// `(offset, UTF-16 units from the start of its line)` at ASCII bytes at least
    /// [`CHECKPOINT_EVERY`] bytes apart, so that a column costs a bounded count even on a
    /// minified document that is one line of megabytes.
    checkpoints: Vec<(u32, u32)>,
}

const CHECKPOINT_EVERY: usize = 1024;

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a [u8]) -> Self {
        let mut starts = vec![0u32];
        let mut checkpoints = Vec::new();
        // The last checkpoint or line start, and its column.
        let mut anchor = (0usize, 0u32);
        let mut i = 0;
        while i < text.len() {
            match text[i] {
                b'\n' => {
                    starts.push(i as u32 + 1);
                    anchor = (i + 1, 0);
                }
                b'\r' => {
                    if text.get(i + 1) == Some(&b'\n') {
                        i += 1;
                    }
                    starts.push(i as u32 + 1);
                    anchor = (i + 1, 0);
                }
                b if b < 0x80 && i - anchor.0 >= CHECKPOINT_EVERY => {
                    // An ASCII byte never sits inside a UTF-8 sequence: counting stays exact.
                    let column = anchor.1 + utf16_len(&text[anchor.0..i]);
                    checkpoints.push((i as u32, column));
                    anchor = (i, column);
                }
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            text,
            starts,
            checkpoints,
        }
    }

    /// The position of a byte offset (clamped to the text).
    pub fn position(&self, offset: u32) -> Position {
        let offset = offset.min(self.text.len() as u32);
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let line_start = self.starts[line];
        let (from, base) = match self.checkpoints.partition_point(|&(o, _)| o <= offset) {
            0 => (line_start, 0),
            k => match self.checkpoints[k - 1] {
                (o, column) if o >= line_start => (o, column),
                _ => (line_start, 0),
            },
        };
        let column = base + utf16_len(&self.text[from as usize..offset as usize]) + 1;
        Position {
            line: line as u32 + 1,
            column,
            offset,
        }
    }

    pub fn span(&self, start: u32, end: u32) -> Span {
        Span {
            start: self.position(start),
            end: self.position(end.max(start)),
        }
    }
}

/// UTF-16 code units of `bytes` decoded as UTF-8, each invalid sequence counting as one unit.
pub fn utf16_len(bytes: &[u8]) -> u32 {
    let mut n = 0u32;
    for chunk in bytes.utf8_chunks() {
        n += chunk
            .valid()
            .chars()
            .map(|c| c.len_utf16() as u32)
            .sum::<u32>();
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
    fn long_lines_count_columns_through_checkpoints() {
        // One line of 5,000 characters mixing ASCII, 2-, 3- and 4-byte characters and an
        // invalid byte: every column must equal a direct count from the line start.
        let mut text = b"x\n".to_vec();
        for i in 0..1_000 {
            text.extend_from_slice(match i % 5 {
                0 => "a".as_bytes(),
                1 => "é".as_bytes(),
                2 => "€".as_bytes(),
                3 => "😀".as_bytes(),
                _ => b"\xff",
            });
        }
        let index = LineIndex::new(&text);
        assert!(
            !index.checkpoints.is_empty(),
            "the line is long enough for checkpoints"
        );
        let mut offset = 2;
        while offset <= text.len() {
            let p = index.position(offset as u32);
            assert_eq!(
                (p.line, p.column),
                (2, utf16_len(&text[2..offset]) + 1),
                "offset {offset}"
            );
            offset += 1 + offset % 7;
            while offset < text.len() && (0x80..0xC0).contains(&text[offset]) {
                offset += 1;
            }
        }
    }

    #[test]
    fn invalid_utf8_counts_one_unit_per_sequence() {
        assert_eq!(utf16_len(b"a\xffb"), 3);
        assert_eq!(utf16_len(b"\xe2\x82"), 1);
    }
}
