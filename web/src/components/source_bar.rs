//! Where documents come from: examples, files, a registry reference; plus undo/redo and sharing.

use crate::examples;
use crate::services::browser;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Remote, Source};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SourceBarProps {
    pub settings: RegistrySettings,
    pub on_settings: Callback<RegistrySettings>,
    pub on_open_file: Callback<web_sys::File>,
}

#[function_component(SourceBar)]
pub fn source_bar(props: &SourceBarProps) -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let reference = use_node_ref();
    let copied = use_state(|| false);
    // Where the typed reference goes (`alpine` → Docker Hub's `library/alpine`), shown before
    // anything is fetched.
    let destination = use_state(|| None::<String>);
    let on_reference = {
        let destination = destination.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let value = input.value();
            destination.set(registry::destination(&value).filter(|d| !d.starts_with(value.trim())));
        })
    };
    let on_example = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(ex) = examples::by_id(&s.value()) {
                ctx.dispatch(Action::Load {
                    text: ex.text.to_owned(),
                    source: Source::Example(ex.id),
                });
            }
            s.set_value("");
        })
    };
    let on_file = {
        let on_open = props.on_open_file.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                on_open.emit(file);
            }
            input.set_value("");
        })
    };
    let fetch = {
        let (ctx, reference, settings) = (ctx.clone(), reference.clone(), props.settings.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(r) = reference.cast::<HtmlInputElement>() else {
                return;
            };
            let value = r.value().trim().to_owned();
            if !value.is_empty() {
                registry::fetch_document(ctx.clone(), settings.clone(), value);
            }
        })
    };
    let setting = |f: fn(&mut RegistrySettings, String)| {
        let (settings, on_settings) = (props.settings.clone(), props.on_settings.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut s = settings.clone();
            f(&mut s, input.value());
            on_settings.emit(s);
        })
    };
    let undo = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::Undo))
    };
    let redo = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::Redo))
    };
    let share = {
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(href) =
                crate::services::browser::window().and_then(|w| w.location().href().ok())
            {
                browser::copy(&href);
                copied.set(true);
            }
        })
    };
    let fetch_status = match &ctx.fetch {
        Remote::Loading => html! { <span class="muted" role="status">{"Fetching…"}</span> },
        Remote::Failed(f) => {
            html! { <span class="error" role="alert">{format!("{}: {}", f.code, f.message)}</span> }
        }
        _ => html! {},
    };
    html! {
        <div class="source-bar">
            <div class="group">
                <label class="visually-hidden" for="example-select">{"Load an example"}</label>
                <select id="example-select" onchange={on_example}>
                    <option value="" selected=true>{"Load an example…"}</option>
                    { for examples::ALL.iter().map(|e| html!{ <option value={e.id}>{e.title}</option> }) }
                </select>
                <label class="button">
                    {"Open file"}
                    <input type="file" class="visually-hidden" accept=".json,application/json,application/vnd.oci.image.index.v1+json" onchange={on_file} />
                </label>
            </div>
            <form class="group fetch" onsubmit={fetch}>
                <input ref={reference} type="text" spellcheck="false" aria-label="Reference" placeholder="localhost:5000/sample/hello:latest" oninput={on_reference} />
                if let Some(d) = &*destination {
                    <span class="muted destination" data-testid="reference-destination">{format!("→ {d}")}</span>
                }
                <button type="submit" disabled={ctx.fetch.is_loading()}>{"Fetch"}</button>
                <details class="settings">
                    <summary aria-label="Registry settings">{"⚙"}</summary>
                    <div class="popover">
                        <label><span>{"Proxy"}</span>
                            <input type="text" value={props.settings.proxy.clone()} oninput={setting(|s, v| s.proxy = v)} placeholder="/proxy (empty: direct)" /></label>
                        <label><span>{"Username"}</span>
                            <input type="text" autocomplete="off" value={props.settings.username.clone()} oninput={setting(|s, v| s.username = v)} /></label>
                        <label><span>{"Password or token"}</span>
                            <input type="password" autocomplete="off" value={props.settings.password.clone()} oninput={setting(|s, v| s.password = v)} /></label>
                        <p class="muted">{"Kept in memory only: never stored, never in the link."}</p>
                    </div>
                </details>
                {fetch_status}
            </form>
            <div class="group">
                <button type="button" class="icon" onclick={undo} disabled={!ctx.can_undo()} aria-label="Undo" title="Undo (Ctrl+Z)">{"↶"}</button>
                <button type="button" class="icon" onclick={redo} disabled={!ctx.can_redo()} aria-label="Redo" title="Redo (Ctrl+Shift+Z)">{"↷"}</button>
                <button type="button" onclick={share} title="Copy a link to this playground">{ if *copied { "Link copied" } else { "Share" } }</button>
            </div>
        </div>
    }
}
