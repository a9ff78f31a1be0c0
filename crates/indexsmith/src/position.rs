//! Byte offsets to lines and columns, the way editors count them.
//!
//! Lines are 1-based and end at `\n`, `\r\n` or a lone `\r`. Columns are 1-based and count UTF-16
//! code units (what JavaScript strings, DOM selections and most editors use); an invalid UTF-8
//! sequence counts as one U+FFFD, as `TextDecoder` decodes it.

use crate::diagnostic::{Position, Span};
use crate::text::word;

/// Start offsets of every line of a text, and column checkpoints within long lines.
#[derive(Clone, Debug)]
pub struct LineIndex<'a> {
    text: &'a [u8],
    starts: Vec<u32>,
    /// `(offset, UTF-16 units from the start of its line)` at character starts at least
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
                b if !is_continuation(b) && i - anchor.0 >= CHECKPOINT_EVERY => {
                    // A byte that cannot continue a UTF-8 sequence starts a character (or an
                    // invalid sequence) however the text before it decodes: counting stays
                    // exact, and a long run without ASCII still gets checkpoints.
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

/// True for a byte that can only continue a UTF-8 sequence (`10xxxxxx`).
#[inline(always)]
fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

/// The positions of many offsets, in one pass over the text up to the last of them: what a
/// report with thousands of diagnostics needs, where looking each one up would count the same
/// long line again and again.
///
/// `offsets` may come in any order and repeat; the result is in the same order. Each position is
/// the one [`LineIndex::position`] gives.
pub fn locate_all(text: &[u8], offsets: &[u32]) -> Vec<Position> {
    locate_all_in(text, std::str::from_utf8(text).is_ok(), true, None, offsets)
}

/// [`locate_all`] in a text already known to be UTF-8 (`utf8`) or not, and to have a `\r`
/// (`has_cr`) or none. `breaks`, when known, is the offset of every line break, each a `\n`
/// (the parser's [`crate::json::Tree::line_breaks`]): lines are then found there, not counted.
pub(crate) fn locate_all_in(
    text: &[u8],
    utf8: bool,
    has_cr: bool,
    breaks: Option<&[u32]>,
    offsets: &[u32],
) -> Vec<Position> {
    let mut order: Vec<u32> = (0..offsets.len() as u32).collect();
    order.sort_unstable_by_key(|&i| offsets[i as usize]);
    let mut out = vec![Position::default(); offsets.len()];
    let mut sweep = Sweep::new(text, utf8, has_cr);
    sweep.breaks = breaks.filter(|_| !has_cr);
    for i in order {
        out[i as usize] = sweep.position(offsets[i as usize]);
    }
    out
}

/// How many of the leading values of `sorted` (ascending) are below `limit`: searched from the
/// front in doubling steps, so that a position a few lines after the last one costs a few steps,
/// not a search through every line break left.
fn count_below(sorted: &[u32], limit: usize) -> usize {
    let mut bound = 1;
    while bound <= sorted.len() && (sorted[bound - 1] as usize) < limit {
        bound *= 2;
    }
    // The first `bound / 2` values are below `limit`; the first one not below is in the rest.
    let low = bound / 2;
    let high = bound.min(sorted.len());
    low + sorted[low..high].partition_point(|&b| (b as usize) < limit)
}

/// A cursor moving forward through a text, keeping the line and column of the last character
/// start it stopped at.
struct Sweep<'a> {
    text: &'a [u8],
    /// Whether the text is all UTF-8: columns are then counted a word at a time.
    utf8: bool,
    /// Whether the text may have a `\r`: without, only `\n` bytes are counted.
    has_cr: bool,
    /// 0-based line of `anchor`.
    line: u32,
    /// The start of the line of `anchor`.
    line_start: usize,
    /// A character start (or the end of the text) on that line, at or after `line_start`.
    anchor: usize,
    /// UTF-16 units from `line_start` to `anchor`.
    column: u32,
    /// Every line break's offset (each a `\n`), when known; `next` is the first past `anchor`.
    breaks: Option<&'a [u32]>,
    next: usize,
}

