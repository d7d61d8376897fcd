//! Strings: where one ends, counted in lines, and the first strings of the calls and assignments
//! asked for. Part of the scanner in scan.rs, as skipString and its helpers are of imports.ts.

use crate::scan::{find, is_ident, Scanner, StrRef, SyntaxError, BSL, CR, DQ, LF, SPACE, SQ, TAB};
use crate::skip::to_string_end;

impl<'a, 'o> Scanner<'a, 'o> {
    /// Past the backslash at `i` and the character it escapes, a line break counted.
    fn escape(&mut self, i: usize) -> usize {
        if self.at(i + 1) == LF {
            self.str_lines += 1;
        }
        i + 2
    }

    pub(crate) fn unterminated(&mut self, line: u32) {
        self.errors.push(SyntaxError {
            line,
            message: "unterminated string literal".to_string(),
        });
    }

    /// Returns the position after the string that starts with the quote at `q`.
    pub(crate) fn skip_string(&mut self, q: usize, quote: u8, start_line: u32) -> usize {
        let s = self.s;
        let n = s.len();
        // Prefix letters (r, b, f, u in any case and order, at most two) decide raw/f-string.
        let mut p = q as i64 - 1;
        let mut fstr = false;
        while p >= 0 && q as i64 - p <= 2 {
            let ch = s[p as usize] | 32;
            if ch == b'f' {
                fstr = true;
            } else if ch != b'r' && ch != b'b' && ch != b'u' {
                break;
            }
            p -= 1;
        }
        if p >= 0 && p < q as i64 - 1 && is_ident(s[p as usize]) {
            fstr = false; // e.g. `elif"...` is not a prefix
        }
        let triple = self.at(q + 1) == quote && self.at(q + 2) == quote;
        let mut i = q + if triple { 3 } else { 1 };
        let body_start = i;
        if triple && !fstr {
            return self.skip_triple(q, quote, body_start, start_line);
        }
        if !triple && !fstr {
            return self.skip_line(q, quote, body_start, start_line);
        }
        let mut braces = 0;
        while i < n {
            let ch = s[i];
            if ch == BSL {
                i = self.escape(i);
                continue;
            }
            if ch == LF {
                if !triple && braces == 0 {
                    self.unterminated(start_line);
                    return i;
                }
                self.str_lines += 1;
                i += 1;
                continue;
            }
            if ch == b'{' {
                if braces == 0 && self.at(i + 1) == b'{' {
                    i += 2;
                    continue;
                }
                braces += 1;
                i += 1;
                continue;
            }
            if ch == b'}' && braces > 0 {
                braces -= 1;
                i += 1;
                continue;
            }
            if braces > 0 && (ch == SQ || ch == DQ) {
                // Python 3.12 lets replacement fields hold strings, even with the same quote.
                i = self.skip_string(i, ch, start_line + self.str_lines);
                continue;
            }
            if ch == quote && braces == 0 {
                if !triple {
                    return self.record_string(q, body_start, i, start_line, i + 1);
                }
                if self.at(i + 1) == quote && self.at(i + 2) == quote {
                    return self.record_string(q, body_start, i, start_line, i + 3);
                }
            }
            i += 1;
        }
        self.unterminated(start_line);
        n
    }

    /// A one-line string without replacement fields.
    pub(crate) fn skip_line(
        &mut self,
        q: usize,
        quote: u8,
        body_start: usize,
        start_line: u32,
    ) -> usize {
        let s = self.s;
        let n = s.len();
        let mut i = body_start;
        while i < n {
            i = to_string_end(s, i, quote);
            if i >= n {
                break;
            }
            let ch = s[i];
            if ch == BSL {
                i = self.escape(i);
                continue;
            }
            if ch == LF {
                self.unterminated(start_line);
                return i;
            }
            return self.record_string(q, body_start, i, start_line, i + 1);
        }
        self.unterminated(start_line);
        n
    }

    /// A triple-quoted string without replacement fields. A quote is escaped when an odd run of
    /// backslashes stands right before it.
    pub(crate) fn skip_triple(
        &mut self,
        q: usize,
        quote: u8,
        body_start: usize,
        start_line: u32,
    ) -> usize {
        let s = self.s;
        let close = [quote, quote, quote];
        let mut from = body_start;
        let mut end = None;
        while let Some(j) = find(s, &close, from) {
            let mut k = j;
            while k > body_start && s[k - 1] == BSL {
                k -= 1;
            }
            if (j - k) % 2 == 0 {
                end = Some(j);
                break;
            }
            from = j + 1;
        }
        let stop = end.unwrap_or(s.len());
        self.str_lines += s[body_start.min(stop)..stop]
            .iter()
            .filter(|&&c| c == LF)
            .count() as u32;
        match end {
            None => {
                self.unterminated(start_line);
                s.len()
            }
            Some(end) => self.record_string(q, body_start, end, start_line, end + 3),
        }
    }

    pub(crate) fn record_string(
        &mut self,
        q: usize,
        body_start: usize,
        body_end: usize,
        start_line: u32,
        after: usize,
    ) -> usize {
        let s = self.s;
        if self.collect_strings {
            self.assign_strings.push(StrRef {
                callee: self.assign_word,
                value: &s[body_start..body_end],
                line: start_line,
            });
        } else if let Some(callees) = &self.opts.callees {
            let mut p = q as i64 - 1;
            while p >= 0 && matches!(s[p as usize], SPACE | LF | TAB | CR) {
                p -= 1;
            }
            if p >= 0 && s[p as usize] == b'(' {
                let e = p as usize;
                p -= 1;
                while p >= 0 && (is_ident(s[p as usize]) || s[p as usize] == b'.') {
                    p -= 1;
                }
                let callee = &s[(p + 1) as usize..e];
                let last = match callee.iter().rposition(|&c| c == b'.') {
                    Some(d) => &callee[d + 1..],
                    None => callee,
                };
                if callees.iter().any(|c| c.as_slice() == last) {
                    self.call_strings.push(StrRef {
                        callee,
                        value: &s[body_start..body_end],
                        line: start_line,
                    });
                }
            }
        }
        after
    }
}
