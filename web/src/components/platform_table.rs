//! The platform table: one row per entry, every platform field editable in place.
//!
//! Edits go through the core (`compose::edit_index`) and replace the editor text; the table is
//! re-derived from the new text, so table and JSON never disagree.
//!
//! Past [`VIRTUAL_FROM`] entries the table renders only the rows in view (its own scroll box,
//! spacers above and below); the filter applies to every entry, and ArrowUp / ArrowDown in a
//! field move to the same field of the previous / next entry shown.

use super::annotations::Annotations;
use super::entry_details::EntryDetails;
use crate::hooks::use_virtual::use_virtual;
use crate::rows::{matches_filter, Row};
use crate::services::images;
use crate::services::registry::RegistrySettings;
use crate::state::{Action, Analysis, DocumentContext, Field};
use indexsmith::compose::{Edit, PlatformField, Selector};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Tables with more entries than this render only the rows in view.
pub const VIRTUAL_FROM: usize = 100;
/// The height of a row in a virtualized table (CSS `.platforms.virtual tr.entry`), until the
/// rendered rows are measured.
pub const ROW_HEIGHT: f64 = 46.0;

/// A short name for a child media type.
pub fn media_type_label(media_type: &str) -> &str {
    match media_type {
        "application/vnd.oci.image.manifest.v1+json" => "OCI manifest",
        "application/vnd.oci.image.index.v1+json" => "OCI index",
        "application/vnd.docker.distribution.manifest.v2+json" => "Docker v2",
        "application/vnd.docker.distribution.manifest.list.v2+json" => "Docker list",
        "" => "—",
        other => other,
    }
}

#[derive(Properties, PartialEq)]
struct FieldProps {
    index: usize,
    field: PlatformField,
    value: String,
    #[prop_or_default]
    placeholder: AttrValue,
    size: u32,
}

/// One editable platform field; commits on change (blur or Enter).
#[function_component(FieldInput)]
fn field_input(props: &FieldProps) -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let (index, field) = (props.index, props.field);
    let onchange = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        let v = input.value().trim().to_owned();
        let value = (!v.is_empty()).then_some(v);
        ctx.dispatch(Action::Edit(Edit::SetPlatformField {
            index,
            field,
            value,
        }));
    });
    let label = format!("{} of entry {}", field.key(), index);
    html! {
        <input class={classes!("cell-input", field.key().replace('.', "-"))} type="text" aria-label={label}
               spellcheck="false" size={props.size.to_string()} value={props.value.clone()} placeholder={props.placeholder.clone()} {onchange} />
    }
}

#[derive(Properties, PartialEq)]
pub struct PlatformTableProps {
    /// The document's analysis (its rows are the table's).
    pub analysis: Rc<Analysis>,
    pub filter: String,
    /// Whether the document can be edited (it parses as an index).
    pub editable: bool,
    /// The entry a client on the Resolve view's platform pulls, with that platform.
    #[prop_or_default]
    pub pulled: Option<(usize, String)>,
    /// Whether entries can be inspected in a registry (not in the embed).
    #[prop_or_default]
    pub inspectable: bool,
}

