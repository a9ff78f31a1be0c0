//! `--format text`: `FILE:LINE:COL: severity [code] message (at /pointer)`, one finding a line.

use super::Checked;
use indexsmith::Severity;

pub fn render(checked: &[Checked]) -> String {
    let mut out = String::new();
    for c in checked {
        for d in &c.report.diagnostics {
            out.push_str(&format!("{}:{d}\n", c.name));
            if let Some(help) = &d.help {
                out.push_str(&format!("  help: {help}\n"));
            }
        }
    }
    out
}

/// One line for standard error: how many files, errors and warnings.
pub fn summary(checked: &[Checked]) -> String {
    let count = |s: Severity| {
        checked
            .iter()
            .flat_map(|c| &c.report.diagnostics)
            .filter(|d| d.severity == s)
            .count()
    };
    let invalid = checked.iter().filter(|c| !c.report.valid).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "{} checked, {} invalid: {}, {}",
        plural(checked.len(), "file"),
        invalid,
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
    )
}
