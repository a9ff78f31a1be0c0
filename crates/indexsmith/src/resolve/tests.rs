use super::*;
use crate::platform::parse;
use proptest::prelude::*;

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn pl(s: &str) -> Platform {
    parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
}

/// An index entry written as `platform`, `-` for none, `att:platform` for an attestation.
struct Spec {
    platform: Option<Platform>,
    attestation: bool,
}

fn specs(entries: &[&str]) -> Vec<Spec> {
    entries
        .iter()
        .map(|e| {
            let (attestation, p) = match e.strip_prefix("att:") {
                Some(rest) => (true, rest),
                None => (false, *e),
            };
            Spec {
                platform: (p != "-").then(|| pl(p)),
                attestation,
            }
        })
        .collect()
}

fn entries(specs: &[Spec]) -> Vec<Entry<'_>> {
    specs
        .iter()
        .map(|s| {
            Entry::new(s.platform.as_ref(), OCI_MANIFEST)
                .with_reference_type(s.attestation.then_some(ATTESTATION_MANIFEST))
        })
        .collect()
}

struct Case {
    name: &'static str,
    requested: &'static str,
    strict: bool,
    entries: &'static [&'static str],
    selected: Option<usize>,
    /// One reason code per entry.
    codes: &'static [&'static str],
}

const SEL: &str = "resolve/selected";
const OUT: &str = "resolve/outranked";
const MIS: &str = "resolve/platform-mismatch";
const ATT: &str = "resolve/attestation";
const UNK: &str = "resolve/unknown-platform";
const NOP: &str = "resolve/without-platform";
const NOPSEL: &str = "resolve/selected-without-platform";

const BUILDX: &[&str] = &[
    "linux/amd64",
    "linux/arm64",
    "linux/arm/v7",
    "att:unknown/unknown",
    "att:unknown/unknown",
    "att:unknown/unknown",
];