#[function_component(PlatformTable)]
pub fn platform_table(props: &PlatformTableProps) -> Html {
    let ctx = use_context::<DocumentContext>().expect("document context");
    let settings = use_context::<RegistrySettings>().unwrap_or_default();
    let open = use_state(|| None::<usize>);
    let inspect = {
        let (ctx, settings) = (ctx.clone(), settings.clone());
        Callback::from(
            move |(index, digest): (usize, String)| match ctx.children_repository() {
                Some(repository) => {
                    images::inspect_child(ctx.clone(), settings.clone(), repository, index, digest)
                }
                None => {
                    ctx.dispatch(Action::InspectStarted {
                        index,
                        digest: digest.clone(),
                    });
                    ctx.dispatch(Action::InspectFinished {
                    index,
                    digest,
                    result: Err(crate::state::Failure::new(
                        "inspect/no-repository",
                        "say which repository holds the children (\"Inspect in\" above the table)",
                    )),
                    });
                }
            },
        )
    };
    let on_inspect_from = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetField(Field::InspectFrom, input.value()));
        })
    };
    let on_filter = {
        let ctx = ctx.clone();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            ctx.dispatch(Action::SetFilter(input.value()));
        })
    };
    let all = &props.analysis.rows;
    let len = all.len();
    // The entries the filter keeps, computed again only for a new document or filter (not per
    // scroll).
    let kept = use_memo(
        (props.analysis.clone(), props.filter.clone()),
        |(analysis, filter)| {
            analysis
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| matches_filter(r, filter))
                .map(|(k, _)| k)
                .collect::<Vec<usize>>()
        },
    );
    let shown: Vec<&Row> = kept.iter().filter_map(|&k| all.get(k)).collect();
    let wrap = use_node_ref();
    let focused = use_mut_ref(|| None::<String>);
    {
        let (wrap, focused) = (wrap.clone(), focused.clone());
        // Cloned first: focusing runs the focus handlers, which write it.
        use_effect(move || {
            let label = focused.borrow().clone();
            restore_focus(&wrap, &label);
        });
    }
    let virtual_rows = shown.len() > VIRTUAL_FROM;
    // The entry whose field holds the keyboard focus: the window of rendered rows keeps the rows
    // around it, so ArrowDown always finds the next row rendered.
    let focus_entry = use_state_eq(|| None::<usize>);
    let focus_at = focus_entry.and_then(|n| shown.iter().position(|r| r.index == n));
    let (window, onscroll) = use_virtual(
        wrap.clone(),
        if virtual_rows { shown.len() } else { 0 },
        ROW_HEIGHT,
        focus_at,
    );
    let (first, end) = if virtual_rows {
        (window.first, window.end)
    } else {
        (0, shown.len())
    };
    let row = |r: &Row| {
        let i = r.index;
        let p = r.platform.clone().unwrap_or_default();
        let dispatch = |action: Action| {
            let ctx = ctx.clone();
            Callback::from(move |_: MouseEvent| ctx.dispatch(action.clone()))
        };
        let up = dispatch(Action::Edit(Edit::Move {
            from: i,
            to: i.saturating_sub(1),
        }));
        let down = dispatch(Action::Edit(Edit::Move { from: i, to: i + 1 }));
        let remove = dispatch(Action::Edit(Edit::Remove {
            selector: Selector::Index(i),
        }));
        let toggle = {
            let open = open.clone();
            Callback::from(move |_: MouseEvent| {
                open.set(if *open == Some(i) { None } else { Some(i) })
            })
        };
        let expanded = *open == Some(i);
        let inspected = ctx.inspected.as_ref().filter(|x| x.index == i);
        let inspect_this = {
            let (inspect, ctx, digest) = (inspect.clone(), ctx.clone(), r.digest.clone());
            let open_now = inspected.is_some();
            Callback::from(move |_: MouseEvent| {
                if open_now {
                    ctx.dispatch(Action::CloseInspect);
                } else {
                    inspect.emit((i, digest.clone()));
                }
            })
        };
        let pulled_here = props
            .pulled
            .as_ref()
            .filter(|(p, _)| *p == i)
            .map(|(_, platform)| platform.clone());
        let field = |field: PlatformField, value: String, placeholder: &'static str| {
            let size = match field {
                PlatformField::Os => 7,
                PlatformField::Architecture => 6,
                PlatformField::Variant => 3,
                PlatformField::OsVersion => 10,
                PlatformField::OsFeatures => 4,
            };
            if props.editable {
                html! { <FieldInput index={i} {field} {value} placeholder={placeholder} {size} /> }
            } else {
                html! { <span class="mono">{value}</span> }
            }
        };
        // Each row keyed by its entry, so a focused field stays with its entry while the window
        // moves.
        let mut rows = vec![html! {
            <tr key={format!("{i}")} data-row="" class={classes!("entry", r.is_attestation().then_some("attestation"), pulled_here.is_some().then_some("pulled"))}>
                <td class="num">{i}</td>
                <td>{field(PlatformField::Os, p.os.clone(), "os")}</td>
                <td>{field(PlatformField::Architecture, p.architecture.clone(), "arch")}</td>
                <td>{field(PlatformField::Variant, p.variant.clone().unwrap_or_default(), "")}</td>
                <td>{field(PlatformField::OsVersion, p.os_version.clone().unwrap_or_default(), "")}</td>
                <td>{field(PlatformField::OsFeatures, p.os_features.join(","), "")}</td>
                <td class="entry-id">
                    <code title={r.digest.clone()}>{r.short_digest()}</code>
                    <span class="meta"><span title={r.media_type.clone()}>{media_type_label(&r.media_type).to_owned()}</span>{" · "}{format!("{} B", r.size)}
                    { if r.is_attestation() {
                        html!{ <span class="badge attest" title={format!("attestation of {}", r.attests.clone().unwrap_or_default())}>{"attestation"}</span> }
                    } else { html!{} } }
                    { for pulled_here.map(|p| html!{ <span class="badge ok" title={format!("a client on {p} pulls this entry")}>{"pulled"}</span> }) }
                    </span>
                    { if props.inspectable { html!{
                        <button type="button" class="link inspect" onclick={inspect_this} aria-expanded={inspected.is_some().to_string()}
                                aria-label={format!("Inspect entry {i}")} title="Config, layers and sizes, read from the registry">
                            { if inspected.is_some() { "hide details" } else { "inspect" } }
                        </button>
                    } } else { html!{} } }
                </td>
                <td class="num">
                    <button type="button" class="link" onclick={toggle} aria-expanded={expanded.to_string()}
                            aria-label={format!("Annotations of entry {i} ({})", r.annotations.len())}>
                        {r.annotations.len()}
                    </button>
                </td>
                <td class="actions">
                    <button type="button" class="icon" onclick={up} disabled={!props.editable || i == 0} aria-label={format!("Move entry {i} up")} title="Move up">{"↑"}</button>
                    <button type="button" class="icon" onclick={down} disabled={!props.editable || i + 1 >= len} aria-label={format!("Move entry {i} down")} title="Move down">{"↓"}</button>
                    <button type="button" class="icon danger" onclick={remove} disabled={!props.editable} aria-label={format!("Remove entry {i}")} title="Remove">{"✕"}</button>
                </td>
            </tr>
        }];
        rows.extend(inspected.map(|x| {
                let retry = {
                    let (inspect, digest) = (inspect.clone(), x.digest.clone());
                    Callback::from(move |_: ()| inspect.emit((i, digest.clone())))
                };
                let close = {
                    let ctx = ctx.clone();
                    Callback::from(move |_: ()| ctx.dispatch(Action::CloseInspect))
                };
                html! {
                    <tr key={format!("{i}-details")} class="annotations-row details-row">
                        <td colspan="9">
                            <EntryDetails index={i} details={x.details.clone()} on_retry={retry} on_close={close} />
                        </td>
                    </tr>
                }
        }));
        if expanded {
            rows.push(html! {
                <tr key={format!("{i}-annotations")} class="annotations-row">
                    <td colspan="9">
                        <Annotations entry={Some(i)} items={r.annotations.clone()} editable={props.editable} />
                    </td>
                </tr>
            });
        }
        rows
    };
    let move_between_rows = Callback::from(move_between_rows);
    // When the window moves, the renderer may rebuild the row that holds the focus: the field
    // focused last (by its name) gets the focus back, unless the focus went elsewhere since.
    let (onfocusin, onfocusout) = {
        let (a, b) = (focused.clone(), focused.clone());
        let (entry_in, entry_out) = (focus_entry.clone(), focus_entry.clone());
        (
            Callback::from(move |e: FocusEvent| {
                let label = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|el| el.get_attribute("aria-label"));
                entry_in.set(label.as_deref().and_then(entry_of_label));
                *a.borrow_mut() = label;
            }),
            Callback::from(move |e: FocusEvent| {
                if e.related_target().is_some() {
                    *b.borrow_mut() = None;
                    entry_out.set(None);
                }
            }),
        )
    };
    // Always a row (of no height at an end), so the rows between keep their DOM nodes.
    let spacer = |px: f64| {
        html! { <tr class="spacer" aria-hidden="true" style={format!("height: {}px", px.round() as u64)}><td colspan="9"></td></tr> }
    };
    html! {
        <div class={classes!("platforms", virtual_rows.then_some("virtual"))}>
            <div class="toolbar">
                <label class="inline">
                    <span>{"Filter"}</span>
                    <input type="search" aria-label="Filter platforms" placeholder="e.g. linux arm64"
                           value={props.filter.clone()} oninput={on_filter} />
                </label>
                <span class="muted">{format!("{} of {} entries", shown.len(), len)}</span>
                { if props.inspectable && len > 0 { html!{
                    <label class="inline inspect-from">
                        <span>{"Inspect in"}</span>
                        <input type="text" spellcheck="false" aria-label="Inspect in repository"
                               placeholder={ctx.children_repository().unwrap_or_else(|| "the repository of the children".into())}
                               value={ctx.fields.inspect_from.clone()} oninput={on_inspect_from} />
                    </label>
                } } else { html!{} } }
            </div>
            <div class="table-wrap" ref={wrap} {onscroll}>
                <table aria-label="Platforms">
                    <thead>
                        <tr>
                            <th scope="col">{"#"}</th>
                            <th scope="col">{"os"}</th>
                            <th scope="col"><abbr title="architecture">{"arch"}</abbr></th>
                            <th scope="col">{"variant"}</th>
                            <th scope="col">{"os.version"}</th>
                            <th scope="col"><abbr title="os.features">{"features"}</abbr></th>
                            <th scope="col" title="digest, media type and size">{"entry"}</th>
                            <th scope="col" title="annotations">{"ann."}</th>
                            <th scope="col"><span class="visually-hidden">{"actions"}</span></th>
                        </tr>
                    </thead>
                    <tbody onkeydown={move_between_rows} {onfocusin} {onfocusout}>
                        { if virtual_rows { spacer(window.before) } else { html!{} } }
                        // One list of its own (`html!` would splice a `for` into the spacers'
                        // list, which, not keyed throughout, is matched by position): the rows
                        // are matched by key, so moving the window keeps the rows still in it,
                        // and the field with the focus, in place.
                        { shown[first..end].iter().copied().flat_map(row).collect::<Html>() }
                        { if virtual_rows { spacer(window.after) } else { html!{} } }
                    </tbody>
                </table>
            </div>
            { if len == 0 { html!{ <p class="empty">{"No entries."}</p> } } else { html!{} } }
        </div>
    }
}

