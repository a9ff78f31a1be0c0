#![no_main]
//! Any bytes as an index through `edit_index`, with edits chosen by the first byte: no panic; a
//! composed result parses as JSON, and its digest and size are those of its bytes.

use indexsmith::compose::{edit_index, Edit, PlatformField, Selector};
use indexsmith::json::{Document, Limits};
use indexsmith::Platform;
use libfuzzer_sys::fuzz_target;

fn edits(selector: u8) -> Vec<Edit> {
    let i = usize::from(selector >> 4);
    match selector & 0x7 {
        0 => vec![],
        1 => vec![Edit::SetPlatform {
            index: i,
            platform: Some(Platform::new("linux", "arm").with_variant("v7")),
        }],
        2 => vec![Edit::Annotate {
            entry: Some(i),
            key: "org.opencontainers.image.title".into(),
            value: Some("x".into()),
        }],
        3 => vec![Edit::Annotate {
            entry: None,
            key: "a".into(),
            value: None,
        }],
        4 => vec![Edit::SetPlatformField {
            index: i,
            field: PlatformField::OsVersion,
            value: Some("10.0.20348.1".into()),
        }],
        5 => vec![Edit::Remove {
            selector: Selector::Index(i),
        }],
        6 => vec![Edit::Move { from: i, to: 0 }],
        _ => vec![Edit::Filter {
            platforms: vec![Platform::new("linux", "amd64")],
            keep_attestations: true,
        }],
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, document)) = data.split_first() else {
        return;
    };
    if let Ok(composed) = edit_index(document, &edits(selector), None) {
        assert_eq!(composed.digest, indexsmith::digest::sha256(&composed.bytes));
        assert_eq!(composed.size, composed.bytes.len() as u64);
        let (tree, findings) = Document::parse(&composed.bytes, &Limits::default());
        assert!(tree.is_some(), "composed bytes do not parse: {findings:?}");
    }
});