const CASES: &[Case] = &[
    Case {
        name: "exact amd64 among buildx output",
        requested: "linux/amd64",
        strict: false,
        entries: BUILDX,
        selected: Some(0),
        codes: &[SEL, MIS, MIS, ATT, ATT, ATT],
    },
    Case {
        name: "exact arm64",
        requested: "linux/arm64",
        strict: false,
        entries: BUILDX,
        selected: Some(1),
        codes: &[MIS, SEL, OUT, ATT, ATT, ATT],
    },
    Case {
        name: "arm64/v8 spelled out",
        requested: "linux/arm64/v8",
        strict: false,
        entries: BUILDX,
        selected: Some(1),
        codes: &[MIS, SEL, OUT, ATT, ATT, ATT],
    },
    Case {
        name: "arm/v7 bare arm",
        requested: "linux/arm",
        strict: false,
        entries: BUILDX,
        selected: Some(2),
        codes: &[MIS, MIS, SEL, ATT, ATT, ATT],
    },
    Case {
        name: "s390x has nothing",
        requested: "linux/s390x",
        strict: false,
        entries: BUILDX,
        selected: None,
        codes: &[MIS, MIS, MIS, ATT, ATT, ATT],
    },
    Case {
        name: "arm64 falls back to arm/v7 over v6",
        requested: "linux/arm64",
        strict: false,
        entries: &["linux/arm/v6", "linux/arm/v7", "linux/amd64"],
        selected: Some(1),
        codes: &[OUT, SEL, MIS],
    },
    Case {
        name: "strict arm64 refuses arm",
        requested: "linux/arm64",
        strict: true,
        entries: &["linux/arm/v6", "linux/arm/v7"],
        selected: None,
        codes: &[MIS, MIS],
    },
    Case {
        name: "arm/v8 prefers v8 wherever it is",
        requested: "linux/arm/v8",
        strict: false,
        entries: &["linux/arm/v5", "linux/arm/v7", "linux/arm/v8"],
        selected: Some(2),
        codes: &[OUT, OUT, SEL],
    },
    Case {
        name: "arm/v6 cannot run v7",
        requested: "linux/arm/v6",
        strict: false,
        entries: &["linux/arm/v7", "linux/arm/v5"],
        selected: Some(1),
        codes: &[MIS, SEL],
    },
    Case {
        name: "amd64 runs 386",
        requested: "linux/amd64",
        strict: false,
        entries: &["linux/386", "linux/arm64"],
        selected: Some(0),
        codes: &[SEL, MIS],
    },
    Case {
        name: "amd64/v3 takes v2 over v1 and refuses v4",
        requested: "linux/amd64/v3",
        strict: false,
        entries: &["linux/amd64", "linux/amd64/v2", "linux/amd64/v4"],
        selected: Some(1),
        codes: &[OUT, SEL, MIS],
    },
    Case {
        name: "plain amd64 refuses v2",
        requested: "linux/amd64",
        strict: false,
        entries: &["linux/amd64/v2", "linux/amd64/v3"],
        selected: None,
        codes: &[MIS, MIS],
    },
    Case {
        name: "ties go to index order",
        requested: "linux/amd64",
        strict: false,
        entries: &["linux/arm64", "linux/amd64", "linux/x86_64"],
        selected: Some(1),
        codes: &[MIS, SEL, OUT],
    },
    Case {
        name: "more os.features wins a tie",
        requested: "linux(+gpu)/amd64",
        strict: false,
        entries: &["linux/amd64", "linux(+gpu)/amd64"],
        selected: Some(1),
        codes: &[OUT, SEL],
    },
    Case {
        name: "os.features must be requested",
        requested: "linux/amd64",
        strict: false,
        entries: &["linux(+gpu)/amd64", "linux/amd64"],
        selected: Some(1),
        codes: &[MIS, SEL],
    },
    Case {
        name: "entry without platform loses to a match",
        requested: "linux/arm64",
        strict: false,
        entries: &["-", "linux/arm64"],
        selected: Some(1),
        codes: &[NOP, SEL],
    },
    Case {
        name: "entry without platform is the fallback",
        requested: "linux/riscv64",
        strict: false,
        entries: &["linux/amd64", "-", "-"],
        selected: Some(1),
        codes: &[MIS, NOPSEL, NOP],
    },
    Case {
        name: "attestation with a real platform is skipped",
        requested: "linux/amd64",
        strict: false,
        entries: &["att:linux/amd64", "linux/amd64"],
        selected: Some(1),
        codes: &[ATT, SEL],
    },
    Case {
        name: "unknown/unknown without annotation is skipped",
        requested: "linux/amd64",
        strict: false,
        entries: &["unknown/unknown", "linux/386"],
        selected: Some(1),
        codes: &[UNK, SEL],
    },
    Case {
        name: "attestation without platform is not a fallback",
        requested: "linux/amd64",
        strict: false,
        entries: &["att:-"],
        selected: None,
        codes: &[ATT],
    },
    Case {
        name: "empty index",
        requested: "linux/amd64",
        strict: false,
        entries: &[],
        selected: None,
        codes: &[],
    },
    Case {
        name: "windows host ltsc2022 picks the 20348 image",
        requested: "windows(10.0.20348)/amd64",
        strict: false,
        entries: &[
            "windows(10.0.17763.5830)/amd64",
            "windows(10.0.20348.2402)/amd64",
            "linux/amd64",
        ],
        selected: Some(1),
        codes: &[MIS, SEL, MIS],
    },
    Case {
        name: "windows host ltsc2025 runs ltsc2022",
        requested: "windows(10.0.26100)/amd64",
        strict: false,
        entries: &[
            "windows(10.0.17763.5830)/amd64",
            "windows(10.0.20348.2402)/amd64",
        ],
        selected: Some(1),
        codes: &[MIS, SEL],
    },
    Case {
        name: "windows without os.version takes the first windows entry",
        requested: "windows/amd64",
        strict: false,
        entries: &[
            "linux/amd64",
            "windows(10.0.17763.5830)/amd64",
            "windows(10.0.20348.2402)/amd64",
        ],
        selected: Some(1),
        codes: &[MIS, SEL, OUT],
    },
    Case {
        name: "higher windows revision is not preferred",
        requested: "windows(10.0.20348)/amd64",
        strict: false,
        entries: &[
            "windows(10.0.20348.1)/amd64",
            "windows(10.0.20348.2402)/amd64",
        ],
        selected: Some(0),
        codes: &[SEL, OUT],
    },
    Case {
        name: "win32k on the image is ignored",
        requested: "windows(10.0.20348)/amd64",
        strict: false,
        entries: &["windows(10.0.20348.2402+win32k)/amd64"],
        selected: Some(0),
        codes: &[SEL],
    },
];

