//! Built-in example documents, from the project's corpus of real indexes.

/// One example the app can load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// Stable identifier, used in the URL fragment.
    pub id: &'static str,
    pub title: &'static str,
    pub text: &'static str,
}

pub const HELLO_WORLD_LIST: Example = Example {
    id: "hello-world",
    title: "Docker manifest list: mcr.microsoft.com/mcr/hello-world (3 entries)",
    text: include_str!(
        "../../tests/fixtures/corpus/azure-docs-mcr-hello-world-manifest-list-windows.json"
    ),
};

pub const OCI_ATTESTATIONS: Example = Example {
    id: "alpine-attestations",
    title: "OCI index with attestations: alpine 3.23.2",
    text: include_str!("../../tests/fixtures/corpus/alpine-3.23.2-oci-index-attestations.json"),
};

pub const WINDOWS_OS_VERSION: Example = Example {
    id: "windows-os-version",
    title: "Docker manifest list with Windows os.version entries",
    text: include_str!(
        "../../tests/fixtures/corpus/containerd-volume-ownership-manifest-list-windows.json"
    ),
};

pub const BROKEN: Example = Example {
    id: "broken",
    title: "Broken: a manifest list with trailing commas",
    text: include_str!(
        "../../tests/fixtures/corpus/distribution-spec-manifest-list-trailing-comma.json"
    ),
};

/// Every example, the default first.
pub const ALL: [Example; 4] = [
    HELLO_WORLD_LIST,
    OCI_ATTESTATIONS,
    WINDOWS_OS_VERSION,
    BROKEN,
];

/// The document shown when nothing else is asked for.
pub const DEFAULT: Example = HELLO_WORLD_LIST;

pub fn by_id(id: &str) -> Option<Example> {
    ALL.into_iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexsmith::{validate, Kind, ValidateOptions};

    #[test]
    fn examples_are_what_their_titles_say() {
        // (example, expected kind, entries, valid)
        let cases = [
            (HELLO_WORLD_LIST, Some(Kind::DockerManifestList), 3, true),
            (OCI_ATTESTATIONS, Some(Kind::OciIndex), 16, true),
            (WINDOWS_OS_VERSION, Some(Kind::DockerManifestList), 6, true),
            (BROKEN, Some(Kind::DockerManifestList), 2, false),
        ];
        for (example, kind, entries, valid) in cases {
            let report = validate(example.text.as_bytes(), &ValidateOptions::default());
            assert_eq!(report.kind, kind, "{}: kind", example.id);
            assert_eq!(
                report.valid, valid,
                "{}: valid {:?}",
                example.id, report.diagnostics
            );
            let count = example.text.matches("\"mediaType\"").count() - 1; // the top-level one
            assert_eq!(count, entries, "{}: entries", example.id);
            assert_eq!(by_id(example.id), Some(example), "{}: lookup", example.id);
        }
        let windows = WINDOWS_OS_VERSION.text;
        assert!(
            windows.contains("\"os.version\""),
            "windows example carries os.version"
        );
    }
}
