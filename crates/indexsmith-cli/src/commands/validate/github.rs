//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the file and line: `::error file=F,line=L,col=C,endLine=L,endColumn=C,title=CODE::MESSAGE`.

use super::Checked;
use indexsmith::Severity;

/// Escapes a command's message (`%`, CR, LF), as the runner decodes it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: the message escapes plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn render(checked: &[Checked]) -> String {
    let mut out = String::new();
    for c in checked {
        for d in &c.report.diagnostics {
            let (start, end) = (d.span.start, d.span.end);
            let mut message = d.message.clone();
            if !d.pointer.is_empty() {
                message.push_str(&format!(" (at {})", d.pointer));
            }
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            out.push_str(&format!(
                "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                command(d.severity),
                escape_property(&c.name),
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(d.code.as_str()),
                escape_data(&message),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_decodes() {
        let cases = [
            ("plain", "plain", "plain"),
            ("50% off", "50%25 off", "50%25 off"),
            ("a\nb\r", "a%0Ab%0D", "a%0Ab%0D"),
            ("k:v,w", "k:v,w", "k%3Av%2Cw"),
        ];
        for (input, data, property) in cases {
            assert_eq!(escape_data(input), data, "data of {input:?}");
            assert_eq!(escape_property(input), property, "property of {input:?}");
        }
    }
}
