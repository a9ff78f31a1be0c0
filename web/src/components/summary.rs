//! What the document is: kind, media type, digest and size of the exact bytes, validity.

use crate::services::browser;
use crate::state::Analysis;
use indexsmith::Severity;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    pub analysis: Rc<Analysis>,
}

#[function_component(Summary)]
pub fn summary(props: &SummaryProps) -> Html {
    let report = &props.analysis.report;
    let count = |s: Severity| {
        report
            .diagnostics
            .iter()
            .filter(|d| d.severity == s)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let digest = report.digest.to_string();
    let copied = use_state(|| None::<String>);
    let copy = {
        let (digest, copied) = (digest.clone(), copied.clone());
        Callback::from(move |_| {
            browser::copy(&digest);
            copied.set(Some(digest.clone()));
        })
    };
    // "Copied" holds while the digest it copied is the one shown.
    let is_copied = copied.as_deref() == Some(digest.as_str());
    let kind = report
        .kind
        .map(|k| k.as_str().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let status = if report.valid {
        html! { <span class="badge ok">{"valid"}</span> }
    } else {
        html! { <span class="badge error">{"invalid"}</span> }
    };
    html! {
        <section class="summary" aria-label="Summary">
            <dl>
                <div><dt>{"Kind"}</dt><dd>{kind}{" "}{status}</dd></div>
                <div class="wide-row"><dt>{"Media type"}</dt><dd class="mono">{report.media_type.clone().unwrap_or_else(|| "—".into())}</dd></div>
                <div class="digest-row">
                    <dt>{"Digest"}</dt>
                    <dd>
                        <output class="mono digest" aria-label="Digest">{digest.clone()}</output>
                        <button type="button" onclick={copy} aria-label="Copy digest" title="Copy digest">{ if is_copied { "Copied ✓" } else { "Copy" } }</button>
                        { if is_copied { html!{ <span class="visually-hidden" role="status">{"Digest copied"}</span> } } else { html!{} } }
                    </dd>
                </div>
                <div><dt>{"Size"}</dt><dd>{format!("{} bytes", report.size)}</dd></div>
                <div><dt>{"Findings"}</dt><dd>{format!("{errors} errors, {warnings} warnings, {} total", report.diagnostics.len())}</dd></div>
            </dl>
        </section>
    }
}
