//! The one-pass located JSON parser (RFC 8259), strict about everything that makes two parsers
//! read the same bytes differently.

use super::name::{Name, UNNAMED};
use super::tree::{Node, NodeId, NodeKind, Tree, NONE};
use crate::diagnostic::Code;
use std::borrow::Cow;
use std::collections::HashMap;

/// Objects up to this many members find duplicate keys by comparison, larger ones by hashing.
const LINEAR_KEYS: usize = 16;

/// One slot per [`Name`] id (and one for [`UNNAMED`], never read).
const NAME_SLOTS: usize = Name::ALL.len() + 1;

/// The last key of each name in an object being parsed, [`NONE`] for none yet.
type LastNamed = [NodeId; NAME_SLOTS];

/// Bounds that keep parsing linear and memory bounded on hostile input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of arrays and objects allowed.
    pub max_depth: u32,
    /// Largest input accepted, in bytes.
    pub max_size: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 64,
            max_size: 64 * 1024 * 1024,
        }
    }
}

/// A problem found while parsing, located by byte range and, where it concerns a node, by node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseFinding {
    pub code: Code,
    pub message: String,
    pub help: Option<&'static str>,
    pub start: u32,
    pub end: u32,
    pub(crate) node: Option<NodeId>,
}

/// Parses `text`. The tree is `None` when a fatal problem (syntax, depth, size) stopped parsing.
pub fn parse<'a>(text: &'a [u8], limits: &Limits) -> (Option<Tree<'a>>, Vec<ParseFinding>) {
    let (tree, mut findings) = parse_deferred(text, limits);
    for f in &mut findings {
        if is_deferred(f) {
            write_deferred_message(f.code, text, f.start, f.end, &mut f.message);
        }
    }
    (tree, findings)
}

/// True for a finding of [`parse_deferred`] whose message is left to
/// [`write_deferred_message`]: the findings a document can have by the hundred thousand.
pub(crate) fn is_deferred(f: &ParseFinding) -> bool {
    f.message.is_empty()
        && matches!(
            f.code,
            Code::JsonDuplicateKey | Code::JsonLoneSurrogate | Code::JsonControlCharacter
        )
}

/// The message of a deferred finding with `code` spanning `start..end` of `text`: a duplicate
/// key (its quotes included), a `\uXXXX` escape of a lone surrogate, or a raw control character.
pub(crate) fn write_deferred_message(
    code: Code,
    text: &[u8],
    start: u32,
    end: u32,
    out: &mut String,
) {
    use std::fmt::Write;
    // Writing into a String cannot fail: the results of `write!` are dropped.
    match code {
        Code::JsonLoneSurrogate => {
            let unit = hex4(text, start as usize + 2).unwrap_or(0xFFFD);
            let _ = write!(
                out,
                "\\u{unit:04X} is half of a surrogate pair with no other half"
            );
        }
        Code::JsonControlCharacter => {
            let b = text.get(start as usize).copied().unwrap_or(0);
            let _ = write!(out, "raw control character U+{b:04X} in a string");
        }
        _ => write_duplicate_key_message(text, start, end, out),
    }
}

/// The message of a duplicate key spanning `start..end` of `text` (its quotes included).
fn write_duplicate_key_message(text: &[u8], start: u32, end: u32, out: &mut String) {
    let inner = text
        .get(start as usize + 1..(end as usize).saturating_sub(1))
        .unwrap_or(b"");
    let decoded;
    let name = match std::str::from_utf8(inner) {
        Ok(s) if !inner.contains(&b'\\') => s,
        _ => {
            decoded = decode_string(inner);
            decoded.as_str()
        }
    };
    out.push_str("duplicate key ");
    crate::text::push_quoted(out, name);
    out.push_str(": parsers disagree on which value wins");
}

