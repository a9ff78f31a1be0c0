//! The process's allocator: the system's, with large blocks laid out in transparent huge pages.
//!
//! A command runs once on one document, so the memory it touches is fresh: every 4 KiB page of the
//! input, the parse tree and the entry tables costs a page fault, and on virtual machines those
//! faults are most of what a 10,000-entry `validate` spends outside the validation itself. A block
//! of 1 MiB or more is aligned to and rounded up to whole 2 MiB pages and marked `MADV_HUGEPAGE`
//! before its first touch, so each 2 MiB of it is one fault. The advice is only a hint: where the
//! kernel has huge pages disabled, nothing changes but the alignment. Small blocks go to the system
//! allocator untouched.

use std::alloc::{GlobalAlloc, Layout, System};

/// Blocks at least this large are laid out in huge pages.
const LARGE: usize = 1 << 20;
/// The size of a transparent huge page on x86-64 and aarch64 (4 KiB base pages).
const HUGE_PAGE: usize = 2 << 20;

pub struct HugePageHint;

/// The layout a block of `layout` really gets: large blocks aligned to and rounded up to whole huge
/// pages. The same function decides for allocation and deallocation, so they always agree.
fn actual(layout: Layout) -> Layout {
    if layout.size() < LARGE {
        return layout;
    }
    layout
        .size()
        .checked_next_multiple_of(HUGE_PAGE)
        .and_then(|size| Layout::from_size_align(size, layout.align().max(HUGE_PAGE)).ok())
        .unwrap_or(layout)
}

// SAFETY: small blocks are forwarded to `System` unchanged; large blocks are allocated and freed
// by `System` with the one layout `actual` computes from the caller's layout, which is at least as
// large and as aligned as the caller asked for.
unsafe impl GlobalAlloc for HugePageHint {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let real = actual(layout);
        let block = System.alloc(real);
        if real != layout {
            advise(block, real.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let real = actual(layout);
        if real == layout {
            return System.alloc_zeroed(layout);
        }
        // Advised before the zeroing touches it (the system allocator zeroes over-aligned blocks
        // by writing them).
        let block = self.alloc(layout);
        if !block.is_null() {
            std::ptr::write_bytes(block, 0, layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        System.dealloc(block, actual(layout))
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return std::ptr::null_mut();
        };
        let (real_old, real_new) = (actual(layout), actual(new_layout));
        if real_old == layout && real_new == new_layout {
            return System.realloc(block, layout, new_size);
        }
        if real_old == real_new {
            // Still inside the huge pages it already has.
            return block;
        }
        let moved = self.alloc(new_layout);
        if !moved.is_null() {
            std::ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
            self.dealloc(block, layout);
        }
        moved
    }
}

/// Marks `[block, block + len)`, whole huge pages, as wanting huge pages.
#[cfg(target_os = "linux")]
fn advise(block: *mut u8, len: usize) {
    if block.is_null() {
        return;
    }
    // SAFETY: the range is a block this allocator just obtained; MADV_HUGEPAGE changes no
    // contents and fails harmlessly where unsupported.
    unsafe {
        libc::madvise(block.cast(), len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_block: *mut u8, _len: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_keep_their_contents_through_growth_and_shrinking() {
        // From a small block, across the threshold, over several huge pages, and back down.
        let mut bytes: Vec<u8> = Vec::new();
        let pattern = |i: usize| (i % 251) as u8;
        for round in 0..4 {
            let target = 7 * HUGE_PAGE / 2 * (round + 1) / 4 + 13;
            bytes.extend((bytes.len()..target).map(pattern));
            assert!(
                bytes.iter().enumerate().all(|(i, &b)| b == pattern(i)),
                "{round}"
            );
        }
        bytes.truncate(LARGE / 2);
        bytes.shrink_to_fit();
        assert!(bytes.iter().enumerate().all(|(i, &b)| b == pattern(i)));
    }

    #[test]
    fn large_blocks_are_whole_huge_pages_and_small_ones_are_left_alone() {
        let cases = [
            (1, 1, 1, 1),
            (LARGE - 1, 8, LARGE - 1, 8),
            (LARGE, 8, HUGE_PAGE, HUGE_PAGE),
            (HUGE_PAGE + 1, 16, 2 * HUGE_PAGE, HUGE_PAGE),
            (3 * HUGE_PAGE, 4 * HUGE_PAGE, 3 * HUGE_PAGE, 4 * HUGE_PAGE),
        ];
        for (size, align, real_size, real_align) in cases {
            let real = actual(Layout::from_size_align(size, align).unwrap());
            assert_eq!(
                (real.size(), real.align()),
                (real_size, real_align),
                "{size}/{align}"
            );
        }
    }

    #[test]
    fn zeroed_large_blocks_are_zero_and_aligned() {
        let zeros = vec![0u8; 3 * LARGE];
        assert!(zeros.iter().all(|&b| b == 0));
        assert_eq!(zeros.as_ptr() as usize % HUGE_PAGE, 0);
    }
}