impl<'a> Sweep<'a> {
    fn new(text: &'a [u8], utf8: bool, has_cr: bool) -> Self {
        Sweep {
            text,
            utf8,
            has_cr,
            line: 0,
            line_start: 0,
            anchor: 0,
            column: 0,
            breaks: None,
            next: 0,
        }
    }

    /// The position of `offset`, which must not be before the last character start reached.
    fn position(&mut self, offset: u32) -> Position {
        let t = self.text;
        let offset = (offset as usize).min(t.len());
        if let Some(breaks) = self.breaks {
            // The breaks before `offset`, found rather than counted.
            let passed = count_below(&breaks[self.next..], offset);
            if passed > 0 {
                self.next += passed;
                self.line += passed as u32;
                self.line_start = breaks[self.next - 1] as usize + 1;
                self.anchor = self.line_start;
                self.column = 0;
            }
            return self.column_at(offset);
        }
        let region = &t[self.anchor..offset];
        let (lf, cr) = if self.has_cr {
            count_breaks(region)
        } else {
            (count_lf(region), 0)
        };
        if cr == 0 {
            // Only `\n` breaks: count them, and start from the last one.
            if let Some(last) = region.iter().rposition(|&b| b == b'\n') {
                self.line += lf;
                self.line_start = self.anchor + last + 1;
                self.anchor = self.line_start;
                self.column = 0;
            }
        }
        let mut i = self.anchor;
        while let Some(k) = (cr > 0).then(|| next_break(t, i, offset)).flatten() {
            // `\r\n` is one break; a `\r` whose `\n` lies at or past `offset` leaves `offset`
            // on the `\r`'s line.
            let start = if t[k] == b'\r' && k + 1 < t.len() && t[k + 1] == b'\n' {
                if k + 1 >= offset {
                    break;
                }
                k + 2
            } else {
                k + 1
            };
            self.line += 1;
            self.line_start = start;
            self.anchor = start;
            self.column = 0;
            i = start;
        }
        self.column_at(offset)
    }

    /// The position of `offset` on the line of `anchor`, which it must not be before.
    fn column_at(&mut self, offset: usize) -> Position {
        let t = self.text;
        let column = self.column + self.units(self.anchor, offset);
        let position = Position {
            line: self.line + 1,
            column: column + 1,
            offset: offset as u32,
        };
        // Only a character start is a place to count on from: an offset inside a character
        // (a span ending after the first byte of an unexpected one) is counted from before it.
        if offset == t.len() || !is_continuation(t[offset]) {
            self.anchor = offset;
            self.column = column;
        }
        position
    }

    /// UTF-16 units of `text[from..to]`, `from` a character start.
    fn units(&self, from: usize, to: usize) -> u32 {
        let bytes = &self.text[from..to];
        // Invalid UTF-8, or a range ending inside a character (whose first bytes count as one
        // invalid sequence): counted exactly as `LineIndex` counts.
        if !self.utf8 || self.text.get(to).is_some_and(|&b| is_continuation(b)) {
            return utf16_len(bytes);
        }
        // UTF-8: one unit per byte that starts a character, two for a four-byte one.
        const HIGH: u64 = 0x8080_8080_8080_8080;
        let mut n = 0u32;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = word(c);
            if w & HIGH == 0 {
                n += 8;
            } else {
                n += c.iter().map(|&b| utf8_byte_units(b)).sum::<u32>();
            }
        }
        n + chunks
            .remainder()
            .iter()
            .map(|&b| utf8_byte_units(b))
            .sum::<u32>()
    }
}

/// The UTF-16 units a byte of valid UTF-8 accounts for: none for a continuation byte, two for
/// the lead byte of a four-byte character, one otherwise.
#[inline(always)]
fn utf8_byte_units(b: u8) -> u32 {
    !is_continuation(b) as u32 + (b >= 0xF0) as u32
}

