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
                { for f.detail.as_ref().map(|d| html!{ <p class="detail">{"The registry said: "}<q>{d.clone()}</q></p> }) }
            </div>
            <div class="alert-actions">{ for retry }{ for dismiss }</div>
        </div>
    }
}
