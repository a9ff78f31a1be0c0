//! The tab strip (WAI-ARIA tabs: arrow keys move between tabs).

use crate::state::Tab;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub current: Tab,
    pub tabs: Vec<Tab>,
    pub on_select: Callback<Tab>,
}

#[function_component(Tabs)]
pub fn tabs(props: &TabsProps) -> Html {
    let tabs = props.tabs.clone();
    let current = props.current;
    let onkeydown = {
        let (tabs, on_select) = (tabs.clone(), props.on_select.clone());
        Callback::from(move |e: KeyboardEvent| {
            let Some(i) = tabs.iter().position(|t| *t == current) else {
                return;
            };
            let next = match e.key().as_str() {
                "ArrowRight" => (i + 1) % tabs.len(),
                "ArrowLeft" => (i + tabs.len() - 1) % tabs.len(),
                "Home" => 0,
                "End" => tabs.len() - 1,
                _ => return,
            };
            e.prevent_default();
            on_select.emit(tabs[next]);
            if let Some(el) = crate::services::browser::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", tabs[next].as_str())))
            {
                if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    let _ = el.focus();
                }
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label="Views" {onkeydown}>
            { for tabs.iter().map(|t| {
                let selected = *t == current;
                let on_select = props.on_select.clone();
                let tab = *t;
                html! {
                    <button type="button" role="tab" id={format!("tab-{}", t.as_str())}
                            aria-selected={selected.to_string()} aria-controls={format!("panel-{}", t.as_str())}
                            tabindex={if selected { "0" } else { "-1" }}
                            onclick={Callback::from(move |_: MouseEvent| on_select.emit(tab))}>
                        {t.title()}
                    </button>
                }
            }) }
        </div>
    }
}
