//! Findings into diagnostics: capped per code, then located in one pass over the text, then lent
//! one by one to whoever builds the report.
//!
//! A document can have findings by the hundred thousand (a million repeated keys on one line).
//! Each code keeps its first [`MAX_PER_CODE`] findings in document order; the rest are counted
//! in one `document/too-many-diagnostics` info diagnostic, located where the first left out one
//! was. Only what is kept gets a line and column, all of them found in one forward pass over the
//! text instead of one look-up each; and only what is kept has its message, pointer and help
//! written, by the [`DiagnosticRef`] it is lent as, straight where the caller wants them.

use super::context::Finding;
use super::message::Text;
use crate::diagnostic::{Code, Diagnostic, Position, Severity, Span};
use crate::json::{NodeId, NodeKind, ParseFinding, Tree};
use crate::position::locate_all_in;

/// The most diagnostics of one code a report lists.
pub const MAX_PER_CODE: usize = 1_000;

/// A finding of the parser or of a rule, not yet located.
struct Pending {
    start: u32,
    end: u32,
    node: Option<NodeId>,
    code: Code,
    severity: Severity,
    message: Text,
    help: Option<Text>,
}

/// A diagnostic lent by a validation pass (see [`validate_document_with`]): its code, severity
/// and span as fields; its message, pointer and help written only when asked for, where the
/// caller wants them, so that a report of thousands of diagnostics needs no `String` for each.
///
/// [`validate_document_with`]: super::validate_document_with
pub struct DiagnosticRef<'r> {
    pub severity: Severity,
    pub code: Code,
    pub span: Span,
    tree: &'r Tree<'r>,
    node: Option<NodeId>,
    message: &'r Text,
    help: Option<&'r Text>,
    /// Room for the path of a pointer, kept from one diagnostic to the next.
    tokens: &'r mut Vec<NodeId>,
}

impl DiagnosticRef<'_> {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Writes the message.
    pub fn write_message(&self, out: &mut String) {
        self.message.write(self.tree, self.node, out)
    }

    /// Appends the RFC 6901 JSON pointer (`""` for the whole document), as
    /// [`Diagnostic::pointer`] has it.
    pub fn write_pointer(&mut self, out: &mut String) {
        if let Some(node) = self.node {
            self.tree.write_pointer(node, self.tokens, out);
        }
    }

    pub fn has_help(&self) -> bool {
        self.help.is_some()
    }

    /// Writes the help, if there is one.
    pub fn write_help(&self, out: &mut String) {
        if let Some(help) = self.help {
            help.write(self.tree, self.node, out);
        }
    }

    /// The diagnostic as an owned [`Diagnostic`].
    pub fn to_diagnostic(&mut self) -> Diagnostic {
        let mut pointer = String::new();
        self.write_pointer(&mut pointer);
        let mut d = Diagnostic::new(self.code, self.message.to_string_in(self.tree, self.node))
            .with_severity(self.severity)
            .with_pointer(pointer)
            .with_span(self.span);
        d.help = self.help.map(|h| h.to_string_in(self.tree, self.node));
        d
    }
}

