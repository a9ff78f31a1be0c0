//! A validation packed for the JS entry points: numbers in one `Uint32Array`, every string in one
//! UTF-8 text decoded once on the JS side. A report of thousands of diagnostics then crosses the
//! boundary in one call and one copy, and the entry points build its plain objects in JS
//! (`js/report.js`), instead of the serializer setting each field of each object through a call
//! of its own.
//!
//! Layout (`u32` words):
//!
//! | words | content |
//! |---|---|
//! | `0..HEADER` | `valid` (0 or 1), `kind` (0 for none, else 1 + its place in [`KINDS`]), `mediaType` (a string), the number of diagnostics, the byte length of the text |
//! | `RECORD` words per diagnostic | severity (0 error, 1 warning, 2 info), `code`, `message`, `pointer`, `help` (strings), start line, column, offset, end line, column, offset |
//! | the rest | the text, UTF-8, four bytes a word (little-endian) |
//!
//! A string is two words: its start and its length in the decoded text, in UTF-16 code units (so
//! that JS slices it), the length [`NONE`] for `null`. Codes, messages and help texts repeat
//! from one diagnostic to the next: a code is written once, and a message or help equal to the
//! last one of its code is not written again (the two share a start, which JS slices once).

use indexsmith::text::same_bytes;
use indexsmith::validate::{DiagnosticRef, Outline};
use indexsmith::{Code, Kind, Severity};

/// Words before the first diagnostic.
pub const HEADER: usize = 6;
/// The word of the header holding the number of diagnostics.
const COUNT: usize = 4;
/// The word of the header holding the byte length of the text.
const TEXT_LENGTH: usize = 5;
/// Words per diagnostic.
pub const RECORD: usize = 15;
/// The length of an absent string.
pub const NONE: u32 = u32::MAX;
/// The kinds, in the order of their numbers (the JS side lists the same).
pub const KINDS: [Kind; 4] = [
    Kind::OciIndex,
    Kind::OciManifest,
    Kind::DockerManifestList,
    Kind::DockerManifest,
];

/// The text of a packed validation, and how long it is in UTF-16 code units.
#[derive(Default)]
struct Text {
    text: String,
    units: u32,
}

impl Text {
    /// Appends what `write` writes; returns its start and length in code units.
    fn push_with(&mut self, write: impl FnOnce(&mut String)) -> [u32; 2] {
        let from = self.text.len();
        write(&mut self.text);
        let added = &self.text[from..];
        let len = if added.is_ascii() {
            added.len()
        } else {
            added.encode_utf16().count()
        } as u32;
        let start = self.units;
        self.units += len;
        [start, len]
    }

    fn push(&mut self, s: &str) -> [u32; 2] {
        self.push_with(|t| t.push_str(s))
    }

    /// Takes back the last `bytes` bytes, `units` code units long.
    fn truncate_last(&mut self, bytes: usize, units: u32) {
        self.text.truncate(self.text.len() - bytes);
        self.units -= units;
    }

    /// Appends what `write` writes, unless it equals `last` (then taken back, and `last` is
    /// shared); returns its start and length in code units, and keeps it as `last`.
    fn push_shared(
        &mut self,
        last: &mut Option<Written>,
        write: impl FnOnce(&mut String),
    ) -> [u32; 2] {
        let from = self.text.len();
        let at = self.push_with(write);
        let to = self.text.len();
        match last {
            Some((range, last_at))
                if same_bytes(
                    &self.text.as_bytes()[range.clone()],
                    &self.text.as_bytes()[from..to],
                ) =>
            {
                let last_at = *last_at;
                self.truncate_last(to - from, at[1]);
                last_at
            }
            _ => {
                *last = Some((from..to, at));
                at
            }
        }
    }
}

/// The strings already written for one code: the code itself, and its last message and help
/// text (their places in the text, in bytes and in code units).
struct Seen {
    code: Code,
    text: [u32; 2],
    message: Option<Written>,
    help: Option<Written>,
}

/// A string written into the text: its bytes there, and its start and length in code units.
type Written = (std::ops::Range<usize>, [u32; 2]);