/// [`parse`], but the messages of duplicate keys, lone surrogates and control characters are left
/// empty ([`is_deferred`]): a document can have them by the hundred thousand, and a report lists
/// the first 1,000 of a code, whose messages validation writes with [`write_deferred_message`].
pub(crate) fn parse_deferred<'a>(
    text: &'a [u8],
    limits: &Limits,
) -> (Option<Tree<'a>>, Vec<ParseFinding>) {
    let mut findings = Vec::new();
    if text.len() > limits.max_size {
        findings.push(ParseFinding {
            code: Code::JsonTooLarge,
            message: format!(
                "input is {} bytes; the limit is {} bytes",
                text.len(),
                limits.max_size
            ),
            help: None,
            start: 0,
            end: 0,
            node: None,
        });
        return (None, findings);
    }
    let text_str = check_utf8(text, &mut findings);
    let utf8_ok = text_str.is_some();
    let mut parser = Parser {
        text,
        pos: 0,
        nodes: Vec::with_capacity(text.len() / 12 + 4),
        findings,
        max_depth: limits.max_depth,
        utf8_ok,
        saw_cr: false,
        breaks: Vec::new(),
        stray_lf: false,
        keys: Vec::new(),
    };
    if text.starts_with(b"\xEF\xBB\xBF") {
        parser.finding(
            Code::JsonBom,
            "the input starts with a UTF-8 byte order mark",
            0,
            3,
            None,
        );
        if let Some(f) = parser.findings.last_mut() {
            f.help = Some("save the file as UTF-8 without BOM; registries hash the BOM too");
        }
        parser.pos = 3;
    }
    parser.skip_ws();
    if parser.pos >= text.len() {
        let at = text.len() as u32;
        parser.finding(
            Code::JsonEmpty,
            "the input is empty: expected a JSON object",
            at,
            at,
            None,
        );
        return (None, parser.findings);
    }
    let ok = parser.value(NONE, 0, 0).is_ok();
    if !ok {
        return (None, parser.findings);
    }
    parser.skip_ws();
    if parser.pos < text.len() {
        let at = parser.pos as u32;
        parser.finding(
            Code::JsonTrailingContent,
            format!(
                "unexpected {} after the end of the document",
                describe_at(text, parser.pos)
            ),
            at,
            text.len() as u32,
            None,
        );
    }
    (
        Some(Tree {
            text,
            text_str,
            // Every byte of a document that parsed went through the parser, but trailing content.
            has_cr: parser.saw_cr || parser.pos < text.len(),
            line_breaks: (!parser.saw_cr && !parser.stray_lf && parser.pos == text.len())
                .then_some(parser.breaks),
            nodes: parser.nodes,
        }),
        parser.findings,
    )
}

/// Records each invalid UTF-8 sequence (up to a few) and says whether the text is UTF-8.
/// The text as `str` when it is all UTF-8; otherwise `None`, with the bad sequences reported.
fn check_utf8<'a>(text: &'a [u8], findings: &mut Vec<ParseFinding>) -> Option<&'a str> {
    if let Ok(s) = std::str::from_utf8(text) {
        return Some(s);
    }
    let mut offset = 0usize;
    let mut reported = 0;
    for chunk in text.utf8_chunks() {
        offset += chunk.valid().len();
        let bad = chunk.invalid();
        if !bad.is_empty() {
            if reported < 8 {
                findings.push(ParseFinding {
                    code: Code::JsonInvalidUtf8,
                    message: format!("invalid UTF-8 byte sequence {}", hex_bytes(bad)),
                    help: Some("JSON text must be UTF-8"),
                    start: offset as u32,
                    end: (offset + bad.len()) as u32,
                    node: None,
                });
            }
            reported += 1;
            offset += bad.len();
        }
    }
    None
}

fn hex_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("0x{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A human description of the character at `pos`.
fn describe_at(text: &[u8], pos: usize) -> String {
    let Some(&b) = text.get(pos) else {
        return "end of input".to_owned();
    };
    if b < 0x80 {
        let c = b as char;
        if c.is_ascii_graphic() {
            format!("character '{c}'")
        } else {
            format!("character U+{:04X}", b)
        }
    } else {
        let end = (pos + 4).min(text.len());
        match text[pos..end].utf8_chunks().next().map(|c| c.valid()) {
            Some(valid) if !valid.is_empty() => {
                let c = valid.chars().next().unwrap_or('\u{FFFD}');
                format!("character '{c}' (U+{:04X})", c as u32)
            }
            _ => format!("byte 0x{b:02X}"),
        }
    }
}

/// Bytes that end a run of plain string content: quote, backslash, control characters.
const fn string_stops() -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
}
static STRING_STOP: [bool; 256] = string_stops();

/// True when the byte at `p` is `b` (a comparison of `Option`s would be a call in a size-tuned
/// build).
#[inline(always)]
fn byte_is(t: &[u8], p: usize, b: u8) -> bool {
    matches!(t.get(p), Some(&c) if c == b)
}

/// The eight bytes at `p` as one little-endian word, when there are eight.
#[inline(always)]
fn word_at(t: &[u8], p: usize) -> Option<u64> {
    let chunk: &[u8; 8] = t.get(p..p.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_le_bytes(*chunk))
}

/// The position of the first byte at or after `p` that ends a run of plain string content (or
/// the end of the text). Eight bytes at a time: strings are most of a manifest's bytes.
#[inline]
fn skip_plain(t: &[u8], mut p: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(w) = word_at(t, p) {
        let quote = w ^ (ONES * b'"' as u64);
        let backslash = w ^ (ONES * b'\\' as u64);
        // A byte is zero (or below 0x20) exactly when its lane of the expression has the high bit.
        let stops = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (w.wrapping_sub(ONES * 0x20) & !w);
        if stops & HIGH != 0 {
            // Borrows run only towards higher bytes, so the lowest flagged byte is a true stop.
            return p + ((stops & HIGH).trailing_zeros() / 8) as usize;
        }
        p += 8;
    }
    while p < t.len() && !STRING_STOP[t[p] as usize] {
        p += 1;
    }
    p
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
    nodes: Vec<Node>,
    findings: Vec<ParseFinding>,
    max_depth: u32,
    utf8_ok: bool,
    /// A `\r` byte was read (as whitespace or raw in a string).
    saw_cr: bool,
    /// The offset of each `\n` read as whitespace, ascending.
    breaks: Vec<u32>,
    /// A `\n` byte was read other than as whitespace (raw in a string, or escaped by a `\`):
    /// `breaks` then misses it.
    stray_lf: bool,
    /// Keys of the objects being parsed, innermost last, for duplicate detection.
    keys: Vec<NodeId>,
}

