//! Where documents come from: examples, files, a registry reference; plus undo/redo and sharing.

use crate::examples;
use crate::fragment::LINK_TEXT_LIMIT;
use crate::hooks::use_url_sync::write_state;
use crate::services::browser;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Field, Source};
use indexsmith::compose::Format;
use web_sys::{HtmlDetailsElement, HtmlElement, HtmlInputElement, HtmlSelectElement};
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
    let copied = use_state(|| false);
    let share_open = use_state(|| false);
    let share_first = use_node_ref();
    {
        let share_first = share_first.clone();
        use_effect_with(*share_open, move |open| {
            if *open {
                if let Some(b) = share_first.cast::<HtmlElement>() {
                    let _ = b.focus();
                }
            }
        });
    }
    let new_format = use_state(|| Format::Oci);
    let settings_ref = use_node_ref();
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
        let (ctx, settings) = (ctx.clone(), props.settings.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = ctx.fields.reference.trim().to_owned();
            if !value.is_empty() {
                registry::fetch_document(ctx.clone(), settings.clone(), value);
            }
        })
    };
    let on_reference = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(Field::Reference, input.value()));
        })
    };
    let new_index = {
        let (ctx, new_format) = (ctx.clone(), new_format.clone());
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::NewIndex(*new_format)))
    };
    let on_new_format = {
        let new_format = new_format.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            new_format.set(if s.value() == "docker" {
                Format::Docker
            } else {
                Format::Oci
            });
        })
    };
    // Escape closes the settings popover and gives the focus back to its button.
    let on_settings_key = {
        let settings_ref = settings_ref.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() != "Escape" {
                return;
            }
            if let Some(details) = settings_ref.cast::<HtmlDetailsElement>() {
                if details.open() {
                    e.prevent_default();
                    details.set_open(false);
                    if let Some(summary) = details
                        .query_selector("summary")
                        .ok()
                        .flatten()
                        .and_then(|s| wasm_bindgen::JsCast::dyn_into::<HtmlElement>(s).ok())
                    {
                        let _ = summary.focus();
                    }
                }
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
        let (copied, ctx, share_open) = (copied.clone(), ctx.clone(), share_open.clone());
        Callback::from(move |_: MouseEvent| {
            let state = ctx.url_state();
            if !state.fits_in_link() {
                share_open.set(true);
                return;
            }
            // The link of the state now, not after the pause the fragment waits for.
            write_state(&state, false);
            if let Some(href) =
                crate::services::browser::window().and_then(|w| w.location().href().ok())
            {
                browser::copy(&href);
                copied.set(true);
            }
        })
    };
    let share_dialog = if *share_open {
        let close = {
            let share_open = share_open.clone();
            Callback::from(move |_: MouseEvent| share_open.set(false))
        };
        let on_key = {
            let share_open = share_open.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Escape" {
                    share_open.set(false);
                }
            })
        };
        let download = {
            let ctx = ctx.clone();
            Callback::from(move |_: MouseEvent| {
                browser::download("index.json", ctx.text.as_bytes(), "application/json")
            })
        };
        html! {
            <div class="share-dialog popover" role="dialog" aria-label="Share" onkeydown={on_key}>
                <p>{format!(
                    "This document is {} bytes: too large for a link (links carry documents up to {} KiB), so it is not in this page's link or stored draft either.",
                    ctx.text.len(),
                    LINK_TEXT_LIMIT / 1024
                )}</p>
                <p>{"Share the file instead: it opens here with “Open file” or by dropping it on the editor."}</p>
                <div class="buttons">
                    <button type="button" class="primary" onclick={download} ref={share_first}>{"Download file"}</button>
                    <button type="button" onclick={close}>{"Close"}</button>
                </div>
            </div>
        }
    } else {
        html! {}
    };
    let fetch_status = if ctx.fetch.is_loading() {
        html! { <span class="muted fetching" role="status">{"Fetching…"}</span> }
    } else {
        html! {}
    };
    html! {
        <div class="source-bar">
            <div class="group">
                <button type="button" onclick={new_index} title="Start an empty index">{"New index"}</button>
                <select aria-label="Format of a new index" onchange={on_new_format}>
                    <option value="oci" selected={*new_format == Format::Oci}>{"OCI index"}</option>
                    <option value="docker" selected={*new_format == Format::Docker}>{"Docker list"}</option>
                </select>
            </div>
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
                <input type="text" spellcheck="false" aria-label="Reference" placeholder="localhost:5000/sample/hello:latest"
                       value={ctx.fields.reference.clone()} oninput={on_reference} />
                // Where the typed reference goes (`alpine` is Docker Hub's `library/alpine`),
                // shown before anything is fetched.
                if let Some(d) = registry::destination(&ctx.fields.reference).filter(|d| !d.starts_with(ctx.fields.reference.trim())) {
                    <span class="muted destination" data-testid="reference-destination">{format!("→ {d}")}</span>
                }
                <button type="submit" disabled={ctx.fetch.is_loading()}>{"Fetch"}</button>
                <details class="settings" ref={settings_ref} onkeydown={on_settings_key}>
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
                <button type="button" onclick={share} title="Copy a link to this playground" aria-haspopup="dialog">{ if *copied { "Link copied" } else { "Share" } }</button>
                {share_dialog}
            </div>
        </div>
    }
}
