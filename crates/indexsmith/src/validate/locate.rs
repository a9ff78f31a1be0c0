//! Findings into diagnostics: capped per code, then located in one pass over the text.
//!
//! A document can have findings by the hundred thousand (a million repeated keys on one line).
//! Each code keeps its first [`MAX_PER_CODE`] findings in document order; the rest are counted
//! in one `document/too-many-diagnostics` info diagnostic, located where the first left out one
//! was. Only what is kept gets a pointer and a line and column, all of them found in one forward
//! pass over the text instead of one look-up each.

use super::context::Finding;
use crate::diagnostic::{Code, Diagnostic, Severity, Span};
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
    message: String,
    help: Option<String>,
}

/// The diagnostics of `parsed` (the parser's findings) and `checked` (the rules'), sorted by
/// their start when the document parsed (`tree` has nodes), and capped per code.
pub(crate) fn diagnostics(
    tree: &Tree<'_>,
    parsed: Vec<ParseFinding>,
    checked: Vec<Finding>,
) -> Vec<Diagnostic> {
    let has_tree = !tree.nodes.is_empty();
    let mut pending: Vec<Pending> = Vec::with_capacity(parsed.len() + checked.len());
    pending.extend(parsed.into_iter().map(|f| Pending {
        start: f.start,
        end: f.end,
        node: f.node.filter(|_| has_tree),
        code: f.code,
        severity: f.code.default_severity(),
        message: f.message,
        help: f.help.map(str::to_owned),
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
    if has_tree {
        // Stable: findings at one offset keep the order they were found in.
        pending.sort_by_key(|p| p.start);
    }
    let pending = cap(pending);
    let mut offsets = Vec::with_capacity(pending.len() * 2);
    for p in &pending {
        offsets.push(p.start);
        offsets.push(p.end.max(p.start));
    }
    let positions = locate_all_in(tree.text, tree.text_str.is_some(), &offsets);
    let mut scratch = Vec::new();
    pending
        .into_iter()
        .zip(positions.chunks_exact(2))
        .map(|(p, at)| {
            let mut d = Diagnostic::new(p.code, p.message)
                .with_severity(p.severity)
                .with_span(Span {
                    start: at[0],
                    end: at[1],
                });
            if let Some(node) = p.node {
                d.pointer = tree.pointer_with(node, &mut scratch);
            }
            d.help = p.help;
            d
        })
        .collect()
}

/// Keeps the first [`MAX_PER_CODE`] findings of each code, in order, and adds one
/// `document/too-many-diagnostics` per code that had more, where its first left out one was.
fn cap(pending: Vec<Pending>) -> Vec<Pending> {
    // (code, findings seen); a report has few distinct codes.
    let mut counts: Vec<(Code, usize)> = Vec::new();
    let mut over = false;
    for p in &pending {
        match counts.iter_mut().find(|(c, _)| *c == p.code) {
            Some((_, n)) => {
                *n += 1;
                over |= *n > MAX_PER_CODE;
            }
            None => counts.push((p.code, 1)),
        }
    }
    if !over {
        return pending;
    }
    let mut kept = Vec::with_capacity(pending.len().min(counts.len() * (MAX_PER_CODE + 1)));
    let mut seen: Vec<(Code, usize)> = counts.iter().map(|&(c, _)| (c, 0)).collect();
    for p in pending {
        let Some(i) = seen.iter().position(|(c, _)| *c == p.code) else {
            continue;
        };
        seen[i].1 += 1;
        match seen[i].1 {
            n if n <= MAX_PER_CODE => kept.push(p),
            n if n == MAX_PER_CODE + 1 => {
                let more = counts[i].1 - MAX_PER_CODE;
                kept.push(Pending {
                    code: Code::DocumentTooManyDiagnostics,
                    severity: Code::DocumentTooManyDiagnostics.default_severity(),
                    message: format!(
                        "{more} more `{}` diagnostics from here on are not listed (a report lists \
                         the first {MAX_PER_CODE} of each code)",
                        p.code
                    ),
                    help: Some("fix the first ones and validate again to see the rest".to_owned()),
                    ..p
                });
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
