//! Properties of the text parsers: they never panic, and what they format parses back the same.

use indexsmith_registry::auth::{parse_challenges, parse_rfc3339};
use indexsmith_registry::ops::parse_next_link;
use indexsmith_registry::{parse_target, ManifestRef};
use proptest::prelude::*;

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

proptest! {
    #[test]
    fn challenges_never_panic(s in "\\PC{0,120}") {
        let _ = parse_challenges(&s);
    }

    #[test]
    fn formatted_challenges_parse_back(
        scheme in "[A-Za-z][A-Za-z0-9-]{0,10}",
        params in proptest::collection::vec(("[a-z][a-z0-9_]{0,8}", "[ -~]{0,20}"), 1..4),
    ) {
        let text = format!("{scheme} {}", params.iter().map(|(k, v)| format!("{k}={}", quote(v))).collect::<Vec<_>>().join(", "));
        let parsed = parse_challenges(&text).unwrap();
        prop_assert_eq!(parsed.len(), 1);
        prop_assert_eq!(&parsed[0].scheme, &scheme.to_ascii_lowercase());
        let got: Vec<(String, String)> = parsed[0].params.clone();
        let want: Vec<(String, String)> = params.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        prop_assert_eq!(got, want);
    }

    #[test]
    fn generated_references_name_their_targets(
        host in "(localhost|[a-z]{1,8}\\.[a-z]{2,4}|127\\.0\\.0\\.1)(:[0-9]{1,5})?",
        path in "[a-z0-9]{1,6}((\\.|_|__|-+)[a-z0-9]{1,6}){0,2}(/[a-z0-9]{1,6}){0,2}",
        tag in proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}"),
    ) {
        let text = match &tag { Some(t) => format!("{host}/{path}:{t}"), None => format!("{host}/{path}") };
        let (repo, what) = parse_target(&text).unwrap();
        prop_assert_eq!(&repo.registry, &host);
        prop_assert_eq!(&repo.path, &path);
        prop_assert_eq!(what, ManifestRef::Tag(tag.unwrap_or_else(|| "latest".into())));
    }

    #[test]
    fn links_and_dates_never_panic(s in "\\PC{0,80}") {
        let _ = parse_next_link(&s);
        let _ = parse_rfc3339(&s);
    }
}
