//! OCI index ⇄ Docker list conversion (loss report first), output layout, and the OCI-only
//! top-level fields `artifactType` and `subject`, plus index annotations.

use super::annotations::Annotations;
use crate::state::{is_compose_note, Action, DocumentContext, OutputStyle};
use indexsmith::compose::{Edit, Format};
use indexsmith::json::write::Style;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[function_component(FormatPanel)]
pub fn format_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let subject = use_node_ref();
    let analysis = ctx.analysis.clone();
    let Some(format) = analysis.format else {
        return html! { <p class="empty">{"Formats apply to an index or a manifest list; this document is neither."}</p> };
    };
    let other = match format {
        Format::Oci => Format::Docker,
        Format::Docker => Format::Oci,
    };
    let label = |f: Format| match f {
        Format::Oci => "OCI image index",
        Format::Docker => "Docker manifest list",
    };
    let preview = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::PreviewConvert(other)))
    };
    let on_style = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let s: HtmlSelectElement = e.target_unchecked_into();
            if let Some(style) = OutputStyle::parse(&s.value()) {
                ctx.dispatch(Action::SetStyle(style));
            }
        })
    };
    let reformat = |style: Style| {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::Reformat(style)))
    };
    let convert_view = match &ctx.convert {
        None => html! {},
        Some(p) => {
            let confirm = {
                let ctx = ctx.clone();
                Callback::from(move |_: MouseEvent| ctx.dispatch(Action::ConfirmConvert))
            };
            let cancel = {
                let ctx = ctx.clone();
                Callback::from(move |_: MouseEvent| ctx.dispatch(Action::CancelConvert))
            };
            match &p.result {
                Err(f) => {
                    html! { <p class="error" role="alert">{format!("{}: {}", f.code, f.message)}</p> }
                }
                Ok(composed) => {
                    let losses: Vec<_> = composed
                        .diagnostics
                        .iter()
                        .filter(|d| is_compose_note(d))
                        .collect();
                    html! {
                        <div class="preview" role="region" aria-label="Conversion preview">
                            <h3>{format!("Converting to {}", label(p.to))}</h3>
                            { if losses.is_empty() {
                                html!{ <p class="ok">{"Nothing is lost."}</p> }
                            } else {
                                html!{
                                    <>
                                    <p>{format!("{} field(s) will be lost or changed:", losses.len())}</p>
                                    <ul class="losses">
                                        { for losses.iter().map(|d| html!{
                                            <li><code>{d.pointer.clone()}</code>{" — "}{d.message.clone()}</li>
                                        }) }
                                    </ul>
                                    </>
                                }
                            } }
                            <p class="muted">{format!("New digest {} ({} bytes)", composed.digest, composed.size)}</p>
                            <div class="buttons">
                                <button type="button" class="primary" onclick={confirm}>{"Convert"}</button>
                                <button type="button" onclick={cancel}>{"Cancel"}</button>
                            </div>
                        </div>
                    }
                }
            }
        }
    };
    let value = analysis.value.clone();
    let artifact_type = value
        .as_ref()
        .and_then(|v| v.get("artifactType"))
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_owned();
    let subject_text = value
        .as_ref()
        .and_then(|v| v.get("subject"))
        .map(|s| {
            String::from_utf8_lossy(&indexsmith::compose::to_bytes(s, Style::Compact)).into_owned()
        })
        .unwrap_or_default();
    let on_artifact_type = {
        let ctx = ctx.clone();
        Callback::from(move |e: Event| {
            let i: HtmlInputElement = e.target_unchecked_into();
            let v = i.value().trim().to_owned();
            ctx.dispatch(Action::Edit(Edit::SetArtifactType {
                artifact_type: (!v.is_empty()).then_some(v),
            }));
        })
    };
    let on_subject = {
        let (ctx, subject) = (ctx.clone(), subject.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(t) = subject.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let v = t.value().trim().to_owned();
            ctx.dispatch(Action::Edit(Edit::SetSubject {
                descriptor: (!v.is_empty()).then_some(v),
            }));
        })
    };
    html! {
        <div class="format-panel">
            <section>
                <h3>{"Format"}</h3>
                <p>{"This document is a "}<strong>{label(format)}</strong>{"."}</p>
                <button type="button" onclick={preview}>{format!("Convert to {}…", label(other))}</button>
                {convert_view}
            </section>
            <section>
                <h3>{"Layout"}</h3>
                <label class="inline">
                    <span>{"Write edits as"}</span>
                    <select aria-label="Output style" onchange={on_style}>
                        <option value="keep" selected={ctx.options.style == OutputStyle::Keep}>{"the document's own layout"}</option>
                        <option value="compact" selected={ctx.options.style == OutputStyle::Compact}>{"compact (crane, regctl, buildkit)"}</option>
                        <option value="docker" selected={ctx.options.style == OutputStyle::Docker}>{"docker (3-space indent)"}</option>
                    </select>
                </label>
                <div class="buttons">
                    <button type="button" onclick={reformat(Style::Compact)}>{"Rewrite compact"}</button>
                    <button type="button" onclick={reformat(Style::DOCKER)}>{"Rewrite docker style"}</button>
                </div>
                <p class="muted">{"Rewriting changes the bytes, and so the digest."}</p>
            </section>
            { if format == Format::Oci {
                html! {
                    <section>
                        <h3>{"OCI fields"}</h3>
                        <label>
                            <span>{"artifactType"}</span>
                            <input type="text" class="wide mono" value={artifact_type} onchange={on_artifact_type} placeholder="application/vnd.example+type" />
                        </label>
                        <form onsubmit={on_subject}>
                            <label>
                                <span>{"subject (descriptor JSON; empty removes it)"}</span>
                                <textarea ref={subject} class="small mono" rows="3" spellcheck="false" value={subject_text} />
                            </label>
                            <button type="submit">{"Set subject"}</button>
                        </form>
                        <h3>{"Index annotations"}</h3>
                        <Annotations entry={None} items={analysis.annotations()} editable={true} />
                    </section>
                }
            } else {
                html! { <section><p class="muted">{"A Docker manifest list has no annotations, artifactType or subject: convert it to an OCI index to set them."}</p></section> }
            } }
        </div>
    }
}
