//! Registry browsing: list a repository's tags and open any of them.

use crate::services::registry::{self, RegistrySettings};
use crate::state::{DocumentContext, Remote};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[function_component(RegistryPanel)]
pub fn registry_panel() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let repository = use_node_ref();
    let list = {
        let (ctx, settings, repository) = (ctx.clone(), settings.clone(), repository.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(r) = repository.cast::<HtmlInputElement>() else {
                return;
            };
            registry::list_tags(ctx.clone(), settings.clone(), r.value().trim().to_owned());
        })
    };
    let tags = match &ctx.tags {
        Remote::Idle => html! {},
        Remote::Loading => html! { <p class="muted" role="status">{"Listing tags…"}</p> },
        Remote::Failed(f) => {
            html! { <p class="error" role="alert">{format!("{}: {}", f.code, f.message)}</p> }
        }
        Remote::Loaded((repo, tags)) if tags.is_empty() => {
            html! { <p class="muted">{format!("{repo} has no tags.")}</p> }
        }
        Remote::Loaded((repo, tags)) => html! {
            <ul class="tags" aria-label={format!("Tags of {repo}")}>
                { for tags.iter().map(|t| {
                    let reference = format!("{repo}:{t}");
                    let (ctx, settings) = (ctx.clone(), settings.clone());
                    let r2 = reference.clone();
                    let open = Callback::from(move |_: MouseEvent| registry::fetch_document(ctx.clone(), settings.clone(), r2.clone()));
                    html! {
                        <li><code>{t.clone()}</code>
                            <button type="button" onclick={open} aria-label={format!("Open {reference}")}>{"Open"}</button></li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <div class="registry-panel">
            <form class="inline-form" onsubmit={list}>
                <label class="grow">
                    <span>{"Repository"}</span>
                    <input ref={repository} type="text" spellcheck="false" placeholder="localhost:5000/sample/hello" aria-label="Repository" />
                </label>
                <button type="submit" disabled={ctx.tags.is_loading()}>{"List tags"}</button>
            </form>
            {tags}
        </div>
    }
}
