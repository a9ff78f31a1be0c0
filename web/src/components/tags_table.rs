//! A repository's tags as a table (`az acr repository show-manifests`): tag, digest, kind and
//! platforms, sorted by tag; each opens in the editor. Where the request goes is shown first.

use super::error_alert::ErrorAlert;
use super::platform_table::media_type_label;
use crate::services::images;
use crate::services::registry::{self, RegistrySettings};
use crate::state::{Action, DocumentContext, Field, Remote};
use indexsmith::reference::DOCKER_HUB_DOMAIN as DOCKER_HUB;
use indexsmith_registry::reference::api_host;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Where a repository's requests go, in words: `registry-1.docker.io (Docker Hub), repository
/// library/ubuntu`, or why the name is not a repository.
pub fn destination(input: &str, proxy: &str) -> Result<String, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err(String::new());
    }
    let repo = registry::parse_repository(input).map_err(|f| f.message)?;
    let host = api_host(&repo.registry);
    let hub = if repo.registry == DOCKER_HUB {
        " (Docker Hub)"
    } else {
        ""
    };
    let via = if proxy.trim().is_empty() {
        String::new()
    } else {
        format!(", through the proxy {}", proxy.trim())
    };
    // `library/` of Docker Hub's official images was added by the reference grammar.
    Ok(format!("{host}{hub}, repository {}{via}", repo.path))
}

fn short(d: &str) -> String {
    match d.split_once(':') {
        Some((alg, hex)) => format!("{alg}:{}", hex.get(..12).unwrap_or(hex)),
        None => d.to_owned(),
    }
}

#[function_component(TagsTable)]
pub fn tags_table() -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let list = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(move |_: ()| {
            images::list_tags(
                ctx.clone(),
                settings.clone(),
                ctx.fields.repository.trim().to_owned(),
            )
        })
    };
    let submit = {
        let list = list.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            list.emit(());
        })
    };
    let oninput = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(Field::Repository, input.value()));
        })
    };
    let where_to = match destination(&ctx.fields.repository, &settings.proxy) {
        Ok(text) => {
            html! { <p class="muted destination">{"Requests go to "}<strong>{text}</strong></p> }
        }
        Err(e) if e.is_empty() => html! {},
        Err(e) => html! { <p class="muted destination">{e}</p> },
    };
    let tags = match &ctx.tags {
        Remote::Idle => html! {},
        Remote::Loading => html! { <p class="muted" role="status">{"Listing tags…"}</p> },
        Remote::Failed(f) => {
            html! { <ErrorAlert failure={f.clone()} on_retry={Some(list.clone())} /> }
        }
        Remote::Loaded(listing) if listing.tags.is_empty() => {
            html! { <p class="muted">{format!("{} has no tags.", listing.repository)}</p> }
        }
        Remote::Loaded(listing) => html! {
            <div class="table-wrap">
            <table aria-label="Tags" class="tags-table">
                <caption class="muted">{format!("{} — {} tag(s)", listing.repository, listing.tags.len())}</caption>
                <thead><tr>
                    <th scope="col">{"tag"}</th><th scope="col">{"digest"}</th><th scope="col">{"kind"}</th>
                    <th scope="col">{"platforms"}</th><th scope="col"><span class="visually-hidden">{"open"}</span></th>
                </tr></thead>
                <tbody>
                { for listing.tags.iter().map(|t| {
                    let reference = format!("{}:{}", listing.repository, t.tag);
                    let open = {
                        let (ctx, settings, reference) = (ctx.clone(), settings.clone(), reference.clone());
                        Callback::from(move |_: MouseEvent| {
                            ctx.dispatch(Action::SetField(Field::Reference, reference.clone()));
                            registry::fetch_document(ctx.clone(), settings.clone(), reference.clone())
                        })
                    };
                    html! {
                        <tr>
                            <th scope="row"><code>{t.tag.clone()}</code></th>
                            <td>{ if t.digest.is_empty() {
                                html!{ <span class="error">{t.error.clone().unwrap_or_default()}</span> }
                            } else {
                                html!{ <code title={t.digest.clone()}>{short(&t.digest)}</code> }
                            } }</td>
                            <td title={t.media_type.clone()}>{media_type_label(&t.media_type).to_owned()}</td>
                            <td class="num">{t.platforms.map(|n| n.to_string()).unwrap_or_else(|| "—".into())}</td>
                            <td><button type="button" onclick={open} aria-label={format!("Open {reference}")}>{"Open"}</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            </div>
        },
    };
    html! {
        <section class="tags-section">
            <h3>{"Tags"}</h3>
            <form class="inline-form" onsubmit={submit}>
                <label class="grow">
                    <span>{"Repository"}</span>
                    <input type="text" spellcheck="false" placeholder="localhost:5000/sample/hello" aria-label="Repository"
                           value={ctx.fields.repository.clone()} {oninput} />
                </label>
                <button type="submit" disabled={ctx.tags.is_loading()}>{"List tags"}</button>
            </form>
            {where_to}
            {tags}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::destination;

    #[test]
    fn the_destination_is_said_before_the_request() {
        let cases = [
            (
                "short name",
                "ubuntu",
                "",
                Ok("registry-1.docker.io (Docker Hub), repository library/ubuntu"),
            ),
            (
                "local",
                "127.0.0.1:5000/sample/hello",
                "/proxy",
                Ok("127.0.0.1:5000, repository sample/hello, through the proxy /proxy"),
            ),
            ("empty", "  ", "", Err(String::new())),
        ];
        for (name, input, proxy, expected) in cases {
            assert_eq!(
                destination(input, proxy),
                expected.map(str::to_owned),
                "{name}"
            );
        }
        assert!(destination("-bad", "").is_err(), "an invalid name says why");
    }
}
