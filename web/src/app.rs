//! The page: layout, shared context, and the glue between components and services.
//!
//! There is one route (the playground); `?embed` switches to the minimal embeddable layout, so
//! no router is needed.

use crate::components::add_entry::AddEntry;
use crate::components::diagnostics::Diagnostics;
use crate::components::diff_panel::DiffPanel;
use crate::components::editor::{Editor, EditorRef};
use crate::components::error_alert::ErrorAlert;
use crate::components::format_panel::FormatPanel;
use crate::components::output_panel::OutputPanel;
use crate::components::platform_table::PlatformTable;
use crate::components::registry_panel::RegistryPanel;
use crate::components::resolve_panel::ResolvePanel;
use crate::components::source_bar::SourceBar;
use crate::components::summary::Summary;
use crate::components::tabs::Tabs;
use crate::fragment;
use crate::hooks::use_shortcuts::use_shortcuts;
use crate::hooks::use_url_sync::{use_link_listener, use_url_sync};
use crate::services::browser;
use crate::services::registry;
use crate::services::registry::RegistrySettings;
use crate::state::{Action, Document, DocumentContext, Remote, Source, Tab};
use yew::prelude::*;

/// Files larger than this are refused (registries only have to accept 4 MiB manifests).
pub const FILE_LIMIT: f64 = 16.0 * 1024.0 * 1024.0;

/// The document a page load starts with: the link's state, else the stored draft, else the
/// default example. A link that cannot be decoded says so and keeps the draft.
fn initial_document(embed: bool) -> Document {
    let mut notice = None;
    let draft = if embed {
        None
    } else {
        browser::load_draft()
            .and_then(|d| fragment::decode(&d).ok().flatten())
            .map(|s| Document::from_url_state(&s, Source::Draft))
    };
    match fragment::decode(&browser::fragment()) {
        Ok(Some(state)) => {
            let mut doc = Document::from_url_state(&state, Source::Link);
            // The link replaces the stored draft on screen; the draft is offered back.
            doc.replaced_draft = draft
                .map(|d| d.text.to_string())
                .filter(|t| **t != *doc.text && **t != *Document::default().text);
            return doc;
        }
        Ok(None) => {}
        Err(e) => notice = Some(e.to_string()),
    }
    let mut doc = draft.unwrap_or_default();
    doc.notice = notice;
    doc
}