/// A fatal problem has been recorded; parsing stops.
struct Stop;

impl<'a> Parser<'a> {
    fn finding(
        &mut self,
        code: Code,
        message: impl Into<String>,
        start: u32,
        end: u32,
        node: Option<NodeId>,
    ) {
        self.findings.push(ParseFinding {
            code,
            message: message.into(),
            help: None,
            start,
            end,
            node,
        });
    }

    fn stop(&mut self, code: Code, message: impl Into<String>, help: Option<&'static str>) -> Stop {
        let start = self.pos.min(self.text.len()) as u32;
        let end = (self.pos + 1).min(self.text.len()) as u32;
        self.findings.push(ParseFinding {
            code,
            message: message.into(),
            help,
            start,
            end,
            node: None,
        });
        Stop
    }

    fn unexpected(&mut self, expected: &str) -> Stop {
        if self.pos >= self.text.len() {
            let message = format!("unexpected end of input: expected {expected}");
            return self.stop(
                Code::JsonUnexpectedEnd,
                message,
                Some("the document is cut short; check for a missing '}' or ']'"),
            );
        }
        let b = self.text[self.pos];
        let help = match b {
            b'\'' => Some("JSON strings and keys use double quotes"),
            b'/' => Some("JSON has no comments"),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => Some("keys and strings must be in double quotes"),
            _ => None,
        };
        let message = format!(
            "unexpected {}: expected {expected}",
            describe_at(self.text, self.pos)
        );
        self.stop(Code::JsonSyntax, message, help)
    }

    #[inline(always)]
    fn skip_ws(&mut self) {
        // Pretty-printed documents put a run of spaces after each line break: a run is counted a
        // word at a time (the first byte that is not a space ends it).
        const SPACES: u64 = u64::from_le_bytes(*b"        ");
        loop {
            match self.text.get(self.pos) {
                Some(b' ') => match word_at(self.text, self.pos) {
                    Some(w) => {
                        self.pos += match w ^ SPACES {
                            0 => 8,
                            other => (other.trailing_zeros() / 8) as usize,
                        }
                    }
                    None => self.pos += 1,
                },
                Some(b'\n') => {
                    self.breaks.push(self.pos as u32);
                    self.pos += 1;
                }
                Some(b'\t') => self.pos += 1,
                Some(b'\r') => {
                    self.saw_cr = true;
                    self.pos += 1;
                }
                _ => return,
            }
        }
    }

    #[inline(always)]
    fn push(
        &mut self,
        kind: NodeKind,
        start: usize,
        parent: NodeId,
        ordinal: u32,
        is_key: bool,
    ) -> NodeId {
        let id = self.nodes.len() as NodeId;
        self.nodes.push(Node {
            kind,
            needs_decoding: false,
            start: start as u32,
            end: start as u32,
            skip: id + 1,
            parent,
            len: 0,
            ordinal,
            is_key,
            shadowed: false,
            name: UNNAMED,
        });
        id
    }

    #[inline(always)]
    fn finish(&mut self, id: NodeId) {
        let skip = self.nodes.len() as NodeId;
        let n = &mut self.nodes.as_mut_slice()[id as usize];
        n.end = self.pos as u32;
        n.skip = skip;
    }

    fn value(&mut self, parent: NodeId, ordinal: u32, depth: u32) -> Result<NodeId, Stop> {
        self.skip_ws();
        match self.text.get(self.pos) {
            Some(b'{') => self.object(parent, ordinal, depth),
            Some(b'[') => self.array(parent, ordinal, depth),
            Some(b'"') => self.string(parent, ordinal, false),
            Some(b't') => self.literal(b"true", NodeKind::True, parent, ordinal),
            Some(b'f') => self.literal(b"false", NodeKind::False, parent, ordinal),
            Some(b'n') => self.literal(b"null", NodeKind::Null, parent, ordinal),
            Some(b'-' | b'0'..=b'9') => self.number(parent, ordinal),
            _ => Err(self.unexpected("a value")),
        }
    }

    fn enter(&mut self, depth: u32) -> Result<(), Stop> {
        if depth >= self.max_depth {
            let message = format!("nesting deeper than {} levels", self.max_depth);
            return Err(self.stop(
                Code::JsonTooDeep,
                message,
                Some("manifests nest only a few levels; this is not a manifest"),
            ));
        }
        Ok(())
    }