/// ArrowDown / ArrowUp in a platform field: the same field of the next / previous entry shown
/// (the browser scrolls it into view, and a virtualized table renders the rows around it).
fn move_between_rows(e: KeyboardEvent) {
    let down = match e.key().as_str() {
        "ArrowDown" => true,
        "ArrowUp" => false,
        _ => return,
    };
    let Some(input) = e
        .target()
        .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        .filter(|i| i.class_list().contains("cell-input"))
    else {
        return;
    };
    let Some(field) = input
        .get_attribute("aria-label")
        .and_then(|l| l.split(" of entry ").next().map(str::to_owned))
    else {
        return;
    };
    let mut row = input.closest("tr").ok().flatten();
    while let Some(r) = row {
        row = if down {
            r.next_element_sibling()
        } else {
            r.previous_element_sibling()
        };
        let Some(r) = row.as_ref() else { return };
        if !r.class_list().contains("entry") {
            continue;
        }
        let selector = format!("input[aria-label^=\"{field} of entry \"]");
        if let Some(next) = r
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        {
            e.prevent_default();
            let _ = next.focus();
        }
        return;
    }
}

/// The entry a row field's accessible name speaks of: `architecture of entry 12` → 12.
fn entry_of_label(label: &str) -> Option<usize> {
    label.rsplit_once(" of entry ")?.1.parse().ok()
}

/// Focuses the field named `label` in the table when nothing has the focus (the row that had it
/// was rebuilt).
fn restore_focus(wrap: &NodeRef, label: &Option<String>) {
    let Some(label) = label else { return };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let lost = match document.active_element() {
        None => true,
        Some(el) => document
            .body()
            .is_some_and(|b| el == *b.unchecked_ref::<web_sys::Element>()),
    };
    if !lost {
        return;
    }
    let Some(wrap) = wrap.cast::<web_sys::Element>() else {
        return;
    };
    let selector = format!("[aria-label=\"{}\"]", label.replace('"', "\\\""));
    if let Some(el) = wrap
        .query_selector(&selector)
        .ok()
        .flatten()
        .and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::entry_of_label;

    #[test]
    fn entries_of_labels() {
        let cases = [
            ("architecture of entry 12", Some(12)),
            ("os.version of entry 0", Some(0)),
            ("Annotations of entry 3 (2)", None),
            ("Filter platforms", None),
            ("os of entry -1", None),
        ];
        for (label, entry) in cases {
            assert_eq!(entry_of_label(label), entry, "{label}");
        }
    }
}