thread_local! {
    /// The text of the last packed validation, kept for the next one: a long report's text then
    /// does not grow from nothing each time.
    static TEXT: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// A text up to this size is kept for the next validation.
const KEPT_TEXT: usize = 4 * 1024 * 1024;

/// Packs a validation as the module above says into `words` (cleared first; a caller may hand
/// back the last one's to reuse its room): `validate` runs it, lending each diagnostic to the
/// packer, which writes it straight into the words and the text.
pub fn pack(
    mut words: Vec<u32>,
    validate: impl FnOnce(&mut dyn FnMut(&mut DiagnosticRef<'_>)) -> Outline,
) -> Vec<u32> {
    words.clear();
    words.resize(HEADER, 0);
    let mut text = Text {
        text: TEXT.with(|t| std::mem::take(&mut *t.borrow_mut())),
        units: 0,
    };
    text.text.clear();
    let mut seen: Vec<Seen> = Vec::new();
    let mut count = 0u32;
    let outline = validate(&mut |d| {
        count += 1;
        pack_diagnostic(d, &mut words, &mut text, &mut seen);
    });
    let kind = outline
        .kind
        .and_then(|k| KINDS.iter().position(|&x| x == k))
        .map_or(0, |i| i as u32 + 1);
    let media_type = match &outline.media_type {
        Some(m) => text.push(m),
        None => [0, NONE],
    };
    words[..COUNT].copy_from_slice(&[outline.valid as u32, kind, media_type[0], media_type[1]]);
    words[COUNT] = count;
    words[TEXT_LENGTH] = text.text.len() as u32;
    let bytes = text.text.as_bytes();
    words.reserve(bytes.len().div_ceil(4));
    let mut chunks = bytes.chunks_exact(4);
    words.extend((&mut chunks).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])));
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut last = [0u8; 4];
        last[..rest.len()].copy_from_slice(rest);
        words.push(u32::from_le_bytes(last));
    }
    if text.text.capacity() <= KEPT_TEXT {
        TEXT.with(|t| *t.borrow_mut() = text.text);
    }
    words
}

