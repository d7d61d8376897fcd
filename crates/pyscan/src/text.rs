//! The text rules of the TypeScript scanner's regular expressions, on decoded characters, so that
//! a statement's text is cleaned, trimmed and split exactly as JavaScript's `\s`, `trim()` and
//! `\b` do.

/// JavaScript's `\s` (and what `String.prototype.trim` removes).
pub fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r' | ' ' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

/// JavaScript's `\w`: ASCII only.
pub fn js_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A character of a Python name as the TypeScript scanner's patterns accept it (`[\w\u0080-\uffff]`).
pub fn name_char(c: char) -> bool {
    js_word(c) || c as u32 >= 0x80
}

pub fn name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c as u32 >= 0x80
}

pub fn trim(s: &str) -> &str {
    s.trim_matches(js_space)
}

/// `s.replace(/#[^\n]*/g, " ")`: a comment runs to the line break, which stays.
pub fn drop_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_comment = false;
    for c in s.chars() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                out.push(c);
            }
        } else if c == '#' {
            in_comment = true;
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// `s.replace(/\\\r?\n/g, " ")`.
pub fn drop_continuations(s: &str) -> String {
    let b: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == '\\' && b.get(i + 1) == Some(&'\n') {
            out.push(' ');
            i += 2;
        } else if b[i] == '\\' && b.get(i + 1) == Some(&'\r') && b.get(i + 2) == Some(&'\n') {
            out.push(' ');
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// `s.replace(/\s+/g, " ")`.
pub fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if js_space(c) {
            if !space {
                out.push(' ');
            }
            space = true;
        } else {
            out.push(c);
            space = false;
        }
    }
    out
}

/// `s.replace(/\s+/g, "")`.
pub fn without_spaces(s: &str) -> String {
    s.chars().filter(|&c| !js_space(c)).collect()
}

/// A compound statement's header, comments and line continuations removed, whitespace collapsed.
pub fn header_text(src: &[u8]) -> String {
    let s = String::from_utf8_lossy(src);
    trim(&collapse_spaces(&drop_continuations(&drop_comments(&s)))).to_string()
}

/// `/\bword\b/.test(s)`, JavaScript's ASCII word boundaries.
pub fn has_word(s: &str, word: &str) -> bool {
    let mut from = 0;
    while let Some(i) = s[from..].find(word) {
        let at = from + i;
        let before = s[..at].chars().next_back();
        let after = s[at + word.len()..].chars().next();
        if !before.is_some_and(js_word) && !after.is_some_and(js_word) {
            return true;
        }
        from = at + word.len();
    }
    false
}

/// The first `n` UTF-16 code units of `s` (JavaScript's `slice(0, n)`), never half a character.
pub fn utf16_prefix(s: &str, n: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > n {
            return &s[..i];
        }
    }
    s
}
