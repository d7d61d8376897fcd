//! The WebAssembly face of the scanner. The host writes a file's bytes where `input` says, calls
//! `scan`, and reads the JSON that `output` points at; `options` sets the callees and assignments
//! whose strings are collected, for every scan after it.

#[cfg(target_arch = "wasm32")]
mod arena;
mod json;
mod parse;
pub mod scan;
mod skip;
mod strings;
mod text;

use scan::Options;

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ARENA: arena::Arena = arena::Arena::new();

/// What lives from one call to the next: everything else is gone at the next `input`.
struct State {
    input: &'static mut [u8],
    output: Vec<u8>,
    options: Options,
}

static mut STATE: Option<State> = None;

fn state() -> &'static mut State {
    // One thread: a WebAssembly instance is only ever entered by its host, one call at a time.
    #[allow(static_mut_refs)]
    unsafe {
        STATE.get_or_insert_with(|| State {
            input: &mut [],
            output: Vec::new(),
            options: Options {
                callees: None,
                assignments: None,
            },
        })
    }
}

/// A buffer of `len` bytes for the next input, valid until the next call. Frees the last scan.
#[no_mangle]
pub extern "C" fn input(len: u32) -> *mut u8 {
    let st = state();
    // The old output and input live in the arena being reset: forget them without freeing.
    core::mem::forget(core::mem::take(&mut st.output));
    #[cfg(target_arch = "wasm32")]
    ARENA.reset();
    st.input = new_input(len as usize);
    st.input.as_mut_ptr()
}

/// Room for the host to write into. Not zeroed in the WebAssembly build: zeroing a file's worth of
/// memory first cost a cold engine a byte loop over every file. The arena frees it at the next input.
#[cfg(target_arch = "wasm32")]
fn new_input(len: usize) -> &'static mut [u8] {
    let layout = core::alloc::Layout::from_size_align(len.max(1), 1).expect("input size");
    // SAFETY: a fresh allocation of `len` bytes; u8 has no invalid values, and the host writes
    // every byte that `scan` or `options` reads before calling them.
    unsafe { core::slice::from_raw_parts_mut(std::alloc::alloc(layout), len) }
}

#[cfg(not(target_arch = "wasm32"))]
fn new_input(len: usize) -> &'static mut [u8] {
    Vec::leak(vec![0u8; len])
}

fn names(list: &[u8]) -> Option<Vec<Vec<u8>>> {
    // A list is given as `=` then the names one per line; no `=` means the option is not set.
    let rest = list.strip_prefix(b"=")?;
    Some(
        rest.split(|&b| b == b'\n')
            .filter(|n| !n.is_empty())
            .map(<[u8]>::to_vec)
            .collect(),
    )
}

/// The input holds the callees, a NUL, then the assignments. They are kept for every later scan.
#[no_mangle]
pub extern "C" fn options(len: u32) {
    let st = state();
    let text = &st.input[..len as usize];
    let (callees, assignments) = match text.iter().position(|&b| b == 0) {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text, &[][..]),
    };
    // Options set before are left where they are: a few bytes, set once per run.
    core::mem::forget(core::mem::replace(
        &mut st.options,
        Options {
            callees: names(callees),
            assignments: names(assignments),
        },
    ));
    #[cfg(target_arch = "wasm32")]
    ARENA.keep();
}

/// Scans the first `len` bytes of the input; returns the length of the JSON at `output`.
#[no_mangle]
pub extern "C" fn scan(len: u32) -> u32 {
    let st = state();
    let result = scan::scan(&st.input[..len as usize], &st.options);
    let mut out = Vec::with_capacity(st.input.len() / 8 + 256);
    json::write(&mut out, &result);
    // The result's vectors stay in the arena until the next input; the output is the last allocation and grows in place.
    core::mem::forget(result);
    st.output = out;
    st.output.len() as u32
}

#[no_mangle]
pub extern "C" fn output() -> *const u8 {
    state().output.as_ptr()
}
