//! The heap allocator of the npm package's wasm module: blocks in power-of-two size classes
//! (16 bytes to 2 GiB), each class with a list of its freed blocks, carved from memory the module
//! grows page by page. A freed block goes back to its class and is handed out again by the next
//! request of that class, so memory stays flat under a steady load; blocks are never split or
//! merged (at most half of a block goes unused). The module runs on one thread: the allocator
//! keeps its state in `Cell`s.

use core::alloc::{GlobalAlloc, Layout};
use core::cell::Cell;
use core::ptr;

/// Bytes in a wasm memory page.
const PAGE: usize = 65_536;

/// The smallest block: room for the free list's link, at the alignment of any primitive.
const SMALLEST: usize = 16;

/// Size classes: 16 bytes (class 0) to 2 GiB (class 27).
const CLASSES: usize = 28;

/// The allocator: the head of each class's free list (0 for none; no block lives at address 0,
/// since every block comes from pages grown after the module's own), and the part of the grown
/// memory not handed out yet, `next..end`.
pub struct SizeClasses {
    free: [Cell<usize>; CLASSES],
    next: Cell<usize>,
    end: Cell<usize>,
}

// SAFETY: the npm module is built for wasm32 without the atomics feature, where there is one
// thread; nothing here is ever reached from two threads.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for SizeClasses {}

impl SizeClasses {
    /// An allocator with no memory of its own yet.
    pub const fn new() -> SizeClasses {
        SizeClasses {
            free: [const { Cell::new(0) }; CLASSES],
            next: Cell::new(0),
            end: Cell::new(0),
        }
    }

    /// A fresh block of `size` bytes at `align` (both powers of two, `align` at least 16) from
    /// the memory not handed out yet, growing the memory when it is short; null when it cannot
    /// grow.
    fn carve(&self, size: usize, align: usize) -> *mut u8 {
        let align_up = |at: usize| at.checked_add(align - 1).map(|at| at & !(align - 1));
        let fits = |start: usize, end: usize| start.checked_add(size).filter(|stop| *stop <= end);
        let mut start = align_up(self.next.get());
        if start
            .and_then(|start| fits(start, self.end.get()))
            .is_none()
        {
            let Some(pages) = size.checked_add(align).map(|bytes| bytes.div_ceil(PAGE)) else {
                return ptr::null_mut();
            };
            let old = core::arch::wasm32::memory_grow(0, pages);
            let (Some(base), Some(grown)) = (old.checked_mul(PAGE), pages.checked_mul(PAGE)) else {
                return ptr::null_mut();
            };
            // Memory grown to the full 4 GiB ends one past the last address a 32-bit `usize` holds.
            let end = base.saturating_add(grown);
            // The new pages follow the old end only when nothing else grew the memory between.
            if base != self.end.get() {
                start = align_up(base);
            }
            self.end.set(end);
        }
        match start.and_then(|start| fits(start, self.end.get()).map(|stop| (start, stop))) {
            Some((start, stop)) => {
                self.next.set(stop);
                start as *mut u8
            }
            None => ptr::null_mut(),
        }
    }
}

impl Default for SizeClasses {
    fn default() -> Self {
        SizeClasses::new()
    }
}

/// The class of a layout and the size of its blocks; `None` beyond 2 GiB.
fn class_of(layout: Layout) -> Option<(usize, usize)> {
    let size = layout.size().max(layout.align()).max(SMALLEST);
    let block = size.checked_next_power_of_two()?;
    let class = (block.trailing_zeros() - SMALLEST.trailing_zeros()) as usize;
    (class < CLASSES).then_some((class, block))
}

// SAFETY: every block handed out is at least `layout.size()` bytes, aligned to `layout.align()`
// (a reused block only when its address is), and belongs to one caller until it comes back
// through `dealloc` with the same layout, which puts it in the same class it was carved for.
unsafe impl GlobalAlloc for SizeClasses {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some((class, block)) = class_of(layout) else {
            return ptr::null_mut();
        };
        let list = &self.free[class];
        // The first listed block at the layout's alignment: the head for the usual alignments
        // of 16 or less (every block is 16-aligned); a rarer, larger alignment walks the list,
        // so a block carved for it is found again once freed, and memory stays flat.
        let mut previous = 0;
        let mut current = list.get();
        while current != 0 {
            // SAFETY: a block on a free list is ours, at least 16 bytes, 16-aligned, and holds
            // the address of the next free block of its class in its first word.
            let next = unsafe { *(current as *const usize) };
            if current % layout.align() == 0 {
                if previous == 0 {
                    list.set(next);
                } else {
                    // SAFETY: `previous` is the listed block before `current`; its link now
                    // skips `current`.
                    unsafe { *(previous as *mut usize) = next };
                }
                return current as *mut u8;
            }
            previous = current;
            current = next;
        }
        self.carve(block, layout.align().max(SMALLEST))
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        let Some((class, _)) = class_of(layout) else {
            return;
        };
        let list = &self.free[class];
        // SAFETY: `block` came from `alloc` with this layout: at least 16 bytes, 16-aligned, and
        // no longer used by its caller, so its first word can hold the link.
        unsafe { *(block as *mut usize) = list.get() };
        list.set(block as usize);
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        // A size that stays in the block's class keeps the block.
        if class_of(new_layout).map(|(class, _)| class) == class_of(layout).map(|(class, _)| class)
        {
            return block;
        }
        // SAFETY: as `alloc`, then the caller's bytes copied before the old block is freed.
        unsafe {
            let moved = self.alloc(new_layout);
            if !moved.is_null() {
                ptr::copy_nonoverlapping(block, moved, layout.size().min(new_size));
                self.dealloc(block, layout);
            }
            moved
        }
    }
}
