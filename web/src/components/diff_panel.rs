//! Entry-by-entry diff of the edited document against the original or another fetched index.

use super::error_alert::ErrorAlert;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Field, Remote};
use indexsmith::compose::{diff_indexes, EntryChange};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    Original,
    Fetched,
}

fn short(d: &Option<String>) -> String {
    match d.as_deref().and_then(|d| d.split_once(':')) {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => "—".into(),
    }
}

#[function_component(DiffPanel)]
pub fn diff_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let base = use_state(|| Base::Original);
    let fetched = match &ctx.compare {
        Remote::Loaded(f) => Some(f.clone()),
        _ => None,
    };
    let (base_text, base_name) = match (*base, &fetched) {
        (Base::Fetched, Some(f)) => (f.text.clone(), f.reference.clone()),
        _ => (ctx.original.to_string(), "the original".to_owned()),
    };
    let set_base = |b: Base| {
        let base = base.clone();
        Callback::from(move |_: Event| base.set(b))
    };
    let rebase = {
        let ctx = ctx.clone();
        Callback::from(move |_: MouseEvent| ctx.dispatch(Action::SetBaseline))
    };
    let compare = {
        let (ctx, base) = (ctx.clone(), base.clone());
        Callback::from(move |_: ()| {
            base.set(Base::Fetched);
            registry::compare_with(
                ctx.clone(),
                settings.clone(),
                ctx.fields.compare.trim().to_owned(),
            );
        })
    };
    let fetch = {
        let compare = compare.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            compare.emit(());
        })
    };
    let on_compare = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(Field::Compare, input.value()));
        })
    };
    let result = if *base_text == *ctx.text {
        html! { <p class="muted">{format!("No changes against {base_name}.")}</p> }
    } else {
        match diff_indexes(base_text.as_bytes(), ctx.text.as_bytes()) {
            Err(e) => html! { <p class="error" role="alert">{format!("Cannot diff: {e}")}</p> },
            Ok(diff) => html! {
                <>
                { if diff.changed_fields.is_empty() { html!{} } else {
                    html!{ <p>{"Top-level changes: "}{ for diff.changed_fields.iter().map(|f| html!{ <code class="tag">{f.clone()}</code> }) }</p> }
                } }
                <div class="table-wrap">
                <table aria-label="Differences">
                    <thead><tr><th scope="col">{"entry"}</th><th scope="col">{"change"}</th><th scope="col">{"before"}</th><th scope="col">{"after"}</th></tr></thead>
                    <tbody>
                    { for diff.entries.iter().map(|e| {
                        let (class, text) = match &e.change {
                            EntryChange::Added => ("added", "added".to_owned()),
                            EntryChange::Removed => ("removed", "removed".to_owned()),
                            EntryChange::Changed { fields } => ("changed", format!("changed: {}", fields.join(", "))),
                            EntryChange::Unchanged => ("unchanged", "unchanged".to_owned()),
                        };
                        let value = |v: &Option<String>| match v {
                            Some(v) => html!{ <code>{v.clone()}</code> },
                            None => html!{ <span class="muted">{"(none)"}</span> },
                        };
                        html! {
                            <>
                            <tr class={class}>
                                <td><code>{e.key.clone()}</code></td>
                                <td>{text}</td>
                                <td><code title={e.a_digest.clone().unwrap_or_default()}>{short(&e.a_digest)}</code></td>
                                <td><code title={e.b_digest.clone().unwrap_or_default()}>{short(&e.b_digest)}</code></td>
                            </tr>
                            { for e.changes.iter().filter(|c| c.field != "digest").map(|c| html!{
                                <tr class="field-change">
                                    <td></td>
                                    <td><code>{c.field.clone()}</code></td>
                                    <td>{value(&c.before)}</td>
                                    <td>{value(&c.after)}</td>
                                </tr>
                            }) }
                            </>
                        }
                    }) }
                    </tbody>
                </table>
                </div>
                </>
            },
        }
    };
    let status = match &ctx.compare {
        Remote::Loading => html! { <p class="muted" role="status">{"Fetching…"}</p> },
        Remote::Failed(f) => {
            html! { <ErrorAlert failure={f.clone()} on_retry={Some(compare.clone())} /> }
        }
        _ => html! {},
    };
    html! {
        <div class="diff-panel">
            <fieldset class="inline">
                <legend>{"Compare the document with"}</legend>
                <label><input type="radio" name="diff-base" checked={*base == Base::Original} onchange={set_base(Base::Original)} />{" the original (as loaded)"}</label>
                <label><input type="radio" name="diff-base" checked={*base == Base::Fetched} disabled={fetched.is_none()} onchange={set_base(Base::Fetched)} />
                    {format!(" {}", fetched.as_ref().map(|f| f.reference.clone()).unwrap_or_else(|| "a fetched index".into()))}</label>
                <button type="button" onclick={rebase}>{"Use current as original"}</button>
            </fieldset>
            <form class="inline-form" onsubmit={fetch}>
                <label class="grow">
                    <span>{"Fetch another index to compare"}</span>
                    <input type="text" spellcheck="false" placeholder="localhost:5000/sample/hello:latest" aria-label="Reference to compare with"
                           value={ctx.fields.compare.clone()} oninput={on_compare} />
                </label>
                <button type="submit" disabled={ctx.compare.is_loading()}>{"Fetch to compare"}</button>
            </form>
            {status}
            {result}
        </div>
    }
}
