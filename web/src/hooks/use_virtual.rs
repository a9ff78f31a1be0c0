//! Virtualized lists: only the items in view (and a few on each side) are rendered, between two
//! spacers that keep the scroll height of the whole list.

use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Items rendered beyond each edge of the viewport, so keyboard focus moving to the next item
/// finds it rendered (the browser then scrolls it into view, and the window follows).
pub const OVERSCAN: usize = 8;

/// The items to render: `first..end`, with `before` and `after` pixels of spacer around them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slice {
    pub first: usize,
    pub end: usize,
    pub before: f64,
    pub after: f64,
}

/// Which of `count` items, each `height` pixels tall, a viewport of `viewport` pixels scrolled to
/// `scroll` shows, with `overscan` more on each side.
pub fn slice(count: usize, height: f64, scroll: f64, viewport: f64, overscan: usize) -> Slice {
    let height = if height.is_finite() && height > 0.0 {
        height
    } else {
        1.0
    };
    let scroll = if scroll.is_finite() {
        scroll.max(0.0)
    } else {
        0.0
    };
    let viewport = if viewport.is_finite() {
        viewport.max(0.0)
    } else {
        0.0
    };
    let top = ((scroll / height).floor() as usize).min(count);
    let visible = (viewport / height).ceil() as usize + 1;
    let first = top.saturating_sub(overscan);
    let end = top
        .saturating_add(visible)
        .saturating_add(overscan)
        .min(count);
    Slice {
        first,
        end,
        before: first as f64 * height,
        after: (count - end) as f64 * height,
    }
}

/// How far (in items) from the window of the scroll position a focused item still widens it.
pub const FOCUS_REACH: usize = 64;

/// `window` widened to hold `overscan` items on each side of the item at `focus` (the item holding
/// the keyboard focus), when that item is within [`FOCUS_REACH`] of it. Keys move the focus from
/// item to item faster than the browser reports the scrolling they cause, and the browser's
/// scrolling to a focused item can move the window by more than a screen; a window that follows
/// the focus at once (the focus handler's render runs before the next key) always holds the
/// focused item and the next one, so the focus is never lost to a row taken out. A focus far from
/// the window (the list was scrolled away from it with the mouse) leaves the window as it is.
pub fn around_focus(
    window: Slice,
    count: usize,
    height: f64,
    focus: Option<usize>,
    overscan: usize,
) -> Slice {
    let Some(at) = focus.filter(|&at| at < count) else {
        return window;
    };
    let near = at.saturating_add(FOCUS_REACH) >= window.first
        && at < window.end.saturating_add(FOCUS_REACH);
    if !near {
        return window;
    }
    let first = window.first.min(at.saturating_sub(overscan));
    let end = window.end.max(at.saturating_add(overscan + 1)).min(count);
    let height = if height.is_finite() && height > 0.0 {
        height
    } else {
        1.0
    };
    Slice {
        first,
        end,
        before: first as f64 * height,
        after: (count - end) as f64 * height,
    }
}

/// The scroll state of a virtualized list in the element `container` (its own scroll box):
/// the slice to render for `count` items, and the `onscroll` handler to put on the container.
/// `height` is the expected item height; the mean height of the rendered items marked `data-row`
/// replaces it once measured. The items must form a keyed list of their own (`collect::<Html>()`,
/// not a `for` spliced between the spacers), so that moving the window keeps their elements. The window also holds the items around `focus`
/// ([`around_focus`]).
#[hook]
pub fn use_virtual(
    container: NodeRef,
    count: usize,
    height: f64,
    focus: Option<usize>,
) -> (Slice, Callback<Event>) {
    // (scroll top, viewport height, measured item height)
    let view = use_state(|| (0.0_f64, 800.0_f64, height));
    {
        let (container, view) = (container.clone(), view.clone());
        use_effect(move || {
            if let Some(el) = container.cast::<web_sys::HtmlElement>() {
                let viewport = el.client_height() as f64;
                let measured = mean_item_height(&el).unwrap_or(view.2);
                // The box may have scrolled without a scroll event reaching the list (its content
                // shrank under a filter, or it was hidden): the DOM is the truth.
                let top = el.scroll_top() as f64;
                let (scroll, old_viewport, old_height) = *view;
                if (viewport > 0.0 && (viewport - old_viewport).abs() > 0.5)
                    || (measured - old_height).abs() > 0.25
                    || (top / measured).floor() != (scroll / old_height).floor()
                {
                    let viewport = if viewport > 0.0 {
                        viewport
                    } else {
                        old_viewport
                    };
                    view.set((top, viewport, measured));
                }
            }
        });
    }
    let onscroll = {
        let view = view.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            let (scroll, viewport, height) = *view;
            let top = el.scroll_top() as f64;
            // Re-render only when the first item in view changes.
            if (top / height).floor() != (scroll / height).floor() {
                view.set((top, viewport, height));
            }
        })
    };
    let (scroll, viewport, height) = *view;
    let window = slice(count, height, scroll, viewport, OVERSCAN);
    (
        around_focus(window, count, height, focus, OVERSCAN),
        onscroll,
    )
}

