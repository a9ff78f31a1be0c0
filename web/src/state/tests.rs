use super::*;
use crate::fragment;
use indexsmith::compose::{PlatformField, Selector};

fn reduce(doc: Document, actions: impl IntoIterator<Item = Action>) -> Document {
    let mut doc = Rc::new(doc);
    for a in actions {
        doc = doc.reduce(a);
    }
    (*doc).clone()
}

fn example(e: examples::Example) -> Document {
    Document::new(e.text.to_owned(), Source::Example(e.id))
}

fn codes(doc: &Document) -> Vec<&'static str> {
    doc.analysis
        .report
        .diagnostics
        .iter()
        .map(|d| d.code.as_str())
        .collect()
}

#[test]
fn edit_text_revalidates_and_digests_the_exact_bytes() {
    let cases = [
        (
            "valid list",
            examples::HELLO_WORLD_LIST.text.to_owned(),
            true,
            3,
        ),
        (
            "trailing comma (parser recovers)",
            examples::BROKEN.text.to_owned(),
            false,
            2,
        ),
        ("not json", "{\"schemaVersion\": 2,".to_owned(), false, 0),
        (
            "crlf kept",
            examples::HELLO_WORLD_LIST.text.replace('\n', "\r\n"),
            true,
            3,
        ),
        ("empty", String::new(), false, 0),
    ];
    for (name, text, valid, rows) in cases {
        let doc = reduce(
            Document::new("{}".into(), Source::Typed),
            [Action::EditText(text.clone())],
        );
        assert_eq!(&*doc.text, text, "{name}: text kept as typed");
        assert_eq!(
            doc.analysis.report.valid,
            valid,
            "{name}: valid {:?}",
            codes(&doc)
        );
        assert_eq!(doc.analysis.rows.len(), rows, "{name}: rows");
        assert_eq!(
            doc.analysis.report.digest,
            indexsmith::digest::sha256(text.as_bytes()),
            "{name}: digest of exact bytes"
        );
        assert_eq!(doc.analysis.report.size, text.len() as u64, "{name}: size");
    }
    let broken = reduce(
        Document::default(),
        [Action::EditText(examples::BROKEN.text.into())],
    );
    assert!(
        codes(&broken).contains(&"json/trailing-comma"),
        "{:?}",
        codes(&broken)
    );
}

#[test]
fn table_edits_go_through_compose_and_replace_the_text() {
    let set = |index, field, value: &str| {
        Action::Edit(Edit::SetPlatformField {
            index,
            field,
            value: Some(value.into()),
        })
    };
    // (case, actions, expected platform labels after)
    let cases: Vec<(&str, Vec<Action>, Vec<&str>)> = vec![
        (
            "set variant",
            vec![set(1, PlatformField::Variant, "v8")],
            vec!["linux/amd64", "linux/arm64/v8", "windows/amd64"],
        ),
        (
            "set os and arch",
            vec![set(0, PlatformField::Architecture, "s390x")],
            vec!["linux/s390x", "linux/arm64", "windows/amd64"],
        ),
        (
            "move down",
            vec![Action::Edit(Edit::Move { from: 0, to: 1 })],
            vec!["linux/arm64", "linux/amd64", "windows/amd64"],
        ),
        (
            "remove",
            vec![Action::Edit(Edit::Remove {
                selector: Selector::Index(2),
            })],
            vec!["linux/amd64", "linux/arm64"],
        ),
    ];
    for (name, actions, expected) in cases {
        let doc = reduce(example(examples::HELLO_WORLD_LIST), actions);
        assert_eq!(doc.edit_error, None, "{name}");
        let labels: Vec<String> = doc
            .analysis
            .rows
            .iter()
            .map(|r| r.platform_label())
            .collect();
        assert_eq!(labels, expected, "{name}");
        assert_ne!(
            &*doc.text,
            examples::HELLO_WORLD_LIST.text,
            "{name}: text replaced"
        );
        assert_eq!(
            doc.undo.last().map(|t| &**t),
            Some(examples::HELLO_WORLD_LIST.text),
            "{name}: undoable"
        );
        // The table is derived from the new text: re-analysing the text gives the same rows.
        assert_eq!(
            Analysis::of(&doc.text).rows,
            doc.analysis.rows,
            "{name}: in sync"
        );
    }
}

