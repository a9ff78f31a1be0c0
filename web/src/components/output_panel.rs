//! Output: the exact bytes (download, copy), and push to a reference: plan first, then progress,
//! then the digest the registry returned, checked against the bytes sent.

use crate::services::browser;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{DocumentContext, Remote};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[function_component(OutputPanel)]
pub fn output_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let target = use_node_ref();
    let source = use_node_ref();
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
    let read = |r: &NodeRef| {
        r.cast::<HtmlInputElement>()
            .map(|i| i.value().trim().to_owned())
            .unwrap_or_default()
    };
    let plan = {
        let (ctx, settings, target, source) = (
            ctx.clone(),
            settings.clone(),
            target.clone(),
            source.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            registry::plan_push(ctx.clone(), settings.clone(), read(&target), read(&source));
        })
    };
    let confirm = {
        let (ctx, settings, target, source) = (
            ctx.clone(),
            settings.clone(),
            target.clone(),
            source.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            registry::push(ctx.clone(), settings.clone(), read(&target), read(&source))
        })
    };
    let plan_view = match &ctx.plan {
        Remote::Idle => html! {},
        Remote::Loading => {
            html! { <p class="muted" role="status">{"Checking what the registry already has…"}</p> }
        }
        Remote::Failed(f) => {
            html! { <p class="error" role="alert">{format!("{}: {}", f.code, f.message)}</p> }
        }
        Remote::Loaded(steps) => html! {
            <div class="plan" role="region" aria-label="Push plan">
                <div class="table-wrap">
                <table aria-label="Push plan">
                    <thead><tr><th scope="col">{"manifest"}</th><th scope="col">{"action"}</th><th scope="col">{"detail"}</th></tr></thead>
                    <tbody>
                        { for steps.iter().map(|s| html!{
                            <tr class={s.action.clone()}>
                                <td><code title={s.digest.clone()}>{short_digest(&s.digest)}</code></td>
                                <td><span class="badge">{s.action.clone()}</span></td>
                                <td class="detail">{s.detail.clone()}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
                <button type="button" class="primary" onclick={confirm} disabled={ctx.push.is_loading()}>{"Confirm push"}</button>
            </div>
        },
    };
    let push_view = match &ctx.push {
        Remote::Idle => html! {},
        Remote::Loading => html! {
            <div role="status" aria-live="polite">
                <p class="muted">{"Pushing…"}</p>
                <ul class="progress">{ for ctx.push_progress.iter().map(|l| html!{ <li>{l.clone()}</li> }) }</ul>
            </div>
        },
        Remote::Failed(f) => {
            html! { <p class="error" role="alert">{format!("{}: {}", f.code, f.message)}</p> }
        }
        Remote::Loaded(p) => html! {
            <div role="status" aria-live="polite">
                <ul class="progress">{ for ctx.push_progress.iter().map(|l| html!{ <li>{l.clone()}</li> }) }</ul>
                <p class={if p.verified { "ok" } else { "error" }}>
                    {format!("Pushed {}: the registry returned ", p.reference)}
                    <output class="mono" aria-label="Pushed digest">{p.digest.clone()}</output>
                    { if p.verified { " — it matches the bytes sent." } else { " — it does NOT match the bytes sent." } }
                </p>
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
                        <input ref={target} type="text" spellcheck="false" required=true placeholder="localhost:5000/sample/hello:multi" aria-label="Target reference" />
                    </label>
                    <label>
                        <span>{"Children come from (repositories, comma-separated, first that has each child; optional)"}</span>
                        <input ref={source} type="text" spellcheck="false" placeholder="localhost:5000/sample/hello" aria-label="Source repository" />
                    </label>
                    <button type="submit" class="primary" disabled={ctx.plan.is_loading() || !report.valid}>{"Push"}</button>
                    { if report.valid { html!{} } else { html!{ <p class="muted">{"Fix the errors before pushing."}</p> } } }
                </form>
                {plan_view}
                {push_view}
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
