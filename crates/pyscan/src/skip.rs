//! The scanner's three skips over bytes that cannot change its state, sixteen bytes at a time
//! where the target has WebAssembly SIMD: most of a file is skipped here, and a cold engine runs
//! a byte loop several times slower than compiled native code would.

/// The bytes that may change the scanner's state outside strings.
const fn stops() -> [bool; 256] {
    let mut t = [false; 256];
    let s = b"#'\"()[]{}\\\n;:";
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
}
static STOP: [bool; 256] = stops();

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod wide {
    use core::arch::wasm32::*;

    #[inline(always)]
    fn load(s: &[u8], i: usize) -> v128 {
        debug_assert!(i + 16 <= s.len());
        // In bounds: every caller checks i + 16 <= s.len().
        unsafe { v128_load(s.as_ptr().add(i) as *const v128) }
    }

    /// The first position from `i` whose byte `hit` marks, looked for 16 bytes at a time.
    #[inline(always)]
    pub fn first(s: &[u8], mut i: usize, hit: impl Fn(v128) -> v128) -> usize {
        while i + 16 <= s.len() {
            let m = hit(load(s, i));
            if v128_any_true(m) {
                return i + i8x16_bitmask(m).trailing_zeros() as usize;
            }
            i += 16;
        }
        i
    }

    #[inline(always)]
    fn range(v: v128, lo: u8, len: u8) -> v128 {
        u8x16_lt(u8x16_sub(v, u8x16_splat(lo)), u8x16_splat(len))
    }

    /// `\n " # ' ( ) : ; [ \ ] { }` as ranges: 0x22-0x23, 0x27-0x29, 0x3A-0x3B, 0x5B-0x5D.
    #[inline(always)]
    pub fn stop(v: v128) -> v128 {
        let a = v128_or(u8x16_eq(v, u8x16_splat(b'\n')), range(v, 0x22, 2));
        let b = v128_or(range(v, 0x27, 3), range(v, 0x3A, 2));
        let c = v128_or(
            range(v, 0x5B, 3),
            v128_or(
                u8x16_eq(v, u8x16_splat(b'{')),
                u8x16_eq(v, u8x16_splat(b'}')),
            ),
        );
        v128_or(a, v128_or(b, c))
    }

    pub fn eq(b: u8) -> impl Fn(v128) -> v128 {
        let needle = u8x16_splat(b);
        move |v| u8x16_eq(v, needle)
    }

    pub fn not_space(v: v128) -> v128 {
        v128_not(u8x16_eq(v, u8x16_splat(b' ')))
    }

    pub fn string_end(quote: u8) -> impl Fn(v128) -> v128 {
        let (q, bs, lf) = (u8x16_splat(quote), u8x16_splat(b'\\'), u8x16_splat(b'\n'));
        move |v| v128_or(u8x16_eq(v, q), v128_or(u8x16_eq(v, bs), u8x16_eq(v, lf)))
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
use wide::{eq, first, not_space, stop, string_end};

/// Without SIMD the byte loops below do all the work.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod narrow {
    pub fn first<T>(_: &[u8], i: usize, _: T) -> usize {
        i
    }
    pub const fn stop() {}
    pub const fn not_space() {}
    pub const fn eq(b: u8) -> u8 {
        b
    }
    pub const fn string_end(quote: u8) -> u8 {
        quote
    }
}
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
use narrow::{eq, first, not_space, stop, string_end};

/// The first position from `i` holding a byte that may change the scanner's state, or the end.
pub fn to_stop(s: &[u8], i: usize) -> usize {
    let i = first(s, i, stop);
    i + s[i..]
        .iter()
        .position(|&b| STOP[b as usize])
        .unwrap_or(s.len() - i)
}

/// The first position from `i` holding `b`.
pub fn find_byte(s: &[u8], b: u8, from: usize) -> Option<usize> {
    if from >= s.len() {
        return None;
    }
    let i = first(s, from, eq(b));
    s[i..].iter().position(|&c| c == b).map(|k| k + i)
}

/// The first position from `i` that may end a one-line string: its quote, a backslash or a line break.
pub fn to_string_end(s: &[u8], i: usize, quote: u8) -> usize {
    let i = first(s, i, string_end(quote));
    i + s[i..]
        .iter()
        .position(|&b| b == quote || b == b'\\' || b == b'\n')
        .unwrap_or(s.len() - i)
}

/// The first position from `i` that is not a space: indentation is a good part of every file.
pub fn spaces(s: &[u8], i: usize) -> usize {
    let i = first(s, i, not_space);
    i + s[i..]
        .iter()
        .position(|&b| b != b' ')
        .unwrap_or(s.len() - i)
}