/// Lends one diagnostic that no tree locates (about the document as a whole, at 1:1) to `each`.
pub(crate) fn lend_unlocated(
    code: Code,
    message: Text,
    help: Option<Text>,
    each: &mut dyn FnMut(&mut DiagnosticRef<'_>),
) {
    let tree = Tree {
        text: b"",
        text_str: None,
        has_cr: false,
        line_breaks: None,
        nodes: Vec::new(),
    };
    let start = Position {
        line: 1,
        column: 1,
        offset: 0,
    };
    each(&mut DiagnosticRef {
        severity: code.default_severity(),
        code,
        span: Span { start, end: start },
        tree: &tree,
        node: None,
        message: &message,
        help: help.as_ref(),
        tokens: &mut Vec::new(),
    });
}

/// Lends the diagnostics of `parsed` (the findings of [`crate::json::parse_deferred`]) and `checked` (the rules') to
/// `each`, sorted by their start when the document parsed (`tree` has nodes), and capped per
/// code. Returns whether one of them is an error (the cap keeps the first error of any code).
pub(crate) fn lend(
    tree: &Tree<'_>,
    parsed: Vec<ParseFinding>,
    checked: Vec<Finding>,
    each: &mut dyn FnMut(&mut DiagnosticRef<'_>),
) -> bool {
    let has_tree = !tree.nodes.is_empty();
    let mut pending: Vec<Pending> = Vec::with_capacity(parsed.len() + checked.len());
    pending.extend(parsed.into_iter().map(|f| Pending {
        start: f.start,
        end: f.end,
        node: f.node.filter(|_| has_tree),
        code: f.code,
        severity: f.code.default_severity(),
        message: if crate::json::is_deferred(&f) {
            Text::Parsed {
                code: f.code,
                start: f.start,
                end: f.end,
            }
        } else {
            Text::Owned(f.message)
        },
        help: f.help.map(Text::Static),
    }));
    pending.extend(checked.into_iter().map(|f| {
        let (start, end) = f.range.unwrap_or_else(|| match f.node {
            Some(n) => span_of(tree, n),
            None => (0, 0),
        });
        Pending {
            start,
            end,
            node: f.node,
            code: f.code,
            severity: f.severity,
            message: f.message,
            help: f.help,
        }
    }));
    // Indexes into `pending`, in document order: sorted by start, findings at one offset in the
    // order they were found in (the index breaks ties).
    let order: Vec<u32> = if has_tree {
        // Each key is the start and the index in one word: sorted without looking back into
        // `pending`.
        let mut keys: Vec<u64> = pending
            .iter()
            .enumerate()
            .map(|(i, p)| (u64::from(p.start) << 32) | i as u64)
            .collect();
        keys.sort_unstable();
        keys.into_iter().map(|k| k as u32).collect()
    } else {
        (0..pending.len() as u32).collect()
    };
    let kept = cap(&mut pending, order);
    let mut offsets = Vec::with_capacity(kept.len() * 2);
    for &i in &kept {
        let p = &pending[i as usize];
        offsets.push(p.start);
        offsets.push(p.end.max(p.start));
    }
    let positions = locate_all_in(
        tree.text,
        tree.text_str.is_some(),
        tree.has_cr,
        tree.line_breaks.as_deref(),
        &offsets,
    );
    let mut tokens = Vec::new();
    let mut any_error = false;
    for (&i, at) in kept.iter().zip(positions.chunks_exact(2)) {
        let p = &pending[i as usize];
        any_error |= p.severity == Severity::Error;
        each(&mut DiagnosticRef {
            severity: p.severity,
            code: p.code,
            span: Span {
                start: at[0],
                end: at[1],
            },
            tree,
            node: p.node,
            message: &p.message,
            help: p.help.as_ref(),
            tokens: &mut tokens,
        });
    }
    any_error
}

/// The findings of `order` to list: the first [`MAX_PER_CODE`] of each code, in order, and one
/// `document/too-many-diagnostics` per code that had more (added to `pending`), where its first
/// left out one was.
fn cap(pending: &mut Vec<Pending>, order: Vec<u32>) -> Vec<u32> {
    let mut counts = vec![0u32; Code::ALL.len()];
    let mut over = false;
    for p in pending.iter() {
        let n = &mut counts[p.code as usize];
        *n += 1;
        over |= *n as usize > MAX_PER_CODE;
    }
    if !over {
        return order;
    }
    let mut kept = Vec::with_capacity(order.len().min(Code::ALL.len() * (MAX_PER_CODE + 1)));
    let mut seen = vec![0u32; Code::ALL.len()];
    for i in order {
        let p = &pending[i as usize];
        let code = p.code;
        seen[code as usize] += 1;
        match seen[code as usize] as usize {
            n if n <= MAX_PER_CODE => kept.push(i),
            n if n == MAX_PER_CODE + 1 => {
                let more = counts[code as usize] as usize - MAX_PER_CODE;
                let note = Pending {
                    start: p.start,
                    end: p.end,
                    node: p.node,
                    code: Code::DocumentTooManyDiagnostics,
                    severity: Code::DocumentTooManyDiagnostics.default_severity(),
                    message: Text::Owned(format!(
                        "{more} more `{code}` diagnostics from here on are not listed (a report \
                         lists the first {MAX_PER_CODE} of each code)"
                    )),
                    help: Some(Text::Static(
                        "fix the first ones and validate again to see the rest",
                    )),
                };
                kept.push(pending.len() as u32);
                pending.push(note);
            }
            _ => {}
        }
    }
    kept
}

/// The span to underline for a node: a member value's key and value together when the value is
/// a scalar, the opening bracket for a container (underlining a whole list is noise).
fn span_of(tree: &Tree<'_>, node: NodeId) -> (u32, u32) {
    let n = tree.node(node);
    match n.kind {
        NodeKind::Object | NodeKind::Array => (n.start, n.start + 1),
        _ => (n.start, n.end),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{validate_document, ValidateOptions};

    fn count(diagnostics: &[Diagnostic], code: Code) -> usize {
        diagnostics.iter().filter(|d| d.code == code).count()
    }

    /// An OCI index of `entries` linux/amd64 entries (all but the first duplicates), with
    /// `repeats` repetitions of an unknown key at the top.
    fn index(entries: usize, repeats: usize) -> String {
        let mut s = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json""#
            .to_owned();
        for _ in 0..repeats {
            s.push_str(r#","x":1"#);
        }
        s.push_str(r#","manifests":["#);
        for i in 0..entries {
            if i > 0 {
                s.push(',');
            }
            s.push_str(&format!(
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{i:064x}","size":1,"platform":{{"os":"linux","architecture":"amd64"}}}}"#
            ));
        }
        s + "]}"
    }

    #[test]
    fn each_code_is_capped_and_the_rest_counted() {
        // (entries, repeats, duplicate platforms listed, duplicate keys listed, notes, valid)
        let cases = [
            (10, 3, 9, 2, 0, false),
            (MAX_PER_CODE + 1, 0, MAX_PER_CODE, 0, 0, true),
            (MAX_PER_CODE + 2, 0, MAX_PER_CODE, 0, 1, true),
            (1_500, 0, MAX_PER_CODE, 0, 1, true),
            (1_500, 2_500, MAX_PER_CODE, MAX_PER_CODE, 2, false),
        ];
        for (entries, repeats, platforms, keys, notes, valid) in cases {
            let case = format!("{entries} entries, {repeats} repeats");
            let v = validate_document(
                index(entries, repeats).as_bytes(),
                &ValidateOptions::default(),
            );
            let d = &v.diagnostics;
            assert_eq!(count(d, Code::IndexDuplicatePlatform), platforms, "{case}");
            assert_eq!(count(d, Code::JsonDuplicateKey), keys, "{case}");
            assert_eq!(count(d, Code::DocumentTooManyDiagnostics), notes, "{case}");
            assert_eq!(v.is_valid(), valid, "{case}: valid counts every error");
            assert!(
                d.windows(2)
                    .all(|w| w[0].span.start.offset <= w[1].span.start.offset),
                "{case}: in document order"
            );
        }
    }

    /// Lent diagnostics written one after another into one buffer (as the npm package packs
    /// them) read the same as the owned ones, and `valid` is the same.
    #[test]
    fn lent_diagnostics_write_what_owned_ones_hold() {
        let cases = [
            index(3, 2),
            index(1_200, 0),
            r#"{"a":1,"a":2}"#.to_owned(),
            "[1, 2".to_owned(),
            r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"x/y","digest":"sha256:00","size":-1,"platform":{"os":"Linux","architecture":"x86_64","os.version":"1"}},{"annotations":{"a/b~c":1}}]}"#.to_owned(),
            format!(r#"{{"k{}":{{"a":"\u0001"}}}}"#, "é".repeat(2_000)),
        ];
        let options = ValidateOptions::default();
        for case in &cases {
            let owned = validate_document(case.as_bytes(), &options);
            let mut buffer = String::new();
            // (code, severity, span, message, pointer, help) as byte ranges of `buffer`.
            let mut lent = Vec::new();
            let outline =
                super::super::validate_document_with(case.as_bytes(), &options, &mut |d| {
                    let a = buffer.len();
                    d.write_message(&mut buffer);
                    let b = buffer.len();
                    d.write_pointer(&mut buffer);
                    let c = buffer.len();
                    d.write_help(&mut buffer);
                    let help = d.has_help().then_some(c..buffer.len());
                    lent.push((d.code, d.severity, d.span, a..b, b..c, help));
                });
            assert_eq!(outline.valid, owned.is_valid(), "{case}");
            assert_eq!(outline.kind, owned.kind, "{case}");
            assert_eq!(lent.len(), owned.diagnostics.len(), "{case}");
            for (l, d) in lent.into_iter().zip(&owned.diagnostics) {
                assert_eq!((l.0, l.1, l.2), (d.code, d.severity, d.span), "{case}");
                assert_eq!(&buffer[l.3], d.message, "{case}");
                assert_eq!(&buffer[l.4], d.pointer, "{case}");
                assert_eq!(l.5.map(|h| &buffer[h]), d.help.as_deref(), "{case}");
            }
        }
    }

    /// Lines are counted by `\n` alone only when the parser read every byte and saw no `\r`:
    /// a `\r` as whitespace, raw in a string or in trailing content still breaks lines. They are
    /// found among the parser's breaks only when it also read no `\n` but as whitespace.
    #[test]
    fn positions_hold_with_and_without_carriage_returns() {
        let cases: &[&str] = &[
            "{\n  \"a\": 1,\n  \"a\": 2\n}",
            "{\n  \"é😀\": 1,\n\n  \"é😀\": \"é😀\", \"é😀\": [\n1\n]\n}\n",
            "{\n  \"a\": \"x\ny\",\n  \"a\": 2\n}",
            "{\n  \"a\": \"x\\\ny\",\n  \"a\": 2\n}",
            "{\"a\": 1,\n \"a\": 2}\n x\n",
            "\n\n{\"a\":1,\"a\":2}",
            "{\r\n  \"a\": 1,\r\n  \"a\": 2\r\n}",
            "{\r  \"a\": 1,\r  \"a\": 2}",
            "{\n  \"a\": \"x\ry\",\n  \"a\": 2\n}",
            "{\"a\": 1, \"a\": 2}\n\r x\n",
            "{\"a\": 1,\n \"a\": 2}\r\n",
        ];
        for case in cases {
            let lines = crate::position::LineIndex::new(case.as_bytes());
            let v = validate_document(case.as_bytes(), &ValidateOptions::default());
            assert!(!v.diagnostics.is_empty(), "{case:?}");
            for d in &v.diagnostics {
                assert_eq!(
                    d.span.start,
                    lines.position(d.span.start.offset),
                    "{case:?}"
                );
                assert_eq!(d.span.end, lines.position(d.span.end.offset), "{case:?}");
            }
        }
    }

    #[test]
    fn the_note_says_how_many_more_and_sits_where_they_start() {
        let v = validate_document(index(1_500, 0).as_bytes(), &ValidateOptions::default());
        let duplicates: Vec<&Diagnostic> = v
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::IndexDuplicatePlatform)
            .collect();
        let note = v
            .diagnostics
            .iter()
            .find(|d| d.code == Code::DocumentTooManyDiagnostics)
            .expect("a note");
        assert_eq!(note.severity, Severity::Info);
        // 1,499 duplicates: 1,000 listed, 499 more; the first left out is entry 1,001.
        assert!(
            note.message
                .starts_with("499 more `index/duplicate-platform`"),
            "{}",
            note.message
        );
        assert_eq!(note.pointer, "/manifests/1001/platform");
        assert!(note.span.start.offset > duplicates.last().expect("listed").span.start.offset);
    }
}