#[function_component(App)]
pub fn app() -> Html {
    let embed = *use_memo((), |_| browser::is_embed());
    let doc = use_reducer(move || initial_document(embed));
    let settings = use_state(|| RegistrySettings {
        proxy: "/proxy".into(),
        ..RegistrySettings::default()
    });
    let editor = (*use_memo((), |_| EditorRef::default())).clone();
    use_url_sync(&doc, embed);
    use_shortcuts(doc.clone());
    use_link_listener(doc.clone());

    let on_input = {
        let doc = doc.clone();
        Callback::from(move |text: String| doc.dispatch(Action::EditText(text)))
    };
    let on_open_file = open_file(&doc);
    let on_select = {
        let (doc, editor) = (doc.clone(), editor.clone());
        Callback::from(move |i: usize| {
            if let Some(d) = doc.analysis.report.diagnostics.get(i) {
                editor.select(d);
            }
        })
    };
    let on_tab = {
        let doc = doc.clone();
        Callback::from(move |t: Tab| doc.dispatch(Action::SetTab(t)))
    };
    let on_settings = {
        let settings = settings.clone();
        Callback::from(move |s: RegistrySettings| settings.set(s))
    };
    let dismiss = |action: Action| {
        let doc = doc.clone();
        Callback::from(move |_: MouseEvent| doc.dispatch(action.clone()))
    };

    let tabs: Vec<Tab> = if embed {
        vec![Tab::Platforms, Tab::Resolve, Tab::Diff]
    } else {
        Tab::ALL.to_vec()
    };
    let current = if tabs.contains(&doc.options.tab) {
        doc.options.tab
    } else {
        Tab::Platforms
    };
    let editable = doc.analysis.format.is_some()
        && doc.analysis.report.diagnostics.iter().all(|d| {
            !(d.severity == indexsmith::Severity::Error && d.code.as_str().starts_with("json/"))
        });
    let pulled = (*use_memo(
        (doc.text.clone(), doc.options.platform.clone()),
        |(text, platform)| match crate::resolution::preview(text, platform, false) {
            crate::resolution::Preview::Resolved(r) => {
                r.selected.map(|i| (i, platform.trim().to_owned()))
            }
            _ => None,
        },
    ))
    .clone();
    let panel = match current {
        Tab::Platforms => html! {
            <>
                <PlatformTable analysis={doc.analysis.clone()} filter={doc.options.filter.clone()} {editable} {pulled} inspectable={!embed} />
                { if !editable && doc.analysis.format.is_some() {
                    html!{ <p class="muted">{"Fix the JSON errors to edit the table; the editor keeps your text as it is."}</p> }
                } else { html!{} } }
                { if editable && !embed { html!{ <AddEntry /> } } else { html!{} } }
                { if doc.analysis.format.is_none() && !embed { not_an_index(&doc) } else { html!{} } }
            </>
        },
        Tab::Resolve => html! { <ResolvePanel /> },
        Tab::Format => html! { <FormatPanel /> },
        Tab::Diff => html! { <DiffPanel /> },
        Tab::Output => html! { <OutputPanel /> },
        Tab::Registry => html! { <RegistryPanel /> },
    };
    // Only the embed links to the full app; encoding the document costs its size.
    let open_full = if embed {
        browser::app_url(&fragment::encode(&doc.url_state()))
    } else {
        String::new()
    };

    html! {
        <ContextProvider<DocumentContext> context={doc.clone()}>
        <ContextProvider<RegistrySettings> context={(*settings).clone()}>
        <div class={classes!("app", embed.then_some("embed"))}>
            <header class="topbar">
                <a class="brand" href={if embed { open_full.clone() } else { "./".into() }} target={if embed { "_blank" } else { "_self" }}>
                    <span class="logo" aria-hidden="true">{"◆"}</span>{"indexsmith"}
                </a>
                <span class="source" title="Where this document came from">{doc.title()}</span>
                { if embed {
                    html!{ <a class="open-full" href={open_full} target="_blank" rel="noopener">{"Open in indexsmith ↗"}</a> }
                } else {
                    html!{ <SourceBar settings={(*settings).clone()} {on_settings} on_open_file={on_open_file.clone()} /> }
                } }
            </header>
            { if let Remote::Failed(f) = &doc.fetch {
                let retry = {
                    let (doc, settings) = (doc.clone(), (*settings).clone());
                    Callback::from(move |_: ()| {
                        let reference = doc.fields.reference.trim().to_owned();
                        if !reference.is_empty() {
                            registry::fetch_document(doc.clone(), settings.clone(), reference);
                        }
                    })
                };
                let dismiss = {
                    let doc = doc.clone();
                    Callback::from(move |_: ()| doc.dispatch(Action::DismissFetchError))
                };
                html!{ <div class="fetch-alert" aria-label="Fetch failed" role="region"><ErrorAlert failure={f.clone()} on_retry={Some(retry)} on_dismiss={Some(dismiss)} /></div> }
            } else { html!{} } }
            { for doc.replaced_draft.as_ref().map(|_| html!{
                <div class="banner notice" role="status">
                    {"This shared link replaced the draft you had open. "}
                    <button type="button" onclick={dismiss(Action::RestoreDraft)}>{"Restore my draft"}</button>
                    <button type="button" class="icon" onclick={dismiss(Action::DismissDraft)} aria-label="Dismiss">{"✕"}</button></div>
            }) }
            { for doc.notice.as_ref().map(|n| html!{
                <div class="banner notice" role="status">{n.clone()}
                    <button type="button" class="icon" onclick={dismiss(Action::DismissNotice)} aria-label="Dismiss">{"✕"}</button></div>
            }) }
            { for doc.edit_error.as_ref().map(|f| html!{
                <div class="banner error" role="alert"><strong>{"Edit not applied: "}</strong>{f.message.clone()}{" "}<code>{f.code.clone()}</code>
                    <button type="button" class="icon" onclick={dismiss(Action::DismissError)} aria-label="Dismiss">{"✕"}</button></div>
            }) }
            { if doc.edit_notes.is_empty() { html!{} } else { html!{
                <div class="banner notes" role="status">
                    <strong>{"Notes on the last edit:"}</strong>
                    <ul>{ for doc.edit_notes.iter().map(|d| html!{ <li><code>{d.code.as_str()}</code>{" "}{d.message.clone()}</li> }) }</ul>
                </div>
            } } }
            <main class="layout">
                <section class="pane editor-pane" aria-label="Editor">
                    <Editor text={doc.text.clone()} analysis={doc.analysis.clone()} {on_input} on_drop_file={on_open_file.clone()} editor={editor.clone()} />
                </section>
                <section class="pane side-pane" aria-label="Inspection">
                    <Summary analysis={doc.analysis.clone()} />
                    <Diagnostics analysis={doc.analysis.clone()} {on_select} />
                    <Tabs {current} tabs={tabs} on_select={on_tab} />
                    <div class="tabpanel" role="tabpanel" id={format!("panel-{}", current.as_str())} aria-labelledby={format!("tab-{}", current.as_str())}>
                        {panel}
                    </div>
                </section>
            </main>
            { if embed { html!{} } else { html!{
                <footer class="footer">
                    {"Everything runs in your browser: documents are validated and composed locally. "}
                    {"Shareable links carry the document in the URL fragment, which is never sent to a server."}
                </footer>
            } } }
        </div>
        </ContextProvider<RegistrySettings>>
        </ContextProvider<DocumentContext>>
    }
}