#[test]
fn resolution_table() {
    for case in CASES {
        let specs = specs(case.entries);
        let r = resolve_platform(&pl(case.requested), case.strict, &entries(&specs));
        assert_eq!(r.selected, case.selected, "{}: selected", case.name);
        let codes: Vec<&str> = r.candidates.iter().map(|c| c.reason.code()).collect();
        assert_eq!(codes, case.codes, "{}: reasons", case.name);
        for c in &r.candidates {
            assert_eq!(
                c.matched,
                c.rank.is_some(),
                "{}: entry {} matched iff ranked",
                case.name,
                c.index
            );
            assert!(
                !c.message.is_empty(),
                "{}: entry {} message",
                case.name,
                c.index
            );
            if let Reason::Outranked { by, .. } | Reason::WithoutPlatform { by } = c.reason {
                assert_eq!(
                    Some(by),
                    case.selected,
                    "{}: entry {} outranked by the selected one",
                    case.name,
                    c.index
                );
            }
        }
    }
}

#[test]
fn messages_explain() {
    let specs = specs(&[
        "windows(10.0.17763.1)/amd64",
        "linux/arm/v6",
        "linux/arm64",
        "linux(+gpu)/arm64",
    ]);
    let r = resolve_platform(&pl("windows(10.0.20348)/amd64"), false, &entries(&specs));
    assert_eq!(
        r.candidates[0].message,
        "not pulled: os.version 10.0.17763.1 cannot run on windows(10.0.20348)/amd64"
    );
    assert_eq!(
        r.candidates[1].message,
        "not pulled: linux/arm/v6 is not one of windows(10.0.20348)/amd64, windows(10.0.20348)/386"
    );
    let r = resolve_platform(&pl("linux/arm64"), false, &entries(&specs));
    assert_eq!(r.candidates[1].message, "not pulled: linux/arm/v6 matches linux/arm/v6, which linux/arm64 can also run, but entry 2 is preferred");
    assert_eq!(
        r.candidates[2].message,
        "pulled: linux/arm64 is the requested platform linux/arm64"
    );
    assert_eq!(
        r.candidates[3].message,
        "not pulled: os.features of linux(+gpu)/arm64 are not all in those of linux/arm64"
    );
    assert_eq!(
        r.candidates[1].reason,
        Reason::Outranked {
            preference: pl("linux/arm/v6"),
            by: 2
        },
        "the typed reason names the preference matched"
    );
    assert_eq!(
        r.candidates[1].rank,
        Some(3),
        "arm64, arm/v8, arm/v7, arm/v6"
    );
}

