//! The invariants every fuzz target checks on a validation report.

use std::cell::OnceCell;
use std::collections::HashSet;

use indexsmith::json::{Document, Limits};
use indexsmith::position::LineIndex;
use indexsmith::{Position, Report, Severity};

/// Panics (so the fuzzer records the input) when `report` breaks an invariant for `bytes`:
///
/// - `valid` exactly when no diagnostic is an error;
/// - every pointer resolves in the parsed document, or is the root `""` when it did not parse;
/// - every span lies inside the input, and its lines and columns are those of its byte offsets;
/// - the digest and size are those of the exact bytes.
pub fn check_report(bytes: &[u8], report: &Report) {
    let errors = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    assert_eq!(
        report.valid,
        errors == 0,
        "valid must mean no error diagnostic: {:#?}",
        report.diagnostics
    );
    assert_eq!(report.size, bytes.len() as u64);
    assert_eq!(report.digest, indexsmith::digest::sha256(bytes));
    if report.diagnostics.is_empty() {
        return;
    }
    let lines = Positions::new(bytes);
    // The root pointer `""` holds whether the text parsed or not; the text is parsed again only
    // for a report with another pointer, and each pointer is resolved once (pointers repeat:
    // 1,500 findings of one input had 34).
    let tree = OnceCell::new();
    let mut resolved = HashSet::new();
    for d in &report.diagnostics {
        if !d.pointer.is_empty() && !resolved.contains(d.pointer.as_str()) {
            match tree.get_or_init(|| Document::parse(bytes, &Limits::default()).0) {
                Some(tree) => assert!(
                    tree.resolve_pointer(&d.pointer).is_some(),
                    "pointer {:?} of {} does not resolve",
                    d.pointer,
                    d.code.as_str()
                ),
                None => panic!(
                    "{} on a document that did not parse has the pointer {:?}",
                    d.code.as_str(),
                    d.pointer
                ),
            }
            resolved.insert(d.pointer.as_str());
        }
        for p in [d.span.start, d.span.end] {
            assert!(
                p.offset as usize <= bytes.len(),
                "{}: offset {} past the end ({})",
                d.code.as_str(),
                p.offset,
                bytes.len()
            );
            assert_eq!(
                lines.position(p.offset),
                p,
                "{}: line/column do not match offset {}",
                d.code.as_str(),
                p.offset
            );
        }
        assert!(
            d.span.start.offset <= d.span.end.offset,
            "{}: span ends before it starts",
            d.code.as_str()
        );
    }
}

/// The line and column of every character start of a text, from one walk over it: the oracle for
/// the report's positions. Independent of the library's own counting (a `LineIndex` answers only
/// offsets inside a character or an invalid sequence), and linear: looking up each of thousands
/// of diagnostics on one long line would cost the fuzzer most of its time.
struct Positions<'a> {
    text: &'a [u8],
    /// Built only for an offset inside a character.
    index: OnceCell<LineIndex<'a>>,
    /// `(line, column)` at each byte offset where a character or an invalid sequence starts,
    /// and at the end; `(0, 0)` elsewhere.
    at: Vec<(u32, u32)>,
}

impl<'a> Positions<'a> {
    fn new(text: &'a [u8]) -> Self {
        let mut at = vec![(0, 0); text.len() + 1];
        let (mut line, mut column) = (1u32, 1u32);
        let mut offset = 0usize;
        for chunk in text.utf8_chunks() {
            for c in chunk.valid().chars() {
                at[offset] = (line, column);
                let crlf = c == '\r' && text.get(offset + 1) == Some(&b'\n');
                if c == '\n' || (c == '\r' && !crlf) {
                    (line, column) = (line + 1, 1);
                } else {
                    column += c.len_utf16() as u32;
                }
                offset += c.len_utf8();
            }
            // An invalid sequence counts as one U+FFFD.
            if !chunk.invalid().is_empty() {
                at[offset] = (line, column);
                column += 1;
                offset += chunk.invalid().len();
            }
        }
        at[offset] = (line, column);
        Positions {
            text,
            index: OnceCell::new(),
            at,
        }
    }

    fn position(&self, offset: u32) -> Position {
        match self.at.get(offset as usize) {
            Some(&(line, column)) if line > 0 => Position {
                line,
                column,
                offset,
            },
            _ => self
                .index
                .get_or_init(|| LineIndex::new(self.text))
                .position(offset),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Positions;
    use indexsmith::position::LineIndex;

    #[test]
    fn the_walk_agrees_with_the_line_index_at_every_offset() {
        let texts: [&[u8]; 5] = [
            "ab\né😀x\r\ny\rz".as_bytes(),
            b"\r\r\n\n\r",
            b"a\xff\xfeb\xe2\x82c\n\xf0\x9f",
            b"",
            "{\"k\":\"\u{10000}\"}\r\n".as_bytes(),
        ];
        for text in texts {
            let (walk, index) = (Positions::new(text), LineIndex::new(text));
            for offset in 0..=text.len() as u32 + 1 {
                assert_eq!(
                    walk.position(offset),
                    index.position(offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }
}
