//! One pass over the bytes that matter (strings, comments, brackets, continuations, indentation),
//! no syntax tree: a line-for-line port of `scanPythonImports` in src/lang/python/imports.ts,
//! working on UTF-8 bytes where the TypeScript works on UTF-16 code units. Every byte of a
//! non-ASCII character is above 127, as every code unit of one is there, so each test of a
//! character gives the same answer.

use crate::parse::{parse_import, Name};
use crate::skip::{find_byte, spaces, to_stop};
use crate::text::{has_word, header_text, trim, utf16_prefix};

pub(crate) const TAB: u8 = 9;
pub(crate) const LF: u8 = 10;
const FF: u8 = 12;
pub(crate) const CR: u8 = 13;
pub(crate) const SPACE: u8 = 32;
pub(crate) const DQ: u8 = b'"';
pub(crate) const SQ: u8 = b'\'';
pub(crate) const BSL: u8 = b'\\';

pub struct Import {
    pub line: u32,
    pub from: bool,
    pub module: String,
    pub level: u32,
    pub names: Vec<Name>,
    pub lazy: bool,
    pub optional: bool,
    pub type_only: bool,
}

pub struct StrRef<'a> {
    pub callee: &'a [u8],
    pub value: &'a [u8],
    pub line: u32,
}

pub struct SyntaxError {
    pub line: u32,
    pub message: String,
}

pub struct Scan<'a> {
    pub imports: Vec<Import>,
    pub call_strings: Vec<StrRef<'a>>,
    pub assign_strings: Vec<StrRef<'a>>,
    pub errors: Vec<SyntaxError>,
    pub loc: u32,
}

pub struct Options {
    /// `None` when no callees were asked for (the TypeScript's `opts.callees` undefined).
    pub callees: Option<Vec<Vec<u8>>>,
    pub assignments: Option<Vec<Vec<u8>>>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kw {
    None,
    If,
    Import,
    From,
    Def,
    Class,
    Except,
    Try,
    Async,
    Other,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Def,
    Class,
    TypeCheck,
    Try,
    ExceptImport,
    Other,
}

struct Block {
    indent: i64,
    kind: Kind,
    try_id: i32,
}

fn keyword(w: &[u8]) -> Kw {
    match w {
        b"if" => Kw::If,
        b"import" => Kw::Import,
        b"from" => Kw::From,
        b"def" => Kw::Def,
        b"class" => Kw::Class,
        b"except" => Kw::Except,
        b"try" => Kw::Try,
        b"async" => Kw::Async,
        b"for" | b"finally" | b"elif" | b"else" | b"with" | b"while" => Kw::Other,
        _ => Kw::None,
    }
}

pub(crate) fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c > 127
}

