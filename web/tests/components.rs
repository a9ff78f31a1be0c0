//! Component tests: render components to HTML on the host (Yew's server renderer) and check what
//! users and tests rely on: accessible names, one row per entry, document text never as markup.

use indexsmith_web::components::diagnostics::{Diagnostics, DiagnosticsProps};
use indexsmith_web::components::editor::{pack_diagnostics, Editor, EditorProps, EditorRef};
use indexsmith_web::components::platform_table::PlatformTable;
use indexsmith_web::components::summary::{Summary, SummaryProps};
use indexsmith_web::examples;
use indexsmith_web::state::{Analysis, Document, DocumentContext, Source};
use std::rc::Rc;
use yew::prelude::*;
use yew::LocalServerRenderer;

#[derive(Properties, PartialEq)]
struct WithDocumentProps {
    text: String,
    #[prop_or_default]
    filter: String,
}

/// Provides the document context the way `App` does, around the platform table.
#[function_component(TableHost)]
fn table_host(props: &WithDocumentProps) -> Html {
    let text = props.text.clone();
    let doc = use_reducer(move || Document::new(text, Source::Typed));
    html! {
        <ContextProvider<DocumentContext> context={doc.clone()}>
            <PlatformTable analysis={doc.analysis.clone()} filter={props.filter.clone()} editable={doc.analysis.format.is_some()} pulled={Some((1, "linux/arm64".to_owned()))} />
        </ContextProvider<DocumentContext>>
    }
}

async fn render_table(text: &str, filter: &str) -> String {
    LocalServerRenderer::<TableHost>::with_props(WithDocumentProps {
        text: text.into(),
        filter: filter.into(),
    })
    .hydratable(false)
    .render()
    .await
}

