//! Adds an entry: paste a child manifest (and optionally its config, for the platform), or fetch
//! it by reference from a registry.

use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Remote};
use indexsmith::compose::{Child, Edit};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[function_component(AddEntry)]
pub fn add_entry() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let manifest = use_node_ref();
    let config = use_node_ref();
    let reference = use_node_ref();
    let platform = use_node_ref();
    let platform_error = use_state(|| None::<String>);
    let add = {
        let (ctx, manifest, config, platform, platform_error) = (
            ctx.clone(),
            manifest.clone(),
            config.clone(),
            platform.clone(),
            platform_error.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(m) = manifest.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let mut child = Child::new(m.value().into_bytes());
            if let Some(c) = config.cast::<HtmlTextAreaElement>() {
                if !c.value().trim().is_empty() {
                    child = child.with_config(c.value().into_bytes());
                }
            }
            if let Some(p) = platform.cast::<HtmlInputElement>() {
                let spec = p.value().trim().to_owned();
                if !spec.is_empty() {
                    match indexsmith::platform::parse(&spec) {
                        Ok(parsed) => child = child.with_platform(parsed),
                        Err(e) => {
                            platform_error.set(Some(format!("{e} ({})", e.code())));
                            return;
                        }
                    }
                }
            }
            platform_error.set(None);
            ctx.dispatch(Action::Edit(Edit::Add {
                child,
                position: None,
            }));
        })
    };
    let fetch = {
        let (ctx, reference) = (ctx.clone(), reference.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(r) = reference.cast::<HtmlInputElement>() else {
                return;
            };
            registry::add_child_by_reference(
                ctx.clone(),
                settings.clone(),
                r.value().trim().to_owned(),
            );
        })
    };
    let status = match &ctx.child {
        Remote::Idle => html! {},
        Remote::Loading => {
            html! { <p class="muted" role="status">{"Fetching the child manifest…"}</p> }
        }
        Remote::Loaded(f) => {
            html! { <p class="ok" role="status">{format!("Added {} ({})", f.reference, f.digest)}</p> }
        }
        Remote::Failed(f) => {
            html! { <p class="error" role="alert">{format!("{}: {}", f.code, f.message)}</p> }
        }
    };
    html! {
        <details class="add-entry" open=true>
            <summary>{"Add an entry"}</summary>
            <form onsubmit={add}>
                <label>
                    <span>{"Child manifest JSON"}</span>
                    <textarea ref={manifest} class="small mono" spellcheck="false" rows="5" placeholder="{ \"schemaVersion\": 2, … }" />
                </label>
                <label>
                    <span>{"Its config JSON (optional: gives the platform)"}</span>
                    <textarea ref={config} class="small mono" spellcheck="false" rows="3" placeholder="{ \"architecture\": \"arm64\", \"os\": \"linux\", … }" />
                </label>
                <label>
                    <span>{"Platform (optional: overrides the config, e.g. linux/arm/v7)"}</span>
                    <input ref={platform} type="text" spellcheck="false" placeholder="linux/arm64" />
                </label>
                { for platform_error.as_ref().map(|e| html!{ <p class="error" role="alert">{e.clone()}</p> }) }
                <button type="submit" class="primary">{"Add entry"}</button>
            </form>
            <form class="inline-form" onsubmit={fetch}>
                <label class="grow">
                    <span>{"…or fetch it by reference"}</span>
                    <input ref={reference} type="text" spellcheck="false" placeholder="localhost:5000/sample/hello@sha256:…" aria-label="Child reference" />
                </label>
                <button type="submit" disabled={ctx.child.is_loading()}>{"Fetch and add"}</button>
            </form>
            {status}
        </details>
    }
}