fn pack_diagnostic(
    d: &mut DiagnosticRef<'_>,
    words: &mut Vec<u32>,
    text: &mut Text,
    seen: &mut Vec<Seen>,
) {
    let i = match seen.iter().position(|s| s.code == d.code) {
        Some(i) => i,
        None => {
            seen.push(Seen {
                code: d.code,
                text: text.push(d.code.as_str()),
                message: None,
                help: None,
            });
            seen.len() - 1
        }
    };
    let seen = &mut seen[i];
    let code = seen.text;
    // The same message or help as the last one of this code (a code's messages often name
    // nothing of their own): written once.
    let message = text.push_shared(&mut seen.message, |t| d.write_message(t));
    let pointer = text.push_with(|t| d.write_pointer(t));
    let help = if d.has_help() {
        text.push_shared(&mut seen.help, |t| d.write_help(t))
    } else {
        [0, NONE]
    };
    let severity = match d.severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    let (start, end) = (d.span.start, d.span.end);
    let record: [u32; RECORD] = [
        severity,
        code[0],
        code[1],
        message[0],
        message[1],
        pointer[0],
        pointer[1],
        help[0],
        help[1],
        start.line,
        start.column,
        start.offset,
        end.line,
        end.column,
        end.offset,
    ];
    // Word by word into room made once: a copy of the record would be a call in WebAssembly.
    let at = words.len();
    words.resize(at + RECORD, 0);
    for (slot, word) in words[at..].iter_mut().zip(record) {
        *slot = word;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a packed validation back the way `js/report.js` does, as JSON-like text.
    #[allow(clippy::type_complexity)]
    fn unpack(words: &[u32]) -> (bool, u32, Option<String>, Vec<([String; 5], [u32; 6])>) {
        let count = words[4] as usize;
        let text_at = HEADER + count * RECORD;
        let bytes: Vec<u8> = words[text_at..]
            .iter()
            .flat_map(|w| w.to_le_bytes())
            .take(words[TEXT_LENGTH] as usize)
            .collect();
        let units: Vec<u16> = String::from_utf8(bytes)
            .expect("UTF-8")
            .encode_utf16()
            .collect();
        let s = |at: usize| {
            (words[at + 1] != NONE).then(|| {
                let start = words[at] as usize;
                String::from_utf16(&units[start..start + words[at + 1] as usize]).expect("UTF-16")
            })
        };
        let diagnostics = (0..count)
            .map(|i| {
                let w = HEADER + i * RECORD;
                let mut span = [0; 6];
                span.copy_from_slice(&words[w + 9..w + 15]);
                (
                    [
                        words[w].to_string(),
                        s(w + 1).expect("code"),
                        s(w + 3).expect("message"),
                        s(w + 5).expect("pointer"),
                        s(w + 7).unwrap_or_else(|| "null".into()),
                    ],
                    span,
                )
            })
            .collect();
        (words[0] == 1, words[1], s(2), diagnostics)
    }

    #[test]
    fn a_message_equal_to_the_last_of_its_code_shares_its_text() {
        let entry = |n: u32, os: &str, architecture: &str| {
            format!(
                r#"{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{n:064x}","size":1,"platform":{{"os":"{os}","architecture":"{architecture}","os.version":"1"}}}}"#
            )
        };
        let doc = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{},{},{},{}]}}"#,
            entry(1, "linux", "amd64"),
            entry(2, "linux", "arm64"),
            entry(3, "freebsd", "amd64"),
            entry(4, "freebsd", "arm64"),
        );
        let options = indexsmith::ValidateOptions::default();
        let words = pack(Vec::new(), |each| {
            indexsmith::validate::validate_document_with(doc.as_bytes(), &options, each)
        });
        let (_, _, _, diagnostics) = unpack(&words);
        let messages: Vec<&str> = diagnostics.iter().map(|(s, _)| s[2].as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        let start = |i: usize| words[HEADER + i * RECORD + 3];
        // (first, second, shared)
        for (a, b, shared) in [(0, 1, true), (1, 2, false), (2, 3, true)] {
            assert_eq!(start(a) == start(b), shared, "{messages:?}");
            assert_eq!(messages[a] == messages[b], shared, "{messages:?}");
        }
    }

    #[test]
    fn packs_what_the_core_reports() {
        let cases: &[&str] = &[
            "{}",
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#,
            // Non-ASCII before, in and after strings; a repeated code with its help text.
            r#"{"é😀":1,"é😀":2,"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[{"mediaType":"x/y","digest":"sha256:00","size":1},{"mediaType":"x/y","digest":"sha256:00","size":1}]}"#,
            "not json ü",
            // Helps of one code that differ from one diagnostic to the next, and repeat.
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","size":1,"platform":{"os":"linux","architecture":"x86_64"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000002","size":1,"platform":{"os":"linux","architecture":"aarch64"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000003","size":1,"platform":{"os":"linux","architecture":"aarch64"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000004","size":1,"platform":{"os":"linux","architecture":"x86_64","os.version":"é"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000005","size":1,"platform":{"os":"linux"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000006","size":1,"annotations":{"vnd.docker.reference.type":"attestation-manifest","vnd.docker.reference.digest":"sha256:é"}}
            ]}"#,
            // Messages of one code that repeat, differ, and repeat again (shared starts).
            r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","size":1,"platform":{"os":"linux","architecture":"amd64","os.version":"1"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000002","size":1,"platform":{"os":"linux","architecture":"arm64","os.version":"1"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000003","size":1,"platform":{"os":"freebsd","architecture":"arm64","os.version":"1"}},
              {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000004","size":1,"platform":{"os":"linux","architecture":"riscv64","os.version":"1"}}
            ]}"#,
        ];
        for case in cases {
            let options = indexsmith::ValidateOptions::default();
            let v = indexsmith::validate::validate_document(case.as_bytes(), &options);
            let (valid, kind, media_type, diagnostics) = unpack(&pack(Vec::new(), |each| {
                indexsmith::validate::validate_document_with(case.as_bytes(), &options, each)
            }));
            assert_eq!(valid, v.is_valid(), "{case}");
            assert_eq!(
                kind,
                v.kind
                    .map_or(0, |k| KINDS.iter().position(|&x| x == k).unwrap() as u32
                        + 1),
                "{case}"
            );
            assert_eq!(media_type, v.media_type, "{case}");
            assert_eq!(diagnostics.len(), v.diagnostics.len(), "{case}");
            for ((got, span), d) in diagnostics.iter().zip(&v.diagnostics) {
                let (a, b) = (d.span.start, d.span.end);
                assert_eq!(
                    *span,
                    [a.line, a.column, a.offset, b.line, b.column, b.offset],
                    "{case}"
                );
                let severity = ["error", "warning", "info"][got[0].parse::<usize>().unwrap()];
                assert_eq!(severity, d.severity.as_str(), "{case}");
                assert_eq!(got[1], d.code.as_str(), "{case}");
                assert_eq!(got[2], d.message, "{case}");
                assert_eq!(got[3], d.pointer, "{case}");
                assert_eq!(
                    got[4],
                    d.help.clone().unwrap_or_else(|| "null".into()),
                    "{case}"
                );
            }
        }
    }
}
