//! The invariants every fuzz target checks on a validation report.

use indexsmith::json::{Document, Limits};
use indexsmith::position::LineIndex;
use indexsmith::{Report, Severity};

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
    let (tree, _) = Document::parse(bytes, &Limits::default());
    let lines = LineIndex::new(bytes);
    for d in &report.diagnostics {
        match &tree {
            Some(tree) => assert!(
                tree.resolve_pointer(&d.pointer).is_some(),
                "pointer {:?} of {} does not resolve",
                d.pointer,
                d.code.as_str()
            ),
            None => assert_eq!(
                d.pointer,
                "",
                "{} on a document that did not parse",
                d.code.as_str()
            ),
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
