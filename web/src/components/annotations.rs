//! Annotation editor for an entry or (with `entry: None`) the index.

use crate::state::{Action, DocumentContext};
use indexsmith::compose::Edit;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AnnotationsProps {
    pub entry: Option<usize>,
    pub items: Vec<(String, String)>,
    pub editable: bool,
}

#[function_component(Annotations)]
pub fn annotations(props: &AnnotationsProps) -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let new_key = use_node_ref();
    let new_value = use_node_ref();
    let entry = props.entry;
    let whose = match entry {
        Some(i) => format!("entry {i}"),
        None => "the index".to_owned(),
    };
    let add = {
        let (ctx, new_key, new_value) = (ctx.clone(), new_key.clone(), new_value.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(k), Some(v)) = (
                new_key.cast::<HtmlInputElement>(),
                new_value.cast::<HtmlInputElement>(),
            ) else {
                return;
            };
            let key = k.value().trim().to_owned();
            if key.is_empty() {
                return;
            }
            ctx.dispatch(Action::Edit(Edit::Annotate {
                entry,
                key,
                value: Some(v.value()),
            }));
            k.set_value("");
            v.set_value("");
        })
    };
    html! {
        <div class="annotations">
            <table aria-label={format!("Annotations of {whose}")}>
                <tbody>
                { for props.items.iter().map(|(k, v)| {
                    let key = k.clone();
                    let ctx1 = ctx.clone();
                    let onchange = {
                        let key = key.clone();
                        Callback::from(move |e: Event| {
                            let input: HtmlInputElement = e.target_unchecked_into();
                            ctx1.dispatch(Action::Edit(Edit::Annotate { entry, key: key.clone(), value: Some(input.value()) }));
                        })
                    };
                    let ctx2 = ctx.clone();
                    let remove = {
                        let key = key.clone();
                        Callback::from(move |_: MouseEvent| ctx2.dispatch(Action::Edit(Edit::Annotate { entry, key: key.clone(), value: None })))
                    };
                    html! {
                        <tr>
                            <th scope="row"><code>{k.clone()}</code></th>
                            <td><input type="text" class="wide" aria-label={format!("Annotation {k} of {whose}")} value={v.clone()} {onchange} disabled={!props.editable} /></td>
                            <td><button type="button" class="icon danger" onclick={remove} disabled={!props.editable} aria-label={format!("Remove annotation {k} of {whose}")}>{"✕"}</button></td>
                        </tr>
                    }
                }) }
                </tbody>
            </table>
            { if props.items.is_empty() { html!{ <p class="muted">{format!("No annotations on {whose}.")}</p> } } else { html!{} } }
            { if props.editable {
                html! {
                    <form class="add-annotation" onsubmit={add}>
                        <input ref={new_key} type="text" aria-label={format!("New annotation key for {whose}")} placeholder="org.opencontainers.image.source" />
                        <input ref={new_value} type="text" aria-label={format!("New annotation value for {whose}")} placeholder="value" />
                        <button type="submit">{"Add annotation"}</button>
                    </form>
                }
            } else { html!{} } }
        </div>
    }
}