#[test]
fn failed_edits_never_touch_the_text() {
    let cases: Vec<(&str, Document, Action, &str)> = vec![
        (
            "entry out of range",
            example(examples::HELLO_WORLD_LIST),
            Action::Edit(Edit::Move { from: 7, to: 0 }),
            "compose/entry-out-of-range",
        ),
        (
            "broken json",
            example(examples::BROKEN),
            Action::Edit(Edit::Remove {
                selector: Selector::Index(0),
            }),
            "compose/not-an-index",
        ),
        (
            "reformat broken json",
            example(examples::BROKEN),
            Action::Reformat(Style::Compact),
            "compose/not-an-index",
        ),
    ];
    for (name, doc, action, code) in cases {
        let before = doc.text.clone();
        let after = reduce(doc, [action]);
        assert_eq!(after.text, before, "{name}: text unchanged");
        assert_eq!(
            after.edit_error.as_ref().map(|f| f.code.as_str()),
            Some(code),
            "{name}"
        );
        assert!(after.undo.is_empty(), "{name}: no undo step");
    }
    // Typing clears the error; the failed fetch keeps the text.
    let doc = reduce(
        example(examples::BROKEN),
        [
            Action::FetchStarted,
            Action::FetchFinished(Err(Failure::new("MANIFEST_UNKNOWN", "no such tag"))),
        ],
    );
    assert_eq!(&*doc.text, examples::BROKEN.text);
    assert!(matches!(doc.fetch, Remote::Failed(ref f) if f.code == "MANIFEST_UNKNOWN"));
}

#[test]
fn undo_and_redo() {
    let a = examples::HELLO_WORLD_LIST.text.to_owned();
    let doc = reduce(
        example(examples::HELLO_WORLD_LIST),
        [Action::Reformat(Style::Compact)],
    );
    let compact = doc.text.clone();
    assert!(!compact.contains('\n'), "compact has no newline");
    let undone = reduce(doc.clone(), [Action::Undo]);
    assert_eq!(&*undone.text, a);
    assert_eq!(undone.analysis.rows.len(), 3);
    let redone = reduce(undone.clone(), [Action::Redo]);
    assert_eq!(redone.text, compact);
    // Nothing to undo: the same state comes back.
    let fresh = example(examples::HELLO_WORLD_LIST);
    assert_eq!(reduce(fresh.clone(), [Action::Undo]).text, fresh.text);
    // A new edit clears redo.
    let branched = reduce(undone, [Action::EditText("{}".into())]);
    assert!(!branched.can_redo());
}

#[test]
fn typing_is_grouped_into_undo_steps() {
    let mut actions = Vec::new();
    let mut text = String::from("{");
    for i in 0..(TYPING_RUN + 5) {
        text.push_str(&format!("\"k{i}\":1,"));
        actions.push(Action::EditText(text.clone()));
    }
    let doc = reduce(Document::new("{".into(), Source::Typed), actions);
    assert_eq!(
        doc.undo.len(),
        2,
        "{} keystrokes make two steps",
        TYPING_RUN + 5
    );
    let back = reduce(doc, [Action::Undo, Action::Undo]);
    assert_eq!(&*back.text, "{");
}

