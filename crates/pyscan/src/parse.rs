//! `import a.b as c, d` and `from ..a import (b as c, d)`, comments and brackets already removed:
//! the rules of `parseImport` in src/lang/python/imports.ts, without its regular expressions.

use crate::text::{js_space, js_word, name_char, name_start, trim, without_spaces};

pub struct Name {
    pub name: String,
    pub asname: Option<String>,
}

pub struct Parsed {
    pub from: bool,
    pub module: String,
    pub level: u32,
    pub names: Vec<Name>,
}

/// `NAME`: one identifier.
fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(name_start) && cs.all(name_char)
}

/// `DOTTED`: identifiers joined by dots, with whitespace allowed around the dots.
fn is_dotted(s: &str) -> bool {
    let cs: Vec<char> = s.chars().collect();
    let mut i = 0;
    loop {
        if !cs.get(i).copied().is_some_and(name_start) {
            return false;
        }
        i += 1;
        while cs.get(i).copied().is_some_and(name_char) {
            i += 1;
        }
        if i == cs.len() {
            return true;
        }
        while cs.get(i).copied().is_some_and(js_space) {
            i += 1;
        }
        if cs.get(i) != Some(&'.') {
            return false;
        }
        i += 1;
        while cs.get(i).copied().is_some_and(js_space) {
            i += 1;
        }
    }
}

/// Whitespace-separated tokens with the byte offset where each starts.
fn tokens(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if js_space(c) {
            if let Some(st) = start.take() {
                out.push((st, &s[st..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// `^\s*(.+?)(?:\s+as\s+(\S+))?\s*$`: the shortest head wins, so an alias is taken whenever the
/// last two tokens are `as NAME` behind at least one other.
fn import_part(part: &str) -> Option<Name> {
    let t = part.trim_start_matches(js_space);
    if t.is_empty() {
        return None;
    }
    let toks = tokens(t);
    let (head, alias) = if toks.len() >= 3 && toks[toks.len() - 2].1 == "as" {
        let as_at = toks[toks.len() - 2].0;
        (
            t[..as_at].trim_end_matches(js_space),
            Some(toks[toks.len() - 1].1),
        )
    } else {
        (t.trim_end_matches(js_space), None)
    };
    if !is_dotted(head) || alias.is_some_and(|a| !is_name(a)) {
        return None;
    }
    Some(Name {
        name: without_spaces(head),
        asname: alias.map(str::to_string),
    })
}

/// `^\s*(\*|[^\s,]+)(?:\s+as\s+(\S+))?\s*$`
fn from_part(part: &str) -> Option<Name> {
    let toks = tokens(part);
    let (name, alias) = match toks.as_slice() {
        [(_, n)] => (*n, None),
        [(_, n), (_, "as"), (_, a)] => (*n, Some(*a)),
        _ => return None,
    };
    if (name != "*" && !is_name(name)) || alias.is_some_and(|a| !is_name(a)) {
        return None;
    }
    Some(Name {
        name: name.to_string(),
        asname: alias.map(str::to_string),
    })
}

/// Where `\s+import\b` matches at `at` (a whitespace character), the position after `import`.
fn space_import_at(cs: &[char], at: usize) -> Option<usize> {
    if !cs.get(at).copied().is_some_and(js_space) {
        return None;
    }
    let mut k = at;
    while cs.get(k).copied().is_some_and(js_space) {
        k += 1;
    }
    import_word_at(cs, k)
}

/// Where `import\b` matches at `k`, the position after it.
fn import_word_at(cs: &[char], k: usize) -> Option<usize> {
    let word: Vec<char> = "import".chars().collect();
    if cs.len() < k + 6 || cs[k..k + 6] != word[..] {
        return None;
    }
    if cs.get(k + 6).copied().is_some_and(js_word) {
        return None;
    }
    Some(k + 6)
}

pub fn parse_import(text: &str) -> Option<Parsed> {
    if let Some(rest) = text.strip_prefix("import") {
        if !rest.chars().next().is_some_and(js_space) {
            return None;
        }
        let names = rest
            .split(',')
            .map(import_part)
            .collect::<Option<Vec<_>>>()?;
        return Some(Parsed {
            from: false,
            module: names[0].name.clone(),
            level: 0,
            names,
        });
    }
    let cs: Vec<char> = text.chars().collect();
    if !text.starts_with("from") {
        return None;
    }
    let (dots, module, list) = from_clauses(&cs)?;
    let level = dots.iter().filter(|&&c| c == '.').count() as u32;
    let module = without_spaces(&module.iter().collect::<String>());
    if !module.is_empty() && !is_dotted(&module) {
        return None;
    }
    if module.is_empty() && level == 0 {
        return None;
    }
    let list: String = list.iter().collect();
    let list = trim(&list);
    // `.replace(/,\s*$/, "")`: one trailing comma goes.
    let list = match list.strip_suffix(',') {
        Some(l) => l,
        None => list,
    };
    if list.is_empty() {
        return None;
    }
    let names = list.split(',').map(from_part).collect::<Option<Vec<_>>>()?;
    Some(Parsed {
        from: true,
        module,
        level,
        names,
    })
}

/// The dots, the module and the name list of a `from` statement, as the two patterns
/// `^from\s*((?:\.\s*)*)([^\s.][^]*?)?\s+import\b\s*([^]*)$` and
/// `^from\s*((?:\.\s*)+)()import\b\s*([^]*)$` split it, backtracking included.
fn from_clauses(cs: &[char]) -> Option<(&[char], &[char], &[char])> {
    let mut p1 = 4;
    while cs.get(p1).copied().is_some_and(js_space) {
        p1 += 1;
    }
    let mut p2 = p1;
    while cs.get(p2) == Some(&'.') {
        p2 += 1;
        while cs.get(p2).copied().is_some_and(js_space) {
            p2 += 1;
        }
    }
    let list_from = |after: usize| {
        let mut k = after;
        while cs.get(k).copied().is_some_and(js_space) {
            k += 1;
        }
        &cs[k..]
    };
    // The module: from its first character to the first `\s+import\b` after it.
    if cs.get(p2).is_some_and(|&c| !js_space(c) && c != '.') {
        for e in p2 + 1..cs.len() {
            if let Some(after) = space_import_at(cs, e) {
                return Some((&cs[p1..p2], &cs[p2..e], list_from(after)));
            }
        }
    }
    // No module: `import` after the dots' trailing whitespace (`from . import x`).
    if p2 > p1 && js_space(cs[p2 - 1]) {
        let mut w = p2;
        while w > p1 && js_space(cs[w - 1]) {
            w -= 1;
        }
        if let Some(after) = space_import_at(cs, w) {
            return Some((&cs[p1..w], &[], list_from(after)));
        }
    }
    // (`from import x` matches the first pattern with neither dots nor module: refused all the same.)
    // The second pattern: `import` right after the dots (`from .import x`).
    if p2 > p1 {
        if let Some(after) = import_word_at(cs, p2) {
            return Some((&cs[p1..p2], &[], list_from(after)));
        }
    }
    None
}
