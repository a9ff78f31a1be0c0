//! The details of an inspected entry (`docker manifest inspect -v` for one child): config digest,
//! the platform its config declares (and any disagreement with the index), created date, layers
//! and total size; for a nested index, its children.

use super::error_alert::ErrorAlert;
use super::platform_table::media_type_label;
use crate::state::{ChildDetails, Failure, Remote};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct EntryDetailsProps {
    pub index: usize,
    pub details: Remote<ChildDetails>,
    pub on_retry: Callback<()>,
    pub on_close: Callback<()>,
}

/// `1.2 MB` style sizes, with the exact byte count beside. Integer arithmetic only: the app
/// carries no float formatting.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let (mut scale, mut unit) = (1u128, "B");
    for u in UNITS {
        if u128::from(bytes) / scale < 1000 {
            break;
        }
        scale *= 1000;
        unit = u;
    }
    let tenths = (u128::from(bytes) * 10 + scale / 2) / scale;
    format!("{}.{} {unit} ({bytes} B)", tenths / 10, tenths % 10)
}

fn finding(f: &Failure) -> Html {
    html! { <li class="warning"><code>{f.code.clone()}</code>{" "}{f.message.clone()}</li> }
}

#[function_component(EntryDetails)]
pub fn entry_details(props: &EntryDetailsProps) -> Html {
    let close = {
        let cb = props.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let body = match &props.details {
        Remote::Idle | Remote::Loading => {
            html! { <p class="muted" role="status">{"Fetching the manifest and its config…"}</p> }
        }
        Remote::Failed(f) => {
            html! { <ErrorAlert failure={f.clone()} on_retry={Some(props.on_retry.clone())} /> }
        }
        Remote::Loaded(d) => html! {
            <>
            <dl class="details">
                <div><dt>{"Read from"}</dt><dd><code>{d.reference.clone()}</code></dd></div>
                <div><dt>{"Kind"}</dt><dd title={d.media_type.clone()}>{media_type_label(&d.media_type).to_owned()}</dd></div>
                { for d.config_digest.as_ref().map(|c| html!{ <div><dt>{"Config"}</dt><dd><code aria-label="Config digest">{c.clone()}</code></dd></div> }) }
                { for d.config_platform.as_ref().map(|p| html!{ <div><dt>{"Config platform"}</dt><dd><code>{p.clone()}</code></dd></div> }) }
                { for d.created.as_ref().map(|c| html!{ <div><dt>{"Created"}</dt><dd>{c.clone()}</dd></div> }) }
                <div><dt>{"Total size"}</dt><dd>{size_text(d.total_size)}</dd></div>
            </dl>
            { if d.findings.is_empty() { html!{} } else { html!{
                <ul class="findings" aria-label="Findings">{ for d.findings.iter().map(finding) }</ul>
            } } }
            { if d.layers.is_empty() { html!{} } else { html!{
                <table aria-label="Layers" class="layers">
                    <thead><tr><th scope="col">{"#"}</th><th scope="col">{"layer digest"}</th><th scope="col">{"media type"}</th><th scope="col">{"size"}</th></tr></thead>
                    <tbody>{ for d.layers.iter().enumerate().map(|(i, l)| html!{
                        <tr><td class="num">{i}</td><td><code>{l.digest.clone()}</code></td><td class="mono small">{l.media_type.clone()}</td><td class="num">{size_text(l.size)}</td></tr>
                    }) }</tbody>
                </table>
            } } }
            { if d.children.is_empty() { html!{} } else { html!{
                <table aria-label="Nested index entries" class="layers">
                    <thead><tr><th scope="col">{"platform"}</th><th scope="col">{"digest"}</th><th scope="col">{"kind"}</th><th scope="col">{"size"}</th></tr></thead>
                    <tbody>{ for d.children.iter().map(|c| html!{
                        <tr>
                            <td><code>{c.platform.clone().unwrap_or_else(|| "—".into())}</code></td>
                            <td><code>{c.digest.clone()}</code></td>
                            <td>{media_type_label(&c.media_type).to_owned()}</td>
                            <td class="num">{size_text(c.total_size.unwrap_or(c.size))}</td>
                        </tr>
                    }) }</tbody>
                </table>
            } } }
            </>
        },
    };
    html! {
        <section class="entry-details" role="region" aria-label={format!("Entry {} details", props.index)}>
            <div class="details-head">
                <strong>{format!("Entry {}", props.index)}</strong>
                <button type="button" class="icon" onclick={close} aria-label={format!("Close entry {} details", props.index)}>{"✕"}</button>
            </div>
            {body}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::size_text;

    #[test]
    fn sizes() {
        let cases = [
            (0, "0 B"),
            (999, "999 B"),
            (1000, "1.0 kB (1000 B)"),
            (1234, "1.2 kB (1234 B)"),
            (1250, "1.3 kB (1250 B)"),
            (3_456_789, "3.5 MB (3456789 B)"),
            (999_949, "999.9 kB (999949 B)"),
            (7_000_000_000, "7.0 GB (7000000000 B)"),
            (u64::MAX, "18446744.1 TB (18446744073709551615 B)"),
        ];
        for (bytes, text) in cases {
            assert_eq!(size_text(bytes), text, "{bytes}");
        }
    }
}