    fn object(&mut self, parent: NodeId, ordinal: u32, depth: u32) -> Result<NodeId, Stop> {
        self.enter(depth)?;
        let id = self.push(NodeKind::Object, self.pos, parent, ordinal, false);
        self.pos += 1;
        let keys_base = self.keys.len();
        let mut seen = None;
        // The names among the keys so far, a bit each: a named key repeats exactly when its bit
        // is set. Other keys are compared as text.
        let mut named = 0u32;
        // The last key of each name, from the first repeated name on (most objects never need it).
        let mut last_named: Option<LastNamed> = None;
        let mut count = 0u32;
        self.skip_ws();
        if byte_is(self.text, self.pos, b'}') {
            self.pos += 1;
            self.finish(id);
            return Ok(id);
        }
        loop {
            self.skip_ws();
            if !byte_is(self.text, self.pos, b'"') {
                return Err(self.unexpected("a string key"));
            }
            let key = self.string(id, count, true)?;
            let name = self.nodes.as_slice()[key as usize].name;
            if name == UNNAMED {
                self.check_duplicate(keys_base, key, &mut seen);
                self.keys.push(key);
            } else if named & (1 << name) == 0 {
                named |= 1 << name;
                if let Some(last) = &mut last_named {
                    last[name as usize] = key;
                }
            } else {
                self.repeated_name(id, key, name, &mut last_named);
            }
            self.skip_ws();
            if !byte_is(self.text, self.pos, b':') {
                return Err(self.unexpected("':' after the key"));
            }
            self.pos += 1;
            self.value(id, count, depth + 1)?;
            count += 1;
            if self.after_item(b'}', "',' or '}'", "remove the comma after the last member")? {
                break;
            }
        }
        self.keys.truncate(keys_base);
        self.nodes.as_mut_slice()[id as usize].len = count;
        self.finish(id);
        Ok(id)
    }

    /// Records a repeated named key: the last earlier key of `object` with the same name is
    /// shadowed. The first repeat in an object finds the last key of each name in one pass over
    /// the members so far; from then on `last` is kept up to date, so that an object of many
    /// repeated keys costs one look-up per key, not one pass.
    #[cold]
    fn repeated_name(
        &mut self,
        object: NodeId,
        key: NodeId,
        name: u8,
        last: &mut Option<LastNamed>,
    ) {
        let last = last.get_or_insert_with(|| {
            let nodes = self.nodes.as_slice();
            let mut last = [NONE; NAME_SLOTS];
            let mut k = object + 1;
            while k < key {
                last[nodes[k as usize].name as usize] = k;
                k = nodes[k as usize + 1].skip;
            }
            last
        });
        let previous = std::mem::replace(&mut last[name as usize], key);
        if previous != NONE {
            self.duplicate(previous, key);
        }
    }

