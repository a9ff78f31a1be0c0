//! Adds an entry: paste a child manifest (and optionally its config, for the platform), or fetch
//! it by reference from a registry.

use super::error_alert::ErrorAlert;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Field, Remote};
use indexsmith::compose::{Child, Edit, Format};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[function_component(AddEntry)]
pub fn add_entry() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let manifest = use_node_ref();
    let config = use_node_ref();
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
    let add_by_reference = {
        let ctx = ctx.clone();
        Callback::from(move |_: ()| {
            registry::add_child_by_reference(
                ctx.clone(),
                settings.clone(),
                ctx.fields.child.trim().to_owned(),
            );
        })
    };
    let fetch = {
        let add_by_reference = add_by_reference.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            add_by_reference.emit(());
        })
    };
    let on_child = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(Field::Child, input.value()));
        })
    };
    // Children of the other format: offer the conversion that makes the index consistent.
    let mismatch = ctx
        .analysis
        .report
        .diagnostics
        .iter()
        .any(|d| d.code.as_str() == "index/child-media-type-mismatch");
    let convert_offer = match (mismatch, ctx.analysis.format) {
        (true, Some(format)) => {
            let other = match format {
                Format::Oci => Format::Docker,
                Format::Docker => Format::Oci,
            };
            let label = match other {
                Format::Oci => "Convert to an OCI image index…",
                Format::Docker => "Convert to a Docker manifest list…",
            };
            let ctx = ctx.clone();
            let preview = Callback::from(move |_: MouseEvent| {
                ctx.dispatch(Action::PreviewConvert(other));
                ctx.dispatch(Action::SetTab(crate::state::Tab::Format));
            });
            html! {
                <p class="warning" role="status">
                    {"Some children are of the other format than this index. "}
                    <button type="button" onclick={preview}>{label}</button>
                </p>
            }
        }
        _ => html! {},
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
            html! { <ErrorAlert failure={f.clone()} on_retry={Some(add_by_reference.clone())} /> }
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
                    <input type="text" spellcheck="false" placeholder="localhost:5000/sample/hello@sha256:…" aria-label="Child reference"
                           value={ctx.fields.child.clone()} oninput={on_child} />
                </label>
                <button type="submit" disabled={ctx.child.is_loading()}>{"Fetch and add"}</button>
            </form>
            {status}
            {convert_offer}
        </details>
    }
}
