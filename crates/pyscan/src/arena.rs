//! The allocator of the WebAssembly build: a bump pointer that each new input resets. A scan
//! makes many small strings and vectors that all die together when it ends, and a general
//! allocator's bookkeeping took a third of a scan's time in a cold engine.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32::{memory_grow, memory_size};
use core::cell::Cell;

const PAGE: usize = 65536;

pub struct Arena {
    /// Start of the part `reset` frees; 0 until first used.
    kept: Cell<usize>,
    /// The next free byte.
    top: Cell<usize>,
    /// The end of the memory.
    end: Cell<usize>,
}

// One thread: a WebAssembly instance is only ever entered by its host, one call at a time.
unsafe impl Sync for Arena {}

extern "C" {
    static __heap_base: u8;
}

impl Arena {
    pub const fn new() -> Self {
        Arena {
            kept: Cell::new(0),
            top: Cell::new(0),
            end: Cell::new(0),
        }
    }

    fn init(&self) {
        if self.end.get() == 0 {
            let base = unsafe { &__heap_base as *const u8 as usize };
            self.kept.set(base);
            self.top.set(base);
            self.end.set(memory_size(0) * PAGE);
        }
    }

    /// Frees everything allocated since the last `keep`.
    pub fn reset(&self) {
        self.init();
        self.top.set(self.kept.get());
    }

    /// What is allocated so far survives every later `reset`.
    pub fn keep(&self) {
        self.init();
        self.kept.set(self.top.get());
    }

    /// Makes the memory reach `end`; false when it cannot grow.
    fn reach(&self, end: usize) -> bool {
        if end > self.end.get() {
            let pages = (end - self.end.get()).div_ceil(PAGE);
            if memory_grow(0, pages) == usize::MAX {
                return false;
            }
            self.end.set(self.end.get() + pages * PAGE);
        }
        true
    }

    fn is_last(&self, ptr: *mut u8, size: usize) -> bool {
        ptr as usize + size == self.top.get() && ptr as usize >= self.kept.get()
    }
}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.init();
        let at = (self.top.get() + layout.align() - 1) & !(layout.align() - 1);
        if !self.reach(at + layout.size()) {
            return core::ptr::null_mut();
        }
        self.top.set(at + layout.size());
        at as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // The last allocation gives its room back at once: a string built, then dropped.
        if self.is_last(ptr, layout.size()) {
            self.top.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The last allocation grows in place: the output buffer, a string being built.
        if self.is_last(ptr, layout.size()) {
            if !self.reach(ptr as usize + new_size) {
                return core::ptr::null_mut();
            }
            self.top.set(ptr as usize + new_size);
            return ptr;
        }
        let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
        if !new.is_null() {
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
        }
        new
    }
}
