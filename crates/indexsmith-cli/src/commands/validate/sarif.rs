//! `--format sarif`: a SARIF 2.1.0 log with one run. Each distinct code is a rule; each finding a
//! result located by line and column (UTF-16 code units, the run's `columnKind`), by byte range,
//! and by its JSON pointer as a logical location. Levels: error, warning, note (for info).

use serde::Serialize;
use std::collections::BTreeMap;

use super::Checked;
use indexsmith::Severity;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

#[derive(Serialize)]
pub struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    artifacts: Vec<Artifact>,
    results: Vec<ResultEntry>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
struct Rule {
    id: String,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
    length: u64,
    hashes: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultEntry {
    rule_id: String,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Properties>,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
struct Properties {
    help: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
    byte_offset: u32,
    byte_length: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    fully_qualified_name: String,
    kind: &'static str,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a URI reference: unreserved characters and `/` kept, every other byte
/// percent-encoded (so `<stdin>` is `%3Cstdin%3E`).
pub fn uri_reference(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(checked: &[Checked]) -> Log {
    let mut rules: Vec<Rule> = Vec::new();
    let mut rule_index: BTreeMap<String, usize> = BTreeMap::new();
    let mut artifacts = Vec::with_capacity(checked.len());
    let mut results = Vec::new();
    for (file_index, c) in checked.iter().enumerate() {
        let uri = uri_reference(&c.name);
        let digest = c.report.digest.to_string();
        artifacts.push(Artifact {
            location: ArtifactLocation {
                uri: uri.clone(),
                index: None,
            },
            length: c.report.size,
            hashes: BTreeMap::from([("sha-256", digest.trim_start_matches("sha256:").to_owned())]),
        });
        for d in &c.report.diagnostics {
            let code = d.code.as_str().to_owned();
            let index = *rule_index.entry(code.clone()).or_insert_with(|| {
                rules.push(Rule { id: code.clone() });
                rules.len() - 1
            });
            let (start, end) = (d.span.start, d.span.end);
            let logical_locations = if d.pointer.is_empty() {
                Vec::new()
            } else {
                vec![LogicalLocation {
                    fully_qualified_name: d.pointer.clone(),
                    kind: "element",
                }]
            };
            results.push(ResultEntry {
                rule_id: code,
                rule_index: index,
                level: level(d.severity),
                message: Message {
                    text: d.message.clone(),
                },
                locations: vec![Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation {
                            uri: uri.clone(),
                            index: Some(file_index),
                        },
                        region: Region {
                            start_line: start.line,
                            start_column: start.column,
                            end_line: end.line,
                            end_column: end.column,
                            byte_offset: start.offset,
                            byte_length: end.offset.saturating_sub(start.offset),
                        },
                    },
                    logical_locations,
                }],
                properties: d.help.clone().map(|help| Properties { help }),
            });
        }
    }
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "indexsmith",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "utf16CodeUnits",
            artifacts,
            results,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::uri_reference;

    #[test]
    fn file_names_become_uri_references() {
        let cases = [
            ("index.json", "index.json"),
            ("dir/a b.json", "dir/a%20b.json"),
            ("<stdin>", "%3Cstdin%3E"),
            ("ç.json", "%C3%A7.json"),
            ("/abs/x#1.json", "/abs/x%231.json"),
        ];
        for (name, uri) in cases {
            assert_eq!(uri_reference(name), uri, "{name}");
        }
    }
}
