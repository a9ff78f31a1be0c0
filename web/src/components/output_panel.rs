//! Output: the exact bytes (download, copy), and push to a reference: plan first, then progress,
//! then the digest the registry returned, checked against the bytes sent.

use super::error_alert::ErrorAlert;
use super::transfer_status::{transfer_status, PUSH};
use crate::services::browser;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Field, Remote};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[function_component(OutputPanel)]
pub fn output_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let result_ref = use_node_ref();
    let report = &ctx.analysis.report;
    let download = {
        let text = ctx.text.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download("index.json", text.as_bytes(), "application/json")
        })
    };
    let copy = {
        let text = ctx.text.clone();
        Callback::from(move |_: MouseEvent| browser::copy(&text))
    };
    let copy_snippet = {
        let snippet = embed_snippet(&ctx);
        Callback::from(move |_: MouseEvent| browser::copy(&snippet))
    };
    let field = |f: Field| {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(f, input.value()));
        })
    };
    let plan = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            registry::plan_push(
                ctx.clone(),
                settings.clone(),
                ctx.fields.target.trim().to_owned(),
                ctx.fields.sources.trim().to_owned(),
            );
        })
    };
    let replan = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(move |_: ()| {
            registry::plan_push(
                ctx.clone(),
                settings.clone(),
                ctx.fields.target.trim().to_owned(),
                ctx.fields.sources.trim().to_owned(),
            );
        })
    };
    // The push runs with what the plan was made for, whatever the fields say now.
    let confirm = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(move |_: MouseEvent| {
            if let Remote::Loaded(p) = &ctx.plan {
                if ctx.can_confirm_push() {
                    registry::push(
                        ctx.clone(),
                        settings.clone(),
                        p.target.clone(),
                        p.sources.clone(),
                    );
                }
            }
        })
    };
    // The outcome of a push is brought into view where the button was.
    {
        let result_ref = result_ref.clone();
        let done = matches!(ctx.push, Remote::Loaded(_) | Remote::Failed(_));
        use_effect_with(done, move |done| {
            if *done {
                if let Some(el) = result_ref.cast::<web_sys::Element>() {
                    let options = web_sys::ScrollIntoViewOptions::new();
                    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                    el.scroll_into_view_with_scroll_into_view_options(&options);
                }
            }
        });
    }
    let stale = ctx.plan_is_stale();
    let push_view = transfer_status(&ctx.push, &ctx.push_progress, PUSH);
    let plan_view = match &ctx.plan {
        Remote::Idle => html! {},
        Remote::Loading => {
            html! { <p class="muted" role="status">{"Checking what the registry already has…"}</p> }
        }
        Remote::Failed(f) => {
            html! { <ErrorAlert failure={f.clone()} on_retry={Some(replan.clone())} /> }
        }
        Remote::Loaded(plan) => html! {
            <div class={classes!("plan", stale.then_some("stale"))} role="region" aria-label="Push plan">
                <p class="muted">{format!("Plan for {} → {}", short_digest(&plan.digest), plan.target)}</p>
                { if stale { html!{
                    <p class="warning" role="status">{"The document changed since this plan was made: it would push other bytes. Plan again to push the document as it is now."}</p>
                } } else { html!{} } }
                <div class="table-wrap">
                <table aria-label="Push plan">
                    <thead><tr><th scope="col">{"manifest"}</th><th scope="col">{"action"}</th><th scope="col">{"detail"}</th></tr></thead>
                    <tbody>
                        { for plan.steps.iter().map(|s| html!{
                            <tr class={s.action.clone()}>
                                <td><code title={s.digest.clone()}>{short_digest(&s.digest)}</code></td>
                                <td><span class="badge">{s.action.clone()}</span></td>
                                <td class="detail">{s.detail.clone()}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
                <div class="buttons">
                    <button type="button" class="primary" onclick={confirm} disabled={!ctx.can_confirm_push()}>
                        { if matches!(ctx.push, Remote::Loaded(_)) { "Pushed" } else { "Confirm push" } }
                    </button>
                    { if stale { html!{ <button type="button" onclick={Callback::from(move |_: MouseEvent| replan.emit(()))}>{"Plan again"}</button> } } else { html!{} } }
                </div>
                <div ref={result_ref.clone()}>{push_view}</div>
            </div>
        },
    };
    html! {
        <div class="output-panel">
            <section>
                <h3>{"Exact bytes"}</h3>
                <p>{format!("{} bytes, ", report.size)}<code>{report.digest.to_string()}</code></p>
                <div class="buttons">
                    <button type="button" class="primary" onclick={download}>{"Download"}</button>
                    <button type="button" onclick={copy}>{"Copy"}</button>
                </div>
                <details>
                    <summary>{"Show the bytes as they will be written"}</summary>
                    <pre class="bytes mono">{ctx.text.clone()}</pre>
                </details>
            </section>
            <section>
                <h3>{"Push to a registry"}</h3>
                <form class="stack" onsubmit={plan}>
                    <label>
                        <span>{"Target reference"}</span>
                        <input type="text" spellcheck="false" required=true placeholder="localhost:5000/sample/hello:multi" aria-label="Target reference"
                               value={ctx.fields.target.clone()} oninput={field(Field::Target)} />
                    </label>
                    <label>
                        <span>{"Children come from (repositories, comma-separated, first that has each child; optional)"}</span>
                        <input type="text" spellcheck="false" placeholder="localhost:5000/sample/hello" aria-label="Source repository"
                               value={ctx.fields.sources.clone()} oninput={field(Field::Sources)} />
                    </label>
                    <button type="submit" class="primary" disabled={ctx.plan.is_loading() || !report.valid}>{"Push"}</button>
                    { if report.valid { html!{} } else { html!{ <p class="muted">{"Fix the errors before pushing."}</p> } } }
                </form>
                {plan_view}
            </section>
            <section>
                <h3>{"Embed this playground"}</h3>
                <p class="muted">{"Paste into a documentation page; the document travels in the link."}</p>
                <pre class="bytes mono snippet" aria-label="Embed snippet">{embed_snippet(&ctx)}</pre>
                <button type="button" onclick={copy_snippet}>{"Copy snippet"}</button>
            </section>
        </div>
    }
}

/// The `<iframe>` snippet that embeds the playground on the current document.
pub fn embed_snippet(doc: &crate::state::Document) -> String {
    let fragment = crate::fragment::encode(&doc.url_state());
    let origin = browser::page_url();
    let hash = if fragment.is_empty() {
        String::new()
    } else {
        format!("#{fragment}")
    };
    format!(
        "<iframe src=\"{origin}?embed{hash}\"\n  title=\"indexsmith playground\" width=\"100%\" height=\"560\"\n  style=\"border: 1px solid #dde1e8; border-radius: 6px\" loading=\"lazy\"></iframe>"
    )
}

fn short_digest(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => d.to_owned(),
    }
}