/// For a document that is not an index: how to get to one.
fn not_an_index(doc: &UseReducerHandle<Document>) -> Html {
    let is_image = matches!(
        doc.analysis.report.kind,
        Some(indexsmith::Kind::OciManifest | indexsmith::Kind::DockerManifest)
    );
    let new = {
        let doc = doc.clone();
        Callback::from(move |_: MouseEvent| {
            doc.dispatch(Action::NewIndex(indexsmith::compose::Format::Oci))
        })
    };
    let wrap = {
        let doc = doc.clone();
        Callback::from(move |_: MouseEvent| doc.dispatch(Action::WrapInIndex))
    };
    html! {
        <div class="start" role="region" aria-label="Start an index">
            <p>{ if is_image {
                "This document is an image manifest, not an index: entries are added to an index."
            } else {
                "Entries are added to an index: start a new one, or paste, open or fetch one."
            } }</p>
            <div class="buttons">
                <button type="button" class="primary" onclick={new}>{"New index"}</button>
                { if is_image { html!{ <button type="button" onclick={wrap}>{"Make an index of this manifest"}</button> } } else { html!{} } }
            </div>
        </div>
    }
}

/// Opens a file (picked or dropped on the editor) as the document; one over [`FILE_LIMIT`] is
/// refused with a notice.
fn open_file(doc: &UseReducerHandle<Document>) -> Callback<web_sys::File> {
    let doc = doc.clone();
    Callback::from(move |file: web_sys::File| {
        if file.size() > FILE_LIMIT {
            doc.dispatch(Action::Notice(format!(
                "{} is {} bytes; files over 16 MiB are not opened",
                file.name(),
                file.size() as u64
            )));
            return;
        }
        let doc = doc.clone();
        yew::platform::spawn_local(async move {
            let name = file.name();
            match browser::read_file(file).await {
                Ok(text) => doc.dispatch(Action::Load {
                    text,
                    source: Source::File(name),
                }),
                Err(e) => doc.dispatch(Action::Notice(format!("{name}: {e}"))),
            }
        });
    })
}
