//! The `plumb` binary: everything is in the library's `cli` module.

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys::{mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned};
use libmimalloc_sys::{mi_zalloc, mi_zalloc_aligned};

/// mimalloc, not the system allocator: a check allocates many small, short-lived values
/// (YAML views, words, messages) and spent 15-18% of its time in glibc's malloc and free.
#[global_allocator]
static ALLOC: MiMalloc = MiMalloc;

/// The alignment every `mi_malloc` block has (mimalloc's `MI_MAX_ALIGN_SIZE`, as glibc's
/// `malloc` on x86-64 and aarch64).
const MIN_ALIGN: usize = 16;

/// mimalloc through its plain entry points when the block's natural alignment is enough, as
/// std's own `System` allocator decides: `mi_malloc_aligned` re-checks the alignment on
/// every call, and that was 4.6% of a check of 1,080 workflows.
struct MiMalloc;

fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: every pointer comes from mimalloc and goes back to it; a block is asked for with
// at least the layout's alignment (`plain` holds only where mimalloc's natural alignment is
// enough, else the aligned entry points are called).
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: mimalloc's malloc takes any size; see the impl's comment for alignment
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`
        unsafe {
            if plain(layout.align(), layout.size()) {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` was returned by one of mimalloc's entry points above
        unsafe { mi_free(ptr.cast::<c_void>()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from mimalloc; the new block keeps the layout's alignment
        unsafe {
            if plain(layout.align(), new_size) {
                mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        }
    }
}

fn main() -> std::process::ExitCode {
    plumb::cli::main()
}
