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

/// The scroll state of a virtualized list in the element `container` (its own scroll box):
/// the slice to render for `count` items, and the `onscroll` handler to put on the container.
/// `height` is the expected item height; the height of the first rendered item marked
/// `data-row` replaces it once measured.
#[hook]
pub fn use_virtual(container: NodeRef, count: usize, height: f64) -> (Slice, Callback<Event>) {
    // (scroll top, viewport height, measured item height)
    let view = use_state(|| (0.0_f64, 800.0_f64, height));
    {
        let (container, view) = (container.clone(), view.clone());
        use_effect(move || {
            if let Some(el) = container.cast::<web_sys::HtmlElement>() {
                let viewport = el.client_height() as f64;
                let measured = el
                    .query_selector("[data-row]")
                    .ok()
                    .flatten()
                    .and_then(|r| r.dyn_into::<web_sys::HtmlElement>().ok())
                    .map(|r| r.get_bounding_client_rect().height())
                    .filter(|h| *h > 0.0)
                    .unwrap_or(view.2);
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
    (slice(count, height, scroll, viewport, OVERSCAN), onscroll)
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
}