    /// The decoded content of a key, borrowed when it has no escapes.
    fn key_content(&self, key: NodeId) -> Cow<'a, [u8]> {
        let n = self.nodes.as_slice()[key as usize];
        let inner = &self.text[n.start as usize + 1..n.end as usize - 1];
        if n.needs_decoding {
            Cow::Owned(decode_string(inner).into_bytes())
        } else {
            Cow::Borrowed(inner)
        }
    }

    /// Records a duplicate key and marks the member it shadows. Small objects compare keys
    /// directly; past [`LINEAR_KEYS`] members a hash map (seeded at random, so hostile keys
    /// cannot make it degrade) keeps the check linear in the number of members.
    fn check_duplicate(
        &mut self,
        keys_base: usize,
        key: NodeId,
        seen: &mut Option<HashMap<Cow<'a, [u8]>, NodeId>>,
    ) {
        let previous = match seen {
            Some(map) => map.insert(self.key_content(key), key),
            None => {
                let raw = |id: NodeId| {
                    let n = &self.nodes.as_slice()[id as usize];
                    (
                        n.needs_decoding,
                        &self.text[n.start as usize..n.end as usize],
                    )
                };
                let (escaped, key_raw) = raw(key);
                let found = self.keys[keys_base..].iter().rev().copied().find(|&other| {
                    match raw(other) {
                        // Keys without escapes are equal exactly when their bytes are.
                        (false, other_raw) if !escaped => super::tree::bytes_eq(other_raw, key_raw),
                        _ => self.key_content(other) == self.key_content(key),
                    }
                });
                if self.keys.len() - keys_base + 1 >= LINEAR_KEYS {
                    let mut map = HashMap::with_capacity(LINEAR_KEYS * 2);
                    for &k in &self.keys[keys_base..] {
                        map.insert(self.key_content(k), k);
                    }
                    map.insert(self.key_content(key), key);
                    *seen = Some(map);
                }
                found
            }
        };
        if let Some(previous) = previous {
            self.duplicate(previous, key);
        }
    }

    /// Records that `key` repeats the earlier key `previous`, which it shadows.
    fn duplicate(&mut self, previous: NodeId, key: NodeId) {
        self.nodes.as_mut_slice()[previous as usize].shadowed = true;
        let n = self.nodes.as_slice()[key as usize];
        // The message is written later, for the findings a report lists (`parse_deferred`).
        self.finding(
            Code::JsonDuplicateKey,
            String::new(),
            n.start,
            n.end,
            Some(key),
        );
        if let Some(f) = self.findings.last_mut() {
            f.help = Some("keep one of the members");
        }
    }

    /// After a member or element: a comma (then more, or a trailing comma recorded before `close`),
    /// or `close`. True when the container is closed.
    fn after_item(&mut self, close: u8, expected: &str, help: &'static str) -> Result<bool, Stop> {
        self.skip_ws();
        match self.text.get(self.pos) {
            Some(b',') => {
                let comma = self.pos as u32;
                self.pos += 1;
                self.skip_ws();
                if !byte_is(self.text, self.pos, close) {
                    return Ok(false);
                }
                let close = close as char;
                self.finding(
                    Code::JsonTrailingComma,
                    format!("trailing comma before '{close}'"),
                    comma,
                    comma + 1,
                    None,
                );
                if let Some(f) = self.findings.last_mut() {
                    f.help = Some(help);
                }
                self.pos += 1;
                Ok(true)
            }
            Some(&b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.unexpected(expected)),
        }
    }

    fn array(&mut self, parent: NodeId, ordinal: u32, depth: u32) -> Result<NodeId, Stop> {
        self.enter(depth)?;
        let id = self.push(NodeKind::Array, self.pos, parent, ordinal, false);
        self.pos += 1;
        let mut count = 0u32;
        self.skip_ws();
        if byte_is(self.text, self.pos, b']') {
            self.pos += 1;
            self.finish(id);
            return Ok(id);
        }
        loop {
            self.value(id, count, depth + 1)?;
            count += 1;
            if self.after_item(
                b']',
                "',' or ']'",
                "remove the comma after the last element",
            )? {
                break;
            }
        }
        self.nodes.as_mut_slice()[id as usize].len = count;
        self.finish(id);
        Ok(id)
    }

    fn literal(
        &mut self,
        word: &[u8],
        kind: NodeKind,
        parent: NodeId,
        ordinal: u32,
    ) -> Result<NodeId, Stop> {
        if self.text[self.pos..].starts_with(word) {
            let id = self.push(kind, self.pos, parent, ordinal, false);
            self.pos += word.len();
            self.finish(id);
            Ok(id)
        } else if word.starts_with(&self.text[self.pos..]) {
            // The input ends inside the literal.
            self.pos = self.text.len();
            Err(self.unexpected(&format!("the rest of `{}`", String::from_utf8_lossy(word))))
        } else {
            Err(self.unexpected("a value"))
        }
    }

    /// A number cut short by the end of the input is an unexpected end, not a bad number.
    fn number_error(&mut self, p: usize, message: &str) -> Stop {
        self.pos = p;
        if p >= self.text.len() {
            return self.unexpected("the digits of a number");
        }
        self.stop(Code::JsonInvalidNumber, message, None)
    }

    fn number(&mut self, parent: NodeId, ordinal: u32) -> Result<NodeId, Stop> {
        let start = self.pos;
        let t = self.text;
        let mut p = self.pos;
        if byte_is(t, p, b'-') {
            p += 1;
        }
        match t.get(p) {
            Some(b'0') => p += 1,
            Some(b'1'..=b'9') => {
                while matches!(t.get(p), Some(b'0'..=b'9')) {
                    p += 1;
                }
            }
            _ => {
                return Err(self.number_error(p, "a number needs digits after '-'"));
            }
        }
        if byte_is(t, p, b'.') {
            p += 1;
            if !matches!(t.get(p), Some(b'0'..=b'9')) {
                return Err(self.number_error(p, "a number needs digits after '.'"));
            }
            while matches!(t.get(p), Some(b'0'..=b'9')) {
                p += 1;
            }
        }
        if matches!(t.get(p), Some(b'e' | b'E')) {
            p += 1;
            if matches!(t.get(p), Some(b'+' | b'-')) {
                p += 1;
            }
            if !matches!(t.get(p), Some(b'0'..=b'9')) {
                return Err(self.number_error(p, "a number needs digits in its exponent"));
            }
            while matches!(t.get(p), Some(b'0'..=b'9')) {
                p += 1;
            }
        }
        if matches!(t.get(p), Some(b'0'..=b'9')) {
            self.pos = p;
            return Err(self.stop(
                Code::JsonInvalidNumber,
                "a number cannot have leading zeros",
                None,
            ));
        }
        let id = self.push(NodeKind::Number, start, parent, ordinal, false);
        self.pos = p;
        self.finish(id);
        Ok(id)
    }

    fn string(&mut self, parent: NodeId, ordinal: u32, is_key: bool) -> Result<NodeId, Stop> {
        let start = self.pos;
        let id = self.push(NodeKind::String, start, parent, ordinal, is_key);
        let t = self.text;
        let mut p = start + 1;
        let mut needs_decoding = false;
        loop {
            let run_start = p;
            p = skip_plain(t, p);
            if !self.utf8_ok && t[run_start..p].iter().any(|&b| b >= 0x80) {
                needs_decoding = true;
            }
            let Some(&b) = t.get(p) else {
                // Located from the opening quote to the end of the input.
                self.pos = t.len();
                self.findings.push(ParseFinding {
                    code: Code::JsonUnexpectedEnd,
                    message: "unexpected end of input in a string".to_owned(),
                    help: Some("the string has no closing '\"'; the document may be cut short"),
                    start: start as u32,
                    end: t.len() as u32,
                    node: None,
                });
                return Err(Stop);
            };
            match b {
                b'"' => {
                    p += 1;
                    break;
                }
                b'\\' => {
                    needs_decoding = true;
                    p = self.escape(p)?;
                }
                _ => {
                    self.saw_cr |= b == b'\r';
                    self.stray_lf |= b == b'\n';
                    // The message is written later, from the byte (`parse_deferred`).
                    self.finding(
                        Code::JsonControlCharacter,
                        String::new(),
                        p as u32,
                        p as u32 + 1,
                        Some(id),
                    );
                    if let Some(f) = self.findings.last_mut() {
                        f.help = Some(if b == b'\n' {
                            "a string cannot span lines: write \\n, or close the string"
                        } else {
                            "escape it as \\u00XX"
                        });
                    }
                    p += 1;
                }
            }
        }
        self.pos = p;
        let name = match (is_key, needs_decoding) {
            (false, _) => UNNAMED,
            (true, false) => Name::id_in(t, start + 1, p - start - 2),
            (true, true) => Name::id_of(decode_string(&t[start + 1..p - 1]).as_bytes()),
        };
        let n = &mut self.nodes.as_mut_slice()[id as usize];
        n.needs_decoding = needs_decoding;
        n.name = name;
        self.finish(id);
        Ok(id)
    }

    /// Checks the escape at `p` (a backslash) and returns the position after it.
    fn escape(&mut self, p: usize) -> Result<usize, Stop> {
        let t = self.text;
        match t.get(p + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(p + 2),
            Some(b'u') => {
                let Some(unit) = hex4(t, p + 2) else {
                    self.finding(
                        Code::JsonInvalidEscape,
                        "\\u must be followed by four hex digits",
                        p as u32,
                        (p + 2).min(t.len()) as u32,
                        None,
                    );
                    return Ok(p + 2);
                };
                if (0xD800..0xDC00).contains(&unit) {
                    if byte_is(t, p + 6, b'\\') && byte_is(t, p + 7, b'u') {
                        if let Some(low) = hex4(t, p + 8) {
                            if (0xDC00..0xE000).contains(&low) {
                                return Ok(p + 12);
                            }
                        }
                    }
                    self.lone_surrogate(p, unit);
                } else if (0xDC00..0xE000).contains(&unit) {
                    self.lone_surrogate(p, unit);
                }
                Ok(p + 6)
            }
            Some(&c) => {
                // The escaped byte is read here, not by the string's loop.
                self.saw_cr |= c == b'\r';
                self.stray_lf |= c == b'\n';
                self.finding(
                    Code::JsonInvalidEscape,
                    format!(
                        "invalid escape '\\{}'",
                        if c.is_ascii_graphic() {
                            (c as char).to_string()
                        } else {
                            format!("U+{c:04X}")
                        }
                    ),
                    p as u32,
                    p as u32 + 2,
                    None,
                );
                if let Some(f) = self.findings.last_mut() {
                    f.help = Some("JSON escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX");
                }
                Ok(p + 2)
            }
            None => {
                self.pos = p;
                Err(self.stop(
                    Code::JsonUnexpectedEnd,
                    "unterminated string",
                    Some("add the closing '\"'"),
                ))
            }
        }
    }

    fn lone_surrogate(&mut self, p: usize, unit: u32) {
        // The message is written later, from the escape (`parse_deferred`).
        debug_assert_eq!(hex4(self.text, p + 2), Some(unit));
        self.finding(
            Code::JsonLoneSurrogate,
            String::new(),
            p as u32,
            p as u32 + 6,
            None,
        );
        if let Some(f) = self.findings.last_mut() {
            f.help = Some("decoders replace or reject it differently; write the character itself");
        }
    }
}

