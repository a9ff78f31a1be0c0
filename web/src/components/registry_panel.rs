//! The Registry view: copy an image between repositories or registries, and browse a
//! repository's tags.

use super::copy_panel::CopyPanel;
use super::tags_table::TagsTable;
use yew::prelude::*;

#[function_component(RegistryPanel)]
pub fn registry_panel() -> Html {
    html! {
        <div class="registry-panel">
            <CopyPanel />
            <TagsTable />
        </div>
    }
}
