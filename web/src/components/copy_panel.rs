//! Copy an image (`crane copy`, `az acr import`): the whole multi-arch image or the platforms
//! ticked, from one repository to another, with the plan first, then progress, then the digest
//! the registry returned.

use super::error_alert::ErrorAlert;
use super::transfer_status::{transfer_status, COPY};
use crate::services::images;
use crate::services::registry::RegistrySettings;
use crate::state::{Action, DocumentContext, Field, Remote};
use web_sys::HtmlInputElement;
use yew::prelude::*;

fn short(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => d.to_owned(),
    }
}

#[function_component(CopyPanel)]
pub fn copy_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let field = |f: Field| {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(f, input.value()));
        })
    };
    // Plans with the platforms ticked (all of them the first time, or when the source changed).
    let plan = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(move |_: ()| {
            let source = ctx.fields.copy_source.trim().to_owned();
            let keep = match &ctx.copy_plan {
                Remote::Loaded(p) if p.source == source || p.source.ends_with(&source) => {
                    Some(ctx.copy_ticks.clone())
                }
                _ => None,
            };
            images::plan_copy(
                ctx.clone(),
                settings.clone(),
                source,
                ctx.fields.copy_target.trim().to_owned(),
                keep,
            );
        })
    };
    let submit = {
        let plan = plan.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            plan.emit(());
        })
    };
    let confirm = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(move |_: MouseEvent| {
            if let Remote::Loaded(p) = &ctx.copy_plan {
                if ctx.can_confirm_copy() {
                    images::copy(ctx.clone(), settings.clone(), p.clone());
                }
            }
        })
    };
    let copy_view = transfer_status(&ctx.copy, &ctx.copy_progress, COPY);
    let plan_view = match &ctx.copy_plan {
        Remote::Idle => html! {},
        Remote::Loading => {
            html! { <p class="muted" role="status">{"Reading the source and checking the target…"}</p> }
        }
        Remote::Failed(f) => {
            html! { <ErrorAlert failure={f.clone()} on_retry={Some(plan.clone())} /> }
        }
        Remote::Loaded(p) => {
            let changed =
                !ctx.can_confirm_copy() && matches!(ctx.copy, Remote::Idle | Remote::Failed(_));
            html! {
            <div class="plan" role="region" aria-label="Copy plan">
                <p class="muted">{format!("{} → {} ({}, {})", p.source, p.target, short(&p.digest), if p.kept.len() == p.entries.len() { "every platform".to_owned() } else { format!("{} of {} platforms", p.kept.len(), p.entries.len()) })}</p>
                { if p.entries.is_empty() { html!{} } else { html!{
                    <fieldset class="inline platforms-pick">
                        <legend>{"Platforms to copy"}</legend>
                        { for p.entries.iter().map(|e| {
                            let toggle = {
                                let (ctx, digest) = (ctx.clone(), e.digest.clone());
                                Callback::from(move |_: Event| ctx.dispatch(Action::ToggleCopyEntry(digest.clone())))
                            };
                            html!{ <label><input type="checkbox" checked={ctx.copy_ticks.contains(&e.digest)} onchange={toggle} />{format!(" {}", e.platform)}</label> }
                        }) }
                    </fieldset>
                } } }
                { if changed && !ctx.copy_ticks.is_empty() { html!{
                    <p class="warning" role="status">{"The platforms ticked changed: plan again to copy them."}</p>
                } } else { html!{} } }
                <div class="table-wrap">
                <table aria-label="Copy plan">
                    <thead><tr><th scope="col">{"manifest"}</th><th scope="col">{"action"}</th><th scope="col">{"detail"}</th></tr></thead>
                    <tbody>
                        { for p.steps.iter().map(|s| html!{
                            <tr class={s.action.clone()}>
                                <td><code title={s.digest.clone()}>{short(&s.digest)}</code></td>
                                <td><span class="badge">{s.action.clone()}</span></td>
                                <td class="detail">{s.detail.clone()}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
                <div class="buttons">
                    <button type="button" class="primary" onclick={confirm} disabled={!ctx.can_confirm_copy()}>
                        { if matches!(ctx.copy, Remote::Loaded(_)) { "Copied" } else { "Confirm copy" } }
                    </button>
                </div>
                {copy_view}
            </div>
            }
        }
    };
    let from_document = ctx
        .fetched_from
        .as_ref()
        .is_some_and(|f| f.reference == ctx.fields.copy_source);
    html! {
        <section class="copy-section">
            <h3>{"Copy image"}</h3>
            <form class="stack" onsubmit={submit}>
                <label>
                    <span>{ if from_document { "Source reference (the document's)" } else { "Source reference" } }</span>
                    <input type="text" spellcheck="false" required=true placeholder="localhost:5000/sample/hello:latest" aria-label="Source reference"
                           value={ctx.fields.copy_source.clone()} oninput={field(Field::CopySource)} />
                </label>
                <label>
                    <span>{"Target reference"}</span>
                    <input type="text" spellcheck="false" required=true placeholder="localhost:5000/mirror/hello:latest" aria-label="Target reference"
                           value={ctx.fields.copy_target.clone()} oninput={field(Field::CopyTarget)} />
                </label>
                <button type="submit" class="primary" disabled={ctx.copy_plan.is_loading()}>{"Copy image"}</button>
                <p class="muted">{"The plan comes first: nothing is written until you confirm. Children and blobs go first, the tag last."}</p>
            </form>
            {plan_view}
        </section>
    }
}