#[tokio::test(flavor = "current_thread")]
async fn platform_table_has_one_row_per_entry() {
    // (case, document, filter, rows, texts that must appear)
    let cases = [
        (
            "hello-world list",
            examples::HELLO_WORLD_LIST.text,
            "",
            3,
            vec![
                "aria-label=\"Platforms\"",
                "value=\"windows\"",
                "10.0.17763.1697",
                "a client on linux/arm64 pulls this entry",
            ],
        ),
        (
            "filtered",
            examples::HELLO_WORLD_LIST.text,
            "windows",
            1,
            vec!["value=\"windows\""],
        ),
        (
            "attestations get a badge",
            examples::OCI_ATTESTATIONS.text,
            "",
            16,
            vec!["badge attest", "attestation"],
        ),
    ];
    for (name, text, filter, rows, needles) in cases {
        let html = render_table(text, filter).await;
        let body = html.split("<tbody>").nth(1).unwrap_or_default();
        let count = body.matches("aria-label=\"os of entry").count();
        assert_eq!(count, rows, "{name}: rows");
        for n in needles {
            assert!(html.contains(n), "{name}: expected {n:?} in the table");
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn summary_names_the_digest_of_the_exact_bytes() {
    let analysis = Rc::new(Analysis::of(examples::HELLO_WORLD_LIST.text));
    let html = LocalServerRenderer::<Summary>::with_props(SummaryProps {
        analysis: analysis.clone(),
    })
    .hydratable(false)
    .render()
    .await;
    let digest = indexsmith::digest::sha256(examples::HELLO_WORLD_LIST.text.as_bytes()).to_string();
    let output = html
        .split("<output ")
        .nth(1)
        .and_then(|o| o.split("</output>").next())
        .unwrap_or_default();
    assert!(
        output.contains("aria-label=\"Digest\""),
        "digest output is named: {html}"
    );
    assert!(
        output.ends_with(&format!(">{digest}")),
        "digest output holds the digest of the exact bytes: {output}"
    );
    assert!(html.contains("1008 bytes"), "size");
    assert!(html.contains("docker-manifest-list"), "kind");
}

#[test]
fn editor_marks_get_every_diagnostic_with_its_position_severity_and_code() {
    let text = "{\"a\": \"<img src=x onerror=alert(1)>\", \"b\": \"é😀\",}";
    let analysis = Analysis::of(text);
    let list = &analysis.report.diagnostics;
    assert!(!list.is_empty());
    let (positions, messages) = pack_diagnostics(list);
    assert_eq!(
        positions.len(),
        list.len() * 5,
        "five numbers per diagnostic"
    );
    let messages: Vec<&str> = messages.split('\0').collect();
    assert_eq!(messages.len(), list.len(), "one tooltip per diagnostic");
    for (i, d) in list.iter().enumerate() {
        let p = &positions[i * 5..i * 5 + 5];
        assert_eq!(
            p[..4],
            [
                d.span.start.line,
                d.span.start.column,
                d.span.end.line,
                d.span.end.column
            ],
            "{i}: line and UTF-16 column of both ends"
        );
        let severity = match d.severity {
            indexsmith::Severity::Error => 0,
            indexsmith::Severity::Warning => 1,
            indexsmith::Severity::Info => 2,
        };
        assert_eq!(p[4], severity, "{i}: severity");
        assert_eq!(
            messages[i],
            format!("{}: {}", d.code.as_str(), d.message),
            "{i}: tooltip"
        );
    }
    assert!(messages
        .iter()
        .any(|m| m.starts_with("json/trailing-comma")));
    assert_eq!(pack_diagnostics(&[]), (Vec::new(), String::new()), "none");
}

#[tokio::test(flavor = "current_thread")]
async fn editor_renders_a_host_and_never_the_document_as_markup() {
    let text =
        "{\"a\": \"<img src=x onerror=alert(1)>\", \"b\": \"</textarea><script>x</script>\",}";
    let props = EditorProps {
        text: text.into(),
        analysis: Rc::new(Analysis::of(text)),
        on_input: Callback::noop(),
        on_drop_file: Callback::noop(),
        editor: EditorRef::default(),
    };
    let html = LocalServerRenderer::<Editor>::with_props(props)
        .hydratable(false)
        .render()
        .await;
    assert!(
        !html.contains("<img"),
        "no element from the document: {html}"
    );
    assert!(!html.contains("<script"), "no script from the document");
    assert!(html.contains("class=\"code\""), "the editor's host: {html}");
}

#[tokio::test(flavor = "current_thread")]
async fn diagnostics_list_every_finding_with_its_code() {
    let analysis = Rc::new(Analysis::of(examples::BROKEN.text));
    let n = analysis.report.diagnostics.len();
    let html = LocalServerRenderer::<Diagnostics>::with_props(DiagnosticsProps {
        analysis: analysis.clone(),
        on_select: Callback::noop(),
    })
    .hydratable(false)
    .render()
    .await;
    assert_eq!(html.matches("class=\"diag ").count(), n, "{html}");
    assert!(html.contains("json/trailing-comma"));
    let clean = Rc::new(Analysis::of(examples::HELLO_WORLD_LIST.text));
    let html = LocalServerRenderer::<Diagnostics>::with_props(DiagnosticsProps {
        analysis: clean,
        on_select: Callback::noop(),
    })
    .hydratable(false)
    .render()
    .await;
    assert!(html.contains("No findings"));
}

mod alerts {
    use indexsmith_web::components::error_alert::{ErrorAlert, ErrorAlertProps};
    use indexsmith_web::state::Failure;
    use yew::prelude::*;
    use yew::LocalServerRenderer;

    #[tokio::test(flavor = "current_thread")]
    async fn an_alert_names_the_failure_once_and_offers_retry() {
        // (case, failure, retry, texts that must appear)
        let cases = [
            (
                "registry code",
                Failure::new(
                    "MANIFEST_UNKNOWN",
                    "While fetching a manifest: no such tag.",
                )
                .with_detail("manifest unknown"),
                true,
                vec![
                    "role=\"alert\"",
                    "Registry error",
                    "The registry said: ",
                    ">Retry<",
                ],
            ),
            (
                "refused",
                Failure::new("CONNECTION_REFUSED", "Could not reach 127.0.0.1:1.")
                    .with_detail("connection refused: tcp connect error"),
                false,
                vec!["Connection refused", "Underlying error: "],
            ),
        ];
        for (name, failure, retry, texts) in cases {
            let code = failure.code.clone();
            let html = LocalServerRenderer::<ErrorAlert>::with_props(ErrorAlertProps {
                failure,
                on_retry: retry.then(|| Callback::from(|_: ()| {})),
                on_dismiss: None,
            })
            .hydratable(false)
            .render()
            .await;
            for t in texts {
                assert!(html.contains(t), "{name}: {t} in {html}");
            }
            assert_eq!(
                html.matches(code.as_str()).count(),
                1,
                "{name}: the code once: {html}"
            );
            assert_eq!(html.contains(">Retry<"), retry, "{name}: Retry");
        }
    }
}

/// An OCI index of `n` entries with distinct digests and `os.version`s.
fn big_index(n: usize) -> String {
    let entries: Vec<String> = (0..n)
        .map(|i| {
            format!(
                "{{\"mediaType\": \"application/vnd.oci.image.manifest.v1+json\", \"size\": {}, \"digest\": \"sha256:{:064x}\", \"platform\": {{\"architecture\": \"amd64\", \"os\": \"{}\", \"os.version\": \"10.0.20348.{}\"}}}}",
                1000 + i,
                i + 1,
                if i % 2 == 0 { "windows" } else { "linux" },
                i
            )
        })
        .collect();
    format!(
        "{{\"schemaVersion\": 2, \"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"manifests\": [{}]}}",
        entries.join(",\n")
    )
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_table_renders_the_rows_in_view_and_filters_every_entry() {
    let text = big_index(1000);
    // (case, filter, entries shown)
    let cases = [("all", "", 1000), ("filtered", "windows", 500)];
    for (name, filter, shown) in cases {
        let html = render_table(&text, filter).await;
        let rows = html.matches("aria-label=\"os of entry").count();
        assert!(rows > 0 && rows < 60, "{name}: {rows} rows rendered");
        assert!(
            html.contains(&format!("{shown} of 1000 entries")),
            "{name}: the count covers every entry"
        );
        assert!(
            html.contains("class=\"spacer\""),
            "{name}: a spacer keeps the height"
        );
        assert!(
            html.contains("aria-label=\"os of entry 0\""),
            "{name}: the first row"
        );
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_long_diagnostics_list_renders_the_items_in_view() {
    // Every entry's digest is invalid: one finding per entry.
    let text = big_index(700).replace("sha256:", "sha256:zz");
    let analysis = Rc::new(Analysis::of(&text));
    let n = analysis.report.diagnostics.len();
    assert!(n >= 700, "{n} findings");
    let html = LocalServerRenderer::<Diagnostics>::with_props(DiagnosticsProps {
        analysis,
        on_select: Callback::noop(),
    })
    .hydratable(false)
    .render()
    .await;
    let items = html.matches("class=\"diag ").count();
    assert!(items > 0 && items < 60, "{items} of {n} items rendered");
    assert!(
        html.contains("class=\"spacer\""),
        "a spacer keeps the height"
    );
}