/// The `\n` and the `\r` bytes of `bytes`, counted eight bytes at a time.
fn count_breaks(bytes: &[u8]) -> (u32, u32) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    // The high bit of each byte of `x` that is zero, exactly (no borrow from byte to byte).
    let zeros = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let (mut lf, mut cr) = (0u32, 0u32);
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = word(c);
        lf += zeros(w ^ (ONES * b'\n' as u64)).count_ones();
        cr += zeros(w ^ (ONES * b'\r' as u64)).count_ones();
    }
    for &b in chunks.remainder() {
        lf += (b == b'\n') as u32;
        cr += (b == b'\r') as u32;
    }
    (lf, cr)
}

/// The `\n` bytes of `bytes`, counted eight bytes at a time.
fn count_lf(bytes: &[u8]) -> u32 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let zeros = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let mut lf = 0u32;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let w = word(c);
        lf += zeros(w ^ (ONES * b'\n' as u64)).count_ones();
    }
    lf + chunks.remainder().iter().filter(|&&b| b == b'\n').count() as u32
}

/// The first `\n` or `\r` in `text[from..to]`, eight bytes at a time.
#[inline]
fn next_break(text: &[u8], mut from: usize, to: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while from + 8 <= to {
        let c = &text[from..from + 8];
        let w = word(c);
        // Bytes below 0x0E (which `\n` and `\r` are) flag their lane's high bit.
        if w.wrapping_sub(ONES * 0x0E) & !w & HIGH != 0 {
            break;
        }
        from += 8;
    }
    text[from..to]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|k| from + k)
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
    fn count_below_agrees_with_a_search_of_the_whole_list() {
        let breaks: Vec<u32> = (0..40).map(|i| i * 3 + (i % 4)).collect();
        for len in [0, 1, 2, 3, 7, 8, 9, 40] {
            let sorted = &breaks[..len];
            for limit in 0..130 {
                assert_eq!(
                    count_below(sorted, limit),
                    sorted.partition_point(|&b| (b as usize) < limit),
                    "{len} values, limit {limit}"
                );
            }
        }
    }

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
    fn locate_all_agrees_with_line_index() {
        let long = "é".repeat(3_000);
        let texts: &[&[u8]] = &[
            "ab\né😀x\r\ny\rz\r".as_bytes(),
            b"\r\n\r\n\n\r\r\n",
            b"{\"a\": \xc3}\n\xff\xfe\x80ab\xe2\x82",
            long.as_bytes(),
            b"",
        ];
        for text in texts {
            let index = LineIndex::new(text);
            // Every offset, in an order that is not sorted, some twice.
            let mut offsets: Vec<u32> = (0..=text.len() as u32 + 1).rev().collect();
            offsets.extend((0..=text.len() as u32).step_by(3));
            let got = locate_all(text, &offsets);
            for (offset, p) in offsets.iter().zip(got) {
                assert_eq!(p, index.position(*offset), "{text:?} at {offset}");
            }
        }
    }

    #[test]
    fn checkpoints_fall_in_long_runs_without_ascii() {
        let text = format!("x\n{}", "é".repeat(5_000));
        let index = LineIndex::new(text.as_bytes());
        assert!(index.checkpoints.len() >= 9, "{}", index.checkpoints.len());
        let end = index.position(text.len() as u32);
        assert_eq!((end.line, end.column), (2, 5_001));
    }

    #[test]
    fn breaks_are_counted_exactly() {
        for text in [
            &b"\n\r\n\x0a\x0b\x8a\x0d\xff\n"[..],
            b"",
            b"abc",
            &[b'\n'; 17],
        ] {
            let lf = text.iter().filter(|&&b| b == b'\n').count() as u32;
            let cr = text.iter().filter(|&&b| b == b'\r').count() as u32;
            assert_eq!(count_breaks(text), (lf, cr), "{text:?}");
            assert_eq!(count_lf(text), lf, "{text:?}");
        }
    }

    #[test]
    fn invalid_utf8_counts_one_unit_per_sequence() {
        assert_eq!(utf16_len(b"a\xffb"), 3);
        assert_eq!(utf16_len(b"\xe2\x82"), 1);
    }
}