#[test]
fn conversion_shows_the_loss_report_before_applying() {
    let doc = reduce(
        example(examples::OCI_ATTESTATIONS),
        [Action::PreviewConvert(Format::Docker)],
    );
    assert_eq!(
        &*doc.text,
        examples::OCI_ATTESTATIONS.text,
        "preview does not change the text"
    );
    let preview = doc.convert.as_ref().expect("preview");
    let composed = preview.result.as_ref().expect("converts");
    let losses = composed
        .diagnostics
        .iter()
        .filter(|d| d.code.as_str() == "convert/dropped-field")
        .count();
    assert!(
        losses > 0,
        "annotations are reported as lost: {:?}",
        composed.diagnostics
    );
    let applied = reduce(doc, [Action::ConfirmConvert]);
    assert_eq!(applied.analysis.format, Some(Format::Docker));
    assert!(applied.convert.is_none());
    assert!(applied
        .edit_notes
        .iter()
        .any(|d| d.code.as_str() == "convert/dropped-field"));
    let cancelled = reduce(
        example(examples::OCI_ATTESTATIONS),
        [
            Action::PreviewConvert(Format::Docker),
            Action::CancelConvert,
        ],
    );
    assert_eq!(&*cancelled.text, examples::OCI_ATTESTATIONS.text);
    assert!(cancelled.convert.is_none());
}

#[test]
fn loading_sets_the_baseline_and_is_undoable() {
    let doc = reduce(
        Document::default(),
        [Action::Load {
            text: examples::BROKEN.text.into(),
            source: Source::File("x.json".into()),
        }],
    );
    assert_eq!(&*doc.original, examples::BROKEN.text);
    assert_eq!(doc.source, Source::File("x.json".into()));
    assert_eq!(&*reduce(doc, [Action::Undo]).text, examples::DEFAULT.text);
}

#[test]
fn url_state_round_trips_and_leaves_out_defaults() {
    let cases: Vec<(&str, Document, Vec<Action>)> = vec![
        ("default", Document::default(), vec![]),
        (
            "other example",
            example(examples::WINDOWS_OS_VERSION),
            vec![],
        ),
        (
            "typed text",
            Document::default(),
            vec![Action::EditText("{\"schemaVersion\":2}".into())],
        ),
        (
            "options",
            Document::default(),
            vec![
                Action::SetTab(Tab::Resolve),
                Action::SetPlatform("windows/amd64:10.0.20348".into()),
                Action::SetFilter("arm".into()),
                Action::SetStyle(OutputStyle::Docker),
            ],
        ),
    ];
    for (name, doc, actions) in cases {
        let doc = reduce(doc, actions);
        let state = doc.url_state();
        let encoded = fragment::encode(&state);
        if name == "default" {
            assert_eq!(encoded, "", "default state has an empty fragment");
        }
        if name == "other example" {
            assert!(state.text.is_none(), "examples travel by id");
        }
        let decoded = fragment::decode(&encoded)
            .expect("decodes")
            .unwrap_or_default();
        let restored = Document::from_url_state(&decoded, Source::Link);
        assert_eq!(restored.text, doc.text, "{name}: text");
        assert_eq!(restored.options, doc.options, "{name}: options");
    }
}

#[test]
fn opening_a_link_replaces_document_and_options_undoably() {
    let other = reduce(
        example(examples::WINDOWS_OS_VERSION),
        [
            Action::SetTab(Tab::Diff),
            Action::SetFilter("windows".into()),
        ],
    );
    let state = other.url_state();
    let doc = reduce(Document::default(), [Action::OpenLink(state)]);
    assert_eq!(&*doc.text, examples::WINDOWS_OS_VERSION.text);
    assert_eq!(doc.options, other.options);
    assert_eq!(
        doc.original, doc.text,
        "the linked document is the diff baseline"
    );
    assert_eq!(&*reduce(doc, [Action::Undo]).text, examples::DEFAULT.text);
}

mod journeys {
    use crate::state::{
        empty_index, Action, Document, Fetched, Field, PlanStep, PushPlanView, Pushed, Remote,
        Source,
    };
    use indexsmith::compose::{Edit, Format, PlatformField};
    use std::rc::Rc;
    use yew::prelude::Reducible;

    fn reduce(doc: Document, actions: Vec<Action>) -> Document {
        let mut doc = Rc::new(doc);
        for a in actions {
            doc = doc.reduce(a);
        }
        (*doc).clone()
    }

