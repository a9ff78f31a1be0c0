//! Where diagnostics sit in the editor text: marked segments for the overlay, and the UTF-16
//! offsets a `<textarea>` selection needs.

use indexsmith::{Diagnostic, Severity};

/// A run of the text, marked with the most severe diagnostic covering it (if any).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    /// Byte range into the text (always on char boundaries).
    pub start: usize,
    pub end: usize,
    pub severity: Option<Severity>,
    /// Index into the diagnostics of the most severe diagnostic covering the run.
    pub diagnostic: Option<usize>,
}

/// Splits `text` into runs so that each diagnostic's span is marked. An empty span marks the
/// character after it (or the one before it at the end of the text) so it stays visible.
pub fn segments(text: &str, diagnostics: &[Diagnostic]) -> Vec<Segment> {
    let len = text.len();
    // (start, end, severity, index) of every mark, clamped to char boundaries.
    let mut marks: Vec<(usize, usize, Severity, usize)> = Vec::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let mut start = floor_boundary(text, (d.span.start.offset as usize).min(len));
        let mut end = ceil_boundary(text, (d.span.end.offset as usize).clamp(start, len));
        if start == end {
            if end < len {
                end = ceil_boundary(text, end + 1);
            } else if start > 0 {
                start = floor_boundary(text, start - 1);
            }
        }
        if start < end {
            marks.push((start, end, d.severity, i));
        }
    }
    if marks.is_empty() {
        return vec![Segment {
            start: 0,
            end: len,
            severity: None,
            diagnostic: None,
        }];
    }
    let mut cuts: Vec<usize> = vec![0, len];
    for m in &marks {
        cuts.push(m.0);
        cuts.push(m.1);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<Segment> = Vec::new();
    for w in cuts.windows(2) {
        let (start, end) = (w[0], w[1]);
        if start == end {
            continue;
        }
        // Severity orders Error < Warning < Info: the minimum is the most severe.
        let best = marks
            .iter()
            .filter(|m| m.0 <= start && m.1 >= end)
            .min_by_key(|m| (m.2, m.3));
        let (severity, diagnostic) = match best {
            Some(m) => (Some(m.2), Some(m.3)),
            None => (None, None),
        };
        match out.last_mut() {
            Some(last) if last.severity == severity && last.diagnostic == diagnostic => {
                last.end = end
            }
            _ => out.push(Segment {
                start,
                end,
                severity,
                diagnostic,
            }),
        }
    }
    out
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The UTF-16 offset of a 1-based line and UTF-16 column, as the text appears in a `<textarea>`
/// (whose value turns `\r\n` and `\r` into `\n`). Past the end of a line or of the text clamps.
pub fn utf16_offset(text: &str, line: u32, column: u32) -> u32 {
    let mut offset = 0u32;
    let mut current = 1u32;
    let mut chars = text.chars().peekable();
    while current < line {
        match chars.next() {
            None => return offset,
            Some('\r') => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                offset += 1;
                current += 1;
            }
            Some('\n') => {
                offset += 1;
                current += 1;
            }
            Some(c) => offset += c.len_utf16() as u32,
        }
    }
    let mut col = 1u32;
    while col < column {
        match chars.next() {
            None | Some('\r') | Some('\n') => break,
            Some(c) => {
                let w = c.len_utf16() as u32;
                offset += w;
                col += w;
            }
        }
    }
    offset
}

/// Lines in `text` as a textarea shows them (at least one).
pub fn line_count(text: &str) -> usize {
    let mut n = 1;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => n += 1,
            b'\r' => {
                n += 1;
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexsmith::{validate, ValidateOptions};

    #[test]
    fn utf16_offsets() {
        let text = "ab\né😀x\r\ny\rz";
        let cases = [
            ("start", 1, 1, 0),
            ("line 1 col 3", 1, 3, 2),
            ("line 2 start", 2, 1, 3),
            ("after é", 2, 2, 4),
            ("after emoji (2 units)", 2, 4, 6),
            ("crlf counts as one", 3, 1, 8),
            ("lone cr", 4, 1, 10),
            ("column past end of line clamps", 1, 99, 2),
            ("line past end clamps", 9, 1, 11),
        ];
        for (name, line, column, expected) in cases {
            assert_eq!(utf16_offset(text, line, column), expected, "{name}");
        }
    }

    #[test]
    fn line_counts() {
        let cases = [("", 1), ("a", 1), ("a\n", 2), ("a\r\nb", 2), ("a\rb\nc", 3)];
        for (text, expected) in cases {
            assert_eq!(line_count(text), expected, "{text:?}");
        }
    }

    #[test]
    fn segments_cover_the_text_and_mark_each_diagnostic() {
        let text = crate::examples::BROKEN.text;
        let report = validate(text.as_bytes(), &ValidateOptions::default());
        assert!(!report.diagnostics.is_empty());
        let segs = segments(text, &report.diagnostics);
        // Contiguous, complete coverage.
        assert_eq!(segs.first().map(|s| s.start), Some(0));
        assert_eq!(segs.last().map(|s| s.end), Some(text.len()));
        for w in segs.windows(2) {
            assert_eq!(w[0].end, w[1].start, "contiguous");
        }
        for (i, d) in report.diagnostics.iter().enumerate() {
            let at = d.span.start.offset as usize;
            let covered = segs
                .iter()
                .any(|s| s.diagnostic.is_some() && s.start <= at && at < s.end.max(s.start + 1));
            assert!(
                covered,
                "diagnostic {i} ({}) at {at} is marked",
                d.code.as_str()
            );
        }
    }

    #[test]
    fn empty_spans_and_multibyte_text() {
        use indexsmith::diagnostic::{Position, Span};
        use indexsmith::Code;
        let text = "é😀";
        let at = |offset: u32| Position {
            line: 1,
            column: 1,
            offset,
        };
        let mk = |s, e, sev| {
            Diagnostic::new(Code::JsonSyntax, "x")
                .with_span(Span {
                    start: at(s),
                    end: at(e),
                })
                .with_severity(sev)
        };
        let cases = [
            (
                "empty span at start marks the first char",
                vec![mk(0, 0, Severity::Error)],
                vec![(0, 2, true), (2, 6, false)],
            ),
            (
                "empty span at end marks the last char",
                vec![mk(6, 6, Severity::Error)],
                vec![(0, 2, false), (2, 6, true)],
            ),
            (
                "offset inside a char snaps to its boundaries",
                vec![mk(3, 4, Severity::Warning)],
                vec![(0, 2, false), (2, 6, true)],
            ),
            ("no diagnostics", vec![], vec![(0, 6, false)]),
        ];
        for (name, diags, expected) in cases {
            let got: Vec<(usize, usize, bool)> = segments(text, &diags)
                .iter()
                .map(|s| (s.start, s.end, s.severity.is_some()))
                .collect();
            assert_eq!(got, expected, "{name}");
        }
        // Overlap: the error wins over the warning where both apply.
        let both = vec![mk(0, 6, Severity::Warning), mk(2, 6, Severity::Error)];
        let got: Vec<_> = segments(text, &both)
            .iter()
            .map(|s| (s.start, s.end, s.severity))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 2, Some(Severity::Warning)),
                (2, 6, Some(Severity::Error))
            ],
            "overlap"
        );
    }
}