/// The mean height of the items rendered in `container` (those marked `data-row`). Table rows
/// differ by fractions of a pixel (62.125 and 62.625 px in one table), so one row's height, taken
/// for all, would misplace the rows by a pixel every few rows: 60 px by entry 250.
fn mean_item_height(container: &web_sys::HtmlElement) -> Option<f64> {
    let items = container.query_selector_all("[data-row]").ok()?;
    let (mut total, mut count) = (0.0, 0_u32);
    for k in 0..items.length() {
        if let Some(item) = items
            .item(k)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        {
            total += item.get_bounding_client_rect().height();
            count += 1;
        }
    }
    let mean = total / f64::from(count.max(1));
    (mean > 0.0).then_some(mean)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices() {
        // (case, count, height, scroll, viewport, overscan, first, end)
        let cases = [
            ("empty list", 0, 40.0, 0.0, 400.0, 8, 0, 0),
            ("short list: all of it", 5, 40.0, 0.0, 400.0, 8, 0, 5),
            ("top of a long list", 1000, 40.0, 0.0, 400.0, 8, 0, 19),
            ("middle", 1000, 40.0, 4000.0, 400.0, 8, 92, 119),
            ("end", 1000, 40.0, 39_600.0, 400.0, 8, 982, 1000),
            ("scrolled past the end", 10, 40.0, 10_000.0, 400.0, 2, 8, 10),
            ("no overscan", 100, 10.0, 95.0, 30.0, 0, 9, 13),
            ("bad height", 3, 0.0, 0.0, 2.0, 0, 0, 3),
            ("negative scroll", 100, 10.0, -50.0, 30.0, 0, 0, 4),
            ("not a number", 100, 10.0, f64::NAN, f64::NAN, 1, 0, 2),
        ];
        for (name, count, height, scroll, viewport, overscan, first, end) in cases {
            let s = slice(count, height, scroll, viewport, overscan);
            assert_eq!((s.first, s.end), (first, end), "{name}");
            let h = if height > 0.0 { height } else { 1.0 };
            assert_eq!(s.before, first as f64 * h, "{name}: space before");
            assert_eq!(s.after, (count - end) as f64 * h, "{name}: space after");
        }
    }

    #[test]
    fn windows_follow_the_focus() {
        // A window of items 0..19 of 1,000 (rows 40 px tall), overscan 8.
        let window = slice(1000, 40.0, 0.0, 400.0, 8);
        // (case, focus, first, end)
        let cases = [
            ("no focus", None, 0, 19),
            ("focus inside", Some(5), 0, 19),
            ("focus on the last rendered item", Some(18), 0, 27),
            ("focus just past the window", Some(20), 0, 29),
            ("focus a few screens below", Some(60), 0, 69),
            ("focus far below: left alone", Some(500), 0, 19),
            ("focus past the list: left alone", Some(1000), 0, 19),
        ];
        for (name, focus, first, end) in cases {
            let s = around_focus(window, 1000, 40.0, focus, 8);
            assert_eq!((s.first, s.end), (first, end), "{name}");
            assert_eq!(s.before, first as f64 * 40.0, "{name}: space before");
            assert_eq!(s.after, (1000 - end) as f64 * 40.0, "{name}: space after");
        }
        // Scrolled to the middle, a focus above the window widens it upwards.
        let middle = slice(1000, 40.0, 4000.0, 400.0, 8);
        let s = around_focus(middle, 1000, 40.0, Some(85), 8);
        assert_eq!((s.first, s.end), (77, 119));
        // Near the end, the window stops at the last item.
        let end = slice(1000, 40.0, 39_600.0, 400.0, 8);
        let s = around_focus(end, 1000, 40.0, Some(999), 8);
        assert_eq!((s.first, s.end, s.after), (982, 1000, 0.0));
    }
}