    #[test]
    fn new_index_is_empty_editable_and_undoable() {
        let cases = [
            (Format::Oci, "application/vnd.oci.image.index.v1+json"),
            (
                Format::Docker,
                "application/vnd.docker.distribution.manifest.list.v2+json",
            ),
        ];
        for (format, media_type) in cases {
            let before = Document::default();
            let doc = reduce(before.clone(), vec![Action::NewIndex(format)]);
            assert_eq!(&*doc.text, empty_index(format), "{media_type}");
            assert!(doc.text.contains(media_type), "{media_type}");
            assert_eq!(doc.analysis.format, Some(format), "{media_type}: editable");
            assert!(doc.analysis.rows.is_empty());
            assert_eq!(doc.source, Source::New(format));
            let undone = reduce(doc, vec![Action::Undo]);
            assert_eq!(undone.text, before.text, "{media_type}: one undo step");
        }
    }

    #[test]
    fn fields_survive_tab_switches_and_fetches_prefill_them() {
        let doc = reduce(
            Document::default(),
            vec![
                Action::SetField(Field::Target, "localhost:5000/a:1".into()),
                Action::SetTab(crate::state::Tab::Diff),
                Action::SetTab(crate::state::Tab::Output),
                Action::FetchFinished(Ok(Fetched {
                    reference: "localhost:5000/sample/hello:latest".into(),
                    repository: "localhost:5000/sample/hello".into(),
                    text: empty_index(Format::Oci),
                    digest: String::new(),
                })),
            ],
        );
        assert_eq!(doc.fields.get(Field::Target), "localhost:5000/a:1");
        assert_eq!(doc.fields.copy_source, "localhost:5000/sample/hello:latest");
        assert_eq!(doc.fields.sources, "localhost:5000/sample/hello");
        assert_eq!(
            doc.children_repository().as_deref(),
            Some("localhost:5000/sample/hello")
        );
        // A typed value is never overwritten by a later prefill.
        let doc = reduce(
            doc,
            vec![
                Action::SetField(Field::Sources, "localhost:5000/mine".into()),
                Action::ChildFinished(Ok(Fetched {
                    reference: "localhost:5000/parts:amd64".into(),
                    repository: "localhost:5000/parts".into(),
                    text: String::new(),
                    digest: String::new(),
                })),
            ],
        );
        assert_eq!(
            doc.fields.sources,
            "localhost:5000/mine, localhost:5000/parts"
        );
    }

    #[test]
    fn a_plan_belongs_to_the_bytes_it_was_made_for() {
        let doc = reduce(Document::default(), vec![Action::NewIndex(Format::Oci)]);
        let plan = PushPlanView {
            digest: doc.analysis.report.digest.to_string(),
            target: "localhost:5000/a:1".into(),
            sources: String::new(),
            steps: vec![PlanStep {
                digest: doc.analysis.report.digest.to_string(),
                action: "push".into(),
                detail: String::new(),
            }],
        };
        let planned = reduce(
            doc,
            vec![Action::PlanStarted, Action::PlanFinished(Ok(plan.clone()))],
        );
        assert!(planned.can_confirm_push() && !planned.plan_is_stale());
        // (case, actions, stale, confirmable)
        let cases: Vec<(&str, Vec<Action>, bool, bool)> = vec![
            (
                "document edited",
                vec![Action::Edit(Edit::Annotate {
                    entry: None,
                    key: "k".into(),
                    value: Some("v".into()),
                })],
                true,
                false,
            ),
            (
                "pushed",
                vec![
                    Action::PushStarted,
                    Action::PushFinished(Ok(Pushed {
                        reference: "localhost:5000/a:1".into(),
                        digest: plan.digest.clone(),
                        verified: true,
                    })),
                ],
                false,
                false,
            ),
            (
                "push failed: may try again",
                vec![
                    Action::PushStarted,
                    Action::PushFinished(Err(crate::state::Failure::new("X", "y"))),
                ],
                false,
                true,
            ),
            (
                "edited then undone",
                vec![
                    Action::Edit(Edit::Annotate {
                        entry: None,
                        key: "k".into(),
                        value: Some("v".into()),
                    }),
                    Action::Undo,
                ],
                false,
                true,
            ),
        ];
        for (name, actions, stale, confirmable) in cases {
            let doc = reduce(planned.clone(), actions);
            assert_eq!(doc.plan_is_stale(), stale, "{name}");
            assert_eq!(doc.can_confirm_push(), confirmable, "{name}");
        }
        // A new plan after a push makes it confirmable again.
        let again = reduce(
            planned,
            vec![
                Action::PushStarted,
                Action::PushFinished(Ok(Pushed {
                    reference: String::new(),
                    digest: String::new(),
                    verified: true,
                })),
                Action::PlanStarted,
                Action::PlanFinished(Ok(plan)),
            ],
        );
        assert!(again.can_confirm_push());
        assert!(matches!(again.push, Remote::Idle));
    }

