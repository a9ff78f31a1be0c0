//! A failed operation as an alert: what kind of failure, the message, the registry's own words
//! once, the code, and "Retry" when trying again may help.

use crate::state::Failure;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ErrorAlertProps {
    pub failure: Failure,
    /// Runs the operation again; the button is shown when this is set.
    #[prop_or_default]
    pub on_retry: Option<Callback<()>>,
    #[prop_or_default]
    pub on_dismiss: Option<Callback<()>>,
}

/// Whose words the detail is: the registry's for its own codes, else the connection's (the
/// proxy's or the browser's report of a failed request).
fn detail_label(code: &str) -> &'static str {
    match code {
        "CONNECTION_REFUSED" | "HOST_NOT_FOUND" | "TLS" | "TIMEOUT" | "NETWORK"
        | "CORS_BLOCKED" => "Underlying error: ",
        _ => "The registry said: ",
    }
}

#[function_component(ErrorAlert)]
pub fn error_alert(props: &ErrorAlertProps) -> Html {
    let f = &props.failure;
    let retry = props.on_retry.clone().map(|cb| {
        html! { <button type="button" onclick={Callback::from(move |_: MouseEvent| cb.emit(()))}>{"Retry"}</button> }
    });
    let dismiss = props.on_dismiss.clone().map(|cb| {
        html! { <button type="button" class="icon" aria-label="Dismiss" onclick={Callback::from(move |_: MouseEvent| cb.emit(()))}>{"✕"}</button> }
    });
    html! {
        <div class="alert" role="alert">
            <div class="alert-text">
                <strong>{f.class()}</strong>{" "}<code class="code">{f.code.clone()}</code>
                <p class="message">{f.message.clone()}</p>
                { for f.detail.as_ref().map(|d| html!{ <p class="detail">{detail_label(&f.code)}<q>{d.clone()}</q></p> }) }
            </div>
            <div class="alert-actions">{ for retry }{ for dismiss }</div>
        </div>
    }
}