fn hex4(t: &[u8], p: usize) -> Option<u32> {
    let digits = t.get(p..p + 4)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + (d as char).to_digit(16)?;
    }
    Some(v)
}

/// Decodes the content of a string (between the quotes). Invalid escapes and lone surrogates
/// become U+FFFD, as do invalid UTF-8 sequences.
pub(crate) fn decode_string(inner: &[u8]) -> String {
    let mut out = String::with_capacity(inner.len());
    decode_pieces(inner, |piece| {
        out.push_str(piece);
        true
    });
    out
}

/// The decoded content of a string (`inner`, between its quotes), as [`decode_string`] has it,
/// handed to `piece` a run at a time, in order, without building the whole: `piece` returns
/// false to stop, and then so does this function (a comparison stops at the first difference).
pub(crate) fn decode_pieces(inner: &[u8], mut piece: impl FnMut(&str) -> bool) -> bool {
    fn one(piece: &mut impl FnMut(&str) -> bool, c: char) -> bool {
        piece(c.encode_utf8(&mut [0; 4]))
    }
    let mut i = 0;
    while i < inner.len() {
        let run_end = inner[i..]
            .iter()
            .position(|&b| b == b'\\')
            .map_or(inner.len(), |k| i + k);
        for chunk in inner[i..run_end].utf8_chunks() {
            if !chunk.valid().is_empty() && !piece(chunk.valid()) {
                return false;
            }
            if !chunk.invalid().is_empty() && !one(&mut piece, '\u{FFFD}') {
                return false;
            }
        }
        i = run_end;
        if i >= inner.len() {
            break;
        }
        let Some(&c) = inner.get(i + 1) else {
            return one(&mut piece, '\u{FFFD}');
        };
        i += 2;
        let decoded = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => match hex4(inner, i) {
                Some(unit) => {
                    i += 4;
                    let low = (0xD800..0xDC00).contains(&unit)
                        && byte_is(inner, i, b'\\')
                        && byte_is(inner, i + 1, b'u');
                    match low.then(|| hex4(inner, i + 2)).flatten() {
                        Some(low) if (0xDC00..0xE000).contains(&low) => {
                            i += 6;
                            let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                            char::from_u32(c).unwrap_or('\u{FFFD}')
                        }
                        _ => char::from_u32(unit).unwrap_or('\u{FFFD}'),
                    }
                }
                None => '\u{FFFD}',
            },
            _ => '\u{FFFD}',
        };
        if !one(&mut piece, decoded) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The breaks the parser hands on: every `\n`, when each was read as whitespace and no `\r`
    /// was read; else none, and lines are counted from the text.
    #[test]
    fn line_breaks_are_kept_only_when_they_are_all_of_them() {
        // (case, text, the breaks handed on)
        type Case<'a> = (&'a str, &'a [u8], Option<&'a [u32]>);
        let cases: &[Case] = &[
            (
                "pretty",
                b"{\n  \"a\": [\n1\n]\n}\n",
                Some(&[1, 10, 12, 14, 16]),
            ),
            ("minified", b"{\"a\":1}", Some(&[])),
            ("breaks before the value", b"\n\n[]", Some(&[0, 1])),
            ("after a byte order mark", b"\xEF\xBB\xBF\n[]", Some(&[3])),
            ("a raw break in a string", b"[\"a\nb\"]\n", None),
            ("an escaped raw break", b"[\"a\\\nb\"]\n", None),
            ("a carriage return", b"[\r\n1]", None),
            ("trailing content", b"[]\nx\n", None),
        ];
        for (name, text, expected) in cases {
            let (tree, _) = parse(text, &Limits::default());
            let tree = tree.expect("a tree");
            assert_eq!(tree.line_breaks.as_deref(), *expected, "{name}");
        }
    }

    fn codes(text: &str) -> Vec<Code> {
        parse(text.as_bytes(), &Limits::default())
            .1
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    #[test]
    fn accepts_valid_json() {
        let cases = [
            ("empty object", "{}"),
            ("nested", r#"{"a":[1,2,{"b":null}],"c":true,"d":false}"#),
            (
                "numbers",
                r#"[0,-0,1.5,-1e10,2E+3,1e-7,123456789012345678901234567890]"#,
            ),
            ("escapes", r#"["\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"]"#),
            ("whitespace", " \t\r\n{ \"a\" : 1 }\n"),
            ("unicode", "{\"é\":\"😀\"}"),
        ];
        for (name, text) in cases {
            let (tree, findings) = parse(text.as_bytes(), &Limits::default());
            assert!(findings.is_empty(), "{name}: {findings:?}");
            assert!(tree.is_some(), "{name}");
        }
    }

    #[test]
    fn finds_problems() {
        let cases: &[(&str, &[u8], &[Code])] = &[
            ("empty", b"", &[Code::JsonEmpty]),
            ("only space", b"  \n", &[Code::JsonEmpty]),
            ("not json", b"hello", &[Code::JsonSyntax]),
            ("single quotes", b"{'a':1}", &[Code::JsonSyntax]),
            (
                "unterminated object",
                b"{\"a\":1",
                &[Code::JsonUnexpectedEnd],
            ),
            ("unterminated string", b"{\"a", &[Code::JsonUnexpectedEnd]),
            (
                "trailing comma object",
                b"{\"a\":1,}",
                &[Code::JsonTrailingComma],
            ),
            ("trailing comma array", b"[1,]", &[Code::JsonTrailingComma]),
            ("trailing content", b"{} {}", &[Code::JsonTrailingContent]),
            (
                "duplicate key",
                b"{\"a\":1,\"a\":2}",
                &[Code::JsonDuplicateKey],
            ),
            (
                "duplicate key escaped",
                b"{\"a\":1,\"\\u0061\":2}",
                &[Code::JsonDuplicateKey],
            ),
            (
                "control character",
                b"[\"a\x01b\"]",
                &[Code::JsonControlCharacter],
            ),
            ("nul byte", b"[\"a\x00\"]", &[Code::JsonControlCharacter]),
            ("nul outside", b"{}\x00", &[Code::JsonTrailingContent]),
            ("bad escape", b"[\"\\x\"]", &[Code::JsonInvalidEscape]),
            (
                "short unicode escape",
                b"[\"\\u12\"]",
                &[Code::JsonInvalidEscape],
            ),
            (
                "lone high surrogate",
                b"[\"\\ud800\"]",
                &[Code::JsonLoneSurrogate],
            ),
            (
                "lone low surrogate",
                b"[\"\\udc00x\"]",
                &[Code::JsonLoneSurrogate],
            ),
            ("leading zero", b"[01]", &[Code::JsonInvalidNumber]),
            ("bare minus", b"[-]", &[Code::JsonInvalidNumber]),
            ("dot without digits", b"[1.]", &[Code::JsonInvalidNumber]),
            (
                "exponent without digits",
                b"[1e]",
                &[Code::JsonInvalidNumber],
            ),
            ("invalid utf8", b"[\"\xff\"]", &[Code::JsonInvalidUtf8]),
            ("bom", b"\xEF\xBB\xBF{}", &[Code::JsonBom]),
            ("bad literal", b"[tru]", &[Code::JsonSyntax]),
            ("comment", b"{// x\n}", &[Code::JsonSyntax]),
            ("missing colon", b"{\"a\" 1}", &[Code::JsonSyntax]),
        ];
        for (name, text, expected) in cases {
            let got: Vec<Code> = parse(text, &Limits::default())
                .1
                .into_iter()
                .map(|f| f.code)
                .collect();
            assert_eq!(&got, expected, "{name}");
        }
    }

    #[test]
    fn depth_and_size_limits() {
        let deep = "[".repeat(10_000);
        assert_eq!(codes(&deep), vec![Code::JsonTooDeep]);
        let limits = Limits {
            max_depth: 3,
            max_size: 10,
        };
        assert_eq!(parse(b"[[[1]]]", &limits).1.len(), 0);
        assert_eq!(parse(b"[[[[1]]]]", &limits).1[0].code, Code::JsonTooDeep);
        assert_eq!(
            parse(b"[1,2,3,4,5,6]", &limits).1[0].code,
            Code::JsonTooLarge
        );
    }

    #[test]
    fn locates_findings() {
        let (_, f) = parse(b"{\"a\":1,\n\"a\":2}", &Limits::default());
        assert_eq!((f[0].start, f[0].end), (8, 11));
        let (_, f) = parse(b"{\"a\": x}", &Limits::default());
        assert_eq!((f[0].start, f[0].end), (6, 7));
    }

    #[test]
    fn tree_navigation() {
        let text = br#"{"a":{"b":[10,"x\/y",{"c~d/e":null}]},"z":"\u00e9"}"#;
        let (tree, findings) = parse(text, &Limits::default());
        assert!(findings.is_empty());
        let tree = tree.unwrap();
        let a = tree.get(0, "a").unwrap();
        let b = tree.get(a, "b").unwrap();
        let elems: Vec<_> = tree.elements(b).collect();
        assert_eq!(elems.len(), 3);
        assert_eq!(tree.raw(elems[0]), b"10");
        assert_eq!(tree.str(elems[1]), "x/y");
        assert_eq!(tree.str(tree.get(0, "z").unwrap()), "é");
        let inner = tree.get(elems[2], "c~d/e").unwrap();
        assert_eq!(tree.pointer(inner), "/a/b/2/c~0d~1e");
        assert_eq!(tree.resolve_pointer("/a/b/2/c~0d~1e"), Some(inner));
        assert_eq!(tree.resolve_pointer(""), Some(0));
        assert_eq!(tree.resolve_pointer("/a/b/3"), None);
        assert_eq!(tree.pointer(elems[1]), "/a/b/1");
    }

    #[test]
    fn decodes_strings() {
        let cases: &[(&[u8], &str)] = &[
            (b"plain", "plain"),
            (b"\\n\\t\\\"", "\n\t\""),
            (b"\\u00e9", "é"),
            (b"\\ud83d\\ude00", "😀"),
            (b"\\ud800", "\u{FFFD}"),
            (b"a\xffb", "a\u{FFFD}b"),
        ];
        for (raw, expected) in cases {
            assert_eq!(decode_string(raw), *expected, "{raw:?}");
        }
    }

    #[test]
    fn escaped_keys_compare_as_their_decoded_text() {
        let raws = [
            r#"{"a\u0062c": 1}"#,
            r#"{"\ud83d\ude00x": 1}"#,
            r#"{"\ud800": 1}"#,
            r#"{"tab\there": 1}"#,
            r#"{"\"": 1}"#,
        ];
        let others = [
            "",
            "a",
            "ab",
            "abc",
            "abcd",
            "😀",
            "😀x",
            "😀xy",
            "\u{FFFD}",
            "tab\there",
            "\"",
        ];
        for raw in raws {
            let (tree, _) = crate::json::parse(raw.as_bytes(), &crate::json::Limits::default());
            let tree = tree.expect("an object");
            let key = Tree::ROOT + 1;
            let decoded = tree.str(key).into_owned();
            for other in others.iter().copied().chain([decoded.as_str()]) {
                assert_eq!(
                    tree.str_eq(key, other),
                    decoded == other,
                    "{raw} against {other:?}"
                );
            }
        }
    }
}