    #[test]
    fn the_title_says_when_the_document_was_rebuilt() {
        let doc = Document::default();
        let title = doc.title();
        let edited = reduce(
            doc,
            vec![Action::Edit(Edit::SetPlatformField {
                index: 0,
                field: PlatformField::Variant,
                value: Some("v9".into()),
            })],
        );
        assert_eq!(edited.title(), format!("{title} (edited)"));
        let new = reduce(edited, vec![Action::NewIndex(Format::Oci)]);
        assert_eq!(new.title(), "new OCI image index");
    }

    #[test]
    fn an_image_manifest_becomes_an_index_entry() {
        let manifest = r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[]}"#;
        let doc = reduce(
            Document::new(manifest.into(), Source::Typed),
            vec![Action::WrapInIndex],
        );
        assert_eq!(doc.analysis.format, Some(Format::Oci));
        assert_eq!(doc.analysis.rows.len(), 1);
        assert_eq!(
            doc.analysis.rows[0].digest,
            indexsmith::digest::sha256(manifest.as_bytes()).to_string()
        );
    }

    #[test]
    fn details_close_when_their_row_changes() {
        let doc = Document::default();
        let digest = doc.analysis.rows[0].digest.clone();
        let open = reduce(
            doc,
            vec![Action::InspectStarted {
                index: 0,
                digest: digest.clone(),
            }],
        );
        let annotated = reduce(
            open.clone(),
            vec![Action::Edit(Edit::SetPlatformField {
                index: 0,
                field: PlatformField::Variant,
                value: Some("v9".into()),
            })],
        );
        assert!(
            annotated.inspected.is_some(),
            "same child in the row: stays open"
        );
        let removed = reduce(
            open,
            vec![Action::Edit(Edit::Remove {
                selector: indexsmith::compose::Selector::Index(0),
            })],
        );
        assert!(
            removed.inspected.is_none(),
            "another child in the row: closed"
        );
    }
}

#[test]
fn a_push_or_a_copy_keeps_its_latest_progress_lines_only() {
    type Log = fn(&Document) -> &Vec<String>;
    type Case = (Action, fn(String) -> Action, Log);
    let cases: [Case; 2] = [
        (Action::PushStarted, Action::PushProgress, |d| {
            &d.push_progress
        }),
        (Action::CopyStarted, Action::CopyProgress, |d| {
            &d.copy_progress
        }),
    ];
    for (started, progress, log) in cases {
        let events = (0..500).map(|i| progress(format!("blob uploaded {i}")));
        let before = Document::default();
        let doc = reduce(before.clone(), std::iter::once(started).chain(events));
        // The document's text is shared by every state the events made, never copied.
        assert!(Rc::ptr_eq(&doc.text, &before.text));
        assert!(Rc::ptr_eq(&doc.original, &before.original));
        let log = log(&doc);
        assert_eq!(log.len(), PROGRESS_LINES);
        assert_eq!(log.last().map(String::as_str), Some("blob uploaded 499"));
        assert_eq!(log.first().map(String::as_str), Some("blob uploaded 450"));
    }
}