#[test]
fn annotations_are_read() {
    let mut annotations = std::collections::BTreeMap::new();
    annotations.insert(
        "vnd.docker.reference.digest".to_owned(),
        "sha256:abc".to_owned(),
    );
    annotations.insert(
        ANNOTATION_REFERENCE_TYPE.to_owned(),
        ATTESTATION_MANIFEST.to_owned(),
    );
    let p = pl("linux/amd64");
    let e = Entry::new(Some(&p), OCI_MANIFEST).with_annotations(&annotations);
    assert_eq!(e.reference_type, Some(ATTESTATION_MANIFEST));
    let r = resolve_platform(&p, false, &[e]);
    assert_eq!(r.selected, None);
    let none = std::collections::HashMap::<String, String>::new();
    let plain = Entry::new(Some(&p), OCI_MANIFEST).with_annotations(&none);
    assert_eq!(plain.reference_type, None);
}

/// containerd, step by step: filter, stable sort with `Less` (platform-less entries last), first.
fn containerd_pick(matcher: &MatchComparer, entries: &[Entry<'_>]) -> Option<usize> {
    let mut kept: Vec<usize> = (0..entries.len())
        .filter(|&i| !entries[i].is_attestation())
        .filter(|&i| {
            entries[i].platform.map_or(true, |p| {
                !(p.os == "unknown" && p.architecture == "unknown")
            })
        })
        .filter(|&i| entries[i].platform.map_or(true, |p| matcher.matches(p)))
        .collect();
    let less = |a: usize, b: usize| match (entries[a].platform, entries[b].platform) {
        (None, _) => false,
        (_, None) => true,
        (Some(pa), Some(pb)) => matcher.less(pa, pb),
    };
    // Insertion sort: stable, and needs only `less`.
    for i in 1..kept.len() {
        let mut j = i;
        while j > 0 && less(kept[j], kept[j - 1]) {
            kept.swap(j, j - 1);
            j -= 1;
        }
    }
    kept.first().copied()
}

fn arb_entry() -> impl Strategy<Value = (Option<String>, bool)> {
    let platform = prop::sample::select(vec![
        "linux/amd64",
        "linux/amd64/v2",
        "linux/amd64/v3",
        "linux/386",
        "linux/arm64",
        "linux/arm64/v8",
        "linux/arm64/v8.2",
        "linux/arm64/v9",
        "linux/arm/v5",
        "linux/arm/v6",
        "linux/arm/v7",
        "linux/arm",
        "linux/arm/v8",
        "linux(+gpu)/amd64",
        "linux(+gpu+x)/amd64",
        "windows(10.0.17763.1)/amd64",
        "windows(10.0.20348.5)/amd64",
        "windows/amd64",
        "unknown/unknown",
        "linux/s390x",
    ]);
    (
        prop::option::weighted(0.9, platform.prop_map(str::to_owned)),
        prop::bool::weighted(0.1),
    )
}

proptest! {
    #[test]
    fn selection_is_what_containerd_pulls(
        requested in prop::sample::select(vec!["linux/amd64", "linux/amd64/v3", "linux/arm64", "linux/arm64/v9.1", "linux/arm/v7", "linux(+gpu)/amd64", "windows(10.0.20348)/amd64", "windows/amd64", "linux/riscv64"]),
        strict in any::<bool>(),
        raw in prop::collection::vec(arb_entry(), 0..8),
    ) {
        let platforms: Vec<Option<Platform>> = raw.iter().map(|(p, _)| p.as_deref().map(pl)).collect();
        let list: Vec<Entry<'_>> = platforms
            .iter()
            .zip(&raw)
            .map(|(p, (_, att))| Entry::new(p.as_ref(), OCI_MANIFEST).with_reference_type(att.then_some(ATTESTATION_MANIFEST)))
            .collect();
        let requested = pl(requested);
        let matcher = if strict { only_strict(&requested) } else { only(&requested) };
        let r = resolve(&matcher, &list);
        prop_assert_eq!(r.selected, containerd_pick(&matcher, &list));
        prop_assert_eq!(r.candidates.len(), list.len());
        let selected_count = r.candidates.iter().filter(|c| matches!(c.reason, Reason::Selected { .. } | Reason::SelectedWithoutPlatform)).count();
        prop_assert_eq!(selected_count, usize::from(r.selected.is_some()));
    }
}
