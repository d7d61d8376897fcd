//! The scan as the JSON of `PyScan` in src/lang/python/imports.ts, so that one `JSON.parse` on the
//! JavaScript side builds every object.

use crate::scan::{Import, Scan, StrRef};

fn string(out: &mut Vec<u8>, s: &[u8]) {
    out.push(b'"');
    for &b in s {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..=0x1f => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 15) as usize]);
            }
            // Bytes that are not UTF-8 stay as they are: the decoder on the other side replaces
            // them as it replaces them when it reads the file itself.
            _ => out.push(b),
        }
    }
    out.push(b'"');
}

fn number(out: &mut Vec<u8>, mut n: u32) {
    // Digits by hand: the formatting machinery is a lot of code for a cold engine to run.
    let mut digits = [0u8; 10];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

fn bool(out: &mut Vec<u8>, b: bool) {
    out.extend_from_slice(if b { b"true" } else { b"false" });
}

/// `[a,b,…]`, each item written by `each`.
fn array<T>(out: &mut Vec<u8>, items: &[T], mut each: impl FnMut(&mut Vec<u8>, &T)) {
    out.push(b'[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        each(out, x);
    }
    out.push(b']');
}

fn str_ref(out: &mut Vec<u8>, r: &StrRef) {
    out.extend_from_slice(b"{\"callee\":");
    string(out, r.callee);
    out.extend_from_slice(b",\"value\":");
    string(out, r.value);
    out.extend_from_slice(b",\"line\":");
    number(out, r.line);
    out.push(b'}');
}

fn import(out: &mut Vec<u8>, imp: &Import) {
    out.extend_from_slice(b"{\"line\":");
    number(out, imp.line);
    out.extend_from_slice(if imp.from {
        b",\"kind\":\"from\",\"module\":" as &[u8]
    } else {
        b",\"kind\":\"import\",\"module\":"
    });
    string(out, imp.module.as_bytes());
    out.extend_from_slice(b",\"level\":");
    number(out, imp.level);
    out.extend_from_slice(b",\"names\":");
    array(out, &imp.names, |out, n| {
        out.extend_from_slice(b"{\"name\":");
        string(out, n.name.as_bytes());
        if let Some(a) = &n.asname {
            out.extend_from_slice(b",\"asname\":");
            string(out, a.as_bytes());
        }
        out.push(b'}');
    });
    out.extend_from_slice(b",\"lazy\":");
    bool(out, imp.lazy);
    out.extend_from_slice(b",\"optional\":");
    bool(out, imp.optional);
    out.extend_from_slice(b",\"typeOnly\":");
    bool(out, imp.type_only);
    out.push(b'}');
}

pub fn write(out: &mut Vec<u8>, scan: &Scan) {
    out.extend_from_slice(b"{\"imports\":");
    array(out, &scan.imports, import);
    out.extend_from_slice(b",\"callStrings\":");
    array(out, &scan.call_strings, str_ref);
    out.extend_from_slice(b",\"assignStrings\":");
    array(out, &scan.assign_strings, str_ref);
    out.extend_from_slice(b",\"errors\":");
    array(out, &scan.errors, |out, e| {
        out.extend_from_slice(b"{\"line\":");
        number(out, e.line);
        out.extend_from_slice(b",\"message\":");
        string(out, e.message.as_bytes());
        out.push(b'}');
    });
    out.extend_from_slice(b",\"loc\":");
    number(out, scan.loc);
    out.push(b'}');
}