pub(crate) fn find(s: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    // By its first byte, then the rest: comparing every window as a slice cost a call per byte.
    let mut i = from;
    while let Some(j) = find_byte(s, needle[0], i) {
        if s[j..].starts_with(needle) {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

fn is_type_checking_test(h: &str) -> bool {
    // `/^\(?\s*(?:typing\.|t\.|_typing\.)?TYPE_CHECKING\s*\)?$/` on the header after `if`.
    let mut t = h.strip_prefix('(').unwrap_or(h);
    t = t.trim_start_matches(crate::text::js_space);
    for prefix in ["typing.", "t.", "_typing."] {
        if let Some(rest) = t.strip_prefix(prefix) {
            if rest.starts_with("TYPE_CHECKING") {
                t = rest;
                break;
            }
        }
    }
    let Some(rest) = t.strip_prefix("TYPE_CHECKING") else {
        return false;
    };
    let rest = rest.trim_start_matches(crate::text::js_space);
    rest.is_empty() || rest == ")"
}

fn is_async_def(h: &str) -> bool {
    // `/^async\s+def\b/`
    let Some(rest) = h.strip_prefix("async") else {
        return false;
    };
    let after = rest.trim_start_matches(crate::text::js_space);
    if after.len() == rest.len() {
        return false;
    }
    after
        .strip_prefix("def")
        .is_some_and(|r| !r.chars().next().is_some_and(crate::text::js_word))
}

pub(crate) struct Scanner<'a, 'o> {
    pub(crate) s: &'a [u8],
    pub(crate) opts: &'o Options,
    imports: Vec<Import>,
    import_tries: Vec<Vec<i32>>,
    pub(crate) call_strings: Vec<StrRef<'a>>,
    pub(crate) assign_strings: Vec<StrRef<'a>>,
    pub(crate) errors: Vec<SyntaxError>,
    stack: Vec<Block>,
    import_try: Vec<i32>,
    try_at_indent: Vec<(i64, i32)>,
    try_count: i32,
    stmt_start: usize,
    stmt_line: u32,
    stmt_indent: i64,
    stmt_word: Kw,
    pub(crate) assign_word: &'a [u8],
    collecting: bool,
    header: bool,
    pub(crate) collect_strings: bool,
    pub(crate) str_lines: u32,
}

pub fn scan<'a>(s: &'a [u8], opts: &Options) -> Scan<'a> {
    let mut sc = Scanner {
        s,
        opts,
        imports: Vec::new(),
        import_tries: Vec::new(),
        call_strings: Vec::new(),
        assign_strings: Vec::new(),
        errors: Vec::new(),
        stack: Vec::new(),
        import_try: Vec::new(),
        try_at_indent: Vec::new(),
        try_count: 0,
        stmt_start: 0,
        stmt_line: 1,
        stmt_indent: 0,
        stmt_word: Kw::None,
        assign_word: &[],
        collecting: false,
        header: false,
        collect_strings: false,
        str_lines: 0,
    };
    let loc = sc.run();
    for (imp, tries) in sc.imports.iter_mut().zip(&sc.import_tries) {
        if tries.iter().any(|t| sc.import_try.contains(t)) {
            imp.optional = true;
        }
    }
    Scan {
        imports: sc.imports,
        call_strings: sc.call_strings,
        assign_strings: sc.assign_strings,
        errors: sc.errors,
        loc,
    }
}

impl<'a, 'o> Scanner<'a, 'o> {
    pub(crate) fn at(&self, i: usize) -> u8 {
        // Past the end reads as NUL: no test below compares with NUL, as none matches NaN there.
        self.s.get(i).copied().unwrap_or(0)
    }

    /// Whether a `TYPE_CHECKING` starts in the header (it may end past the colon, as the
    /// TypeScript's whole-file search allows).
    fn type_checking_in(&self, from: usize, to: usize) -> bool {
        const WORD: &[u8] = b"TYPE_CHECKING";
        let end = (to + WORD.len() - 1).min(self.s.len());
        find(&self.s[..end], WORD, from).is_some_and(|i| i < to)
    }

    fn finish_statement(&mut self, end: usize) {
        if self.collecting {
            self.handle_statement(end);
        }
        self.collecting = false;
        self.header = false;
        self.collect_strings = false;
        self.stmt_word = Kw::None;
    }

    fn handle_statement(&mut self, end: usize) {
        if self.stmt_word != Kw::Import && self.stmt_word != Kw::From {
            return;
        }
        let raw = String::from_utf8_lossy(&self.s[self.stmt_start..end]);
        let messy = raw.contains(['#', '\\', '(', ')', '\r', '\n']);
        let clean = if messy {
            let t = crate::text::drop_continuations(&crate::text::drop_comments(&raw));
            let t: String = t
                .chars()
                .map(|c| {
                    if matches!(c, '(' | ')' | '\r' | '\n') {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            trim(&t).to_string()
        } else {
            trim(&raw).to_string()
        };
        let Some(p) = parse_import(&clean) else {
            self.errors.push(SyntaxError {
                line: self.stmt_line,
                message: format!("cannot read import statement: {}", utf16_prefix(&clean, 60)),
            });
            return;
        };
        let (mut lazy, mut type_only, mut optional) = (false, false, false);
        let mut tries = Vec::new();
        for b in &self.stack {
            match b.kind {
                Kind::Def => lazy = true,
                Kind::TypeCheck => type_only = true,
                Kind::ExceptImport => optional = true,
                Kind::Try => tries.push(b.try_id),
                Kind::Class | Kind::Other => {}
            }
        }
        self.imports.push(Import {
            line: self.stmt_line,
            from: p.from,
            module: p.module,
            level: p.level,
            names: p.names,
            lazy,
            optional,
            type_only,
        });
        self.import_tries.push(tries);
    }

    fn open_block(&mut self, colon: usize) {
        let mut kind = Kind::Other;
        let mut try_id = -1;
        let header = &self.s[self.stmt_start..colon];
        match self.stmt_word {
            Kw::Def => kind = Kind::Def,
            Kw::Class => kind = Kind::Class,
            Kw::Async if is_async_def(&header_text(header)) => kind = Kind::Def,
            Kw::If
                if self.type_checking_in(self.stmt_start, colon)
                    && is_type_checking_test(trim(header_text(header).get(2..).unwrap_or(""))) =>
            {
                kind = Kind::TypeCheck
            }
            Kw::Try => {
                try_id = self.try_count;
                self.try_count += 1;
                kind = Kind::Try;
                let indent = self.stmt_indent;
                match self.try_at_indent.iter_mut().find(|(i, _)| *i == indent) {
                    Some(e) => e.1 = try_id,
                    None => self.try_at_indent.push((indent, try_id)),
                }
            }
            Kw::Except => {
                let indent = self.stmt_indent;
                if let Some(&(_, id)) = self.try_at_indent.iter().find(|(i, _)| *i == indent) {
                    if find(header, b"Error", 0).is_some() {
                        let h = header_text(header);
                        if has_word(&h, "ImportError") || has_word(&h, "ModuleNotFoundError") {
                            self.import_try.push(id);
                            kind = Kind::ExceptImport;
                        }
                    }
                }
            }
            _ => {}
        }
        self.stack.push(Block {
            indent: self.stmt_indent,
            kind,
            try_id,
        });
    }

    fn begin_statement(&mut self, p: usize, ln: u32, indent: i64, virt: bool) {
        if !virt {
            while self.stack.last().is_some_and(|b| b.indent >= indent) {
                self.stack.pop();
            }
            self.stmt_indent = indent;
        }
        self.stmt_start = p;
        self.stmt_line = ln;
        let s = self.s;
        let mut e = p;
        while e < s.len() && is_ident(s[e]) {
            e += 1;
        }
        self.stmt_word = keyword(&s[p..e]);
        self.collecting = self.stmt_word == Kw::Import || self.stmt_word == Kw::From;
        self.header =
            self.stmt_word != Kw::None && !self.collecting && !(e < s.len() && s[e] == b'=');
        self.collect_strings = false;
        if let Some(assignments) = &self.opts.assignments {
            if !virt
                && self.stack.is_empty()
                && self.stmt_word == Kw::None
                && e > p
                && assignments.iter().any(|a| a.as_slice() == &s[p..e])
            {
                self.assign_word = &s[p..e];
                self.collect_strings = true;
            }
        }
    }

    /// After `;` or a header's `:`, what follows on the same line starts a statement of its own.
    fn rest_of_line(&mut self, mut pos: usize, line: u32) -> usize {
        let s = self.s;
        while pos < s.len() && (s[pos] == SPACE || s[pos] == TAB) {
            pos += 1;
        }
        let d = self.at(pos);
        if pos < s.len() && d != LF && d != CR && d != b'#' {
            self.begin_statement(pos, line, 0, true);
        }
        pos
    }

    /// Returns the number of non-blank, non-comment lines.
    fn run(&mut self) -> u32 {
        let s = self.s;
        let n = s.len();
        // A UTF-8 byte order mark is not part of the first line, for Python as here.
        let mut pos = if s.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
        let mut line: u32 = 1;
        let mut depth: u32 = 0;
        let mut at_line_start = true;
        let mut loc: u32 = 0;
        let mut last_loc_line: u32 = 0;
        while pos < n {
            if at_line_start {
                let start = pos;
                pos = spaces(s, pos);
                let mut col = (pos - start) as i64;
                let mut c = 0;
                while pos < n {
                    c = s[pos];
                    if c == SPACE {
                        col += 1;
                    } else if c == TAB {
                        col = (col & !7) + 8;
                    } else if c == FF {
                        col = 0;
                    } else {
                        break;
                    }
                    pos += 1;
                }
                if pos >= n {
                    break;
                }
                if c == LF || c == CR {
                    if c == CR && self.at(pos + 1) == LF {
                        pos += 1;
                    }
                    pos += 1;
                    line += 1;
                    continue;
                }
                if c == b'#' {
                    pos = find_byte(s, LF, pos).unwrap_or(n);
                    continue;
                }
                if c == BSL && (self.at(pos + 1) == LF || self.at(pos + 1) == CR) {
                    pos += if self.at(pos + 1) == CR && self.at(pos + 2) == LF {
                        3
                    } else {
                        2
                    };
                    line += 1;
                    continue;
                }
                at_line_start = false;
                self.begin_statement(pos, line, col, false);
                if last_loc_line != line {
                    loc += 1;
                    last_loc_line = line;
                }
            }
            pos = to_stop(s, pos);
            if pos >= n {
                break;
            }
            let c = s[pos];
            match c {
                b'#' => pos = find_byte(s, LF, pos).unwrap_or(n),
                LF => {
                    if depth == 0 {
                        if self.collecting {
                            self.finish_statement(pos);
                        } else {
                            self.header = false;
                            self.collect_strings = false;
                            self.stmt_word = Kw::None;
                        }
                        at_line_start = true;
                    }
                    pos += 1;
                    line += 1;
                    if !at_line_start && self.at(pos) != LF && last_loc_line != line {
                        loc += 1;
                        last_loc_line = line;
                    }
                }
                BSL => {
                    if self.at(pos + 1) == LF {
                        pos += 2;
                        line += 1;
                    } else if self.at(pos + 1) == CR && self.at(pos + 2) == LF {
                        pos += 3;
                        line += 1;
                    } else {
                        pos += 1;
                    }
                }
                b'(' | b'[' | b'{' => {
                    depth += 1;
                    pos += 1;
                }
                b')' | b']' | b'}' => {
                    if depth == 0 {
                        self.errors.push(SyntaxError {
                            line,
                            message: format!("unmatched '{}'", c as char),
                        });
                    } else {
                        depth -= 1;
                    }
                    pos += 1;
                }
                b';' => {
                    if depth == 0 {
                        self.finish_statement(pos);
                        pos = self.rest_of_line(pos + 1, line);
                    } else {
                        pos += 1;
                    }
                }
                b':' => {
                    if depth == 0 && self.header && self.at(pos + 1) != b'=' {
                        self.open_block(pos);
                        self.collecting = false;
                        self.header = false;
                        // A body on the header's own line lives inside the block just opened.
                        pos = self.rest_of_line(pos + 1, line);
                    } else {
                        pos += 1;
                    }
                }
                SQ | DQ => {
                    self.str_lines = 0;
                    pos = self.skip_string(pos, c, line);
                    line += self.str_lines;
                }
                _ => pos += 1,
            }
        }
        if depth > 0 {
            self.errors.push(SyntaxError {
                line,
                message: "unclosed bracket at end of file".to_string(),
            });
        } else {
            self.finish_statement(n);
        }
        loc
    }
}
