//! A small C lexer for kernel sources: identifiers, punctuation and literals with their line
//! numbers; comments dropped; each preprocessor directive one token of its own (continuation
//! lines joined, comments removed), so that a parser sees the `#if` structure in order.

/// What a [`Token`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `[A-Za-z_][A-Za-z0-9_]*`
    Ident,
    /// One punctuation character (`(`, `*`, `,`, `{`, ...).
    Punct,
    /// A number, string or character literal.
    Literal,
    /// A whole preprocessor directive, without the `#`, e.g. `define sys_x sys_y`.
    Directive,
}

/// One token: its kind, its text (a slice of the source, or the cleaned directive) and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub kind: Kind,
    pub text: std::borrow::Cow<'a, str>,
    pub line: u32,
}

impl Token<'_> {
    /// Whether this is the punctuation character `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.len() == 1 && self.text.starts_with(c)
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Skips a `/* */` comment starting at `i` (which points at `/`); returns the index after it
/// and adds the newlines it spans to `line`.
fn skip_block_comment(b: &[u8], mut i: usize, line: &mut u32) -> usize {
    i += 2;
    while i < b.len() {
        if b[i] == b'\n' {
            *line += 1;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            return i + 2;
        }
        i += 1;
    }
    i
}

/// Skips a string or character literal starting at `i` (the quote); returns the index after it.
/// An unterminated literal ends at the end of the line (as the kernel's `.S` files sometimes
/// contain a lone `'` in an assembler comment).
fn skip_literal(b: &[u8], mut i: usize) -> usize {
    let quote = b[i];
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'\n' => return i,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    i.min(b.len())
}

/// Reads the directive starting at `i` (the `#`): returns its cleaned text and the index of the
/// newline that ends it, adding continuation lines to `line`.
fn read_directive(b: &[u8], mut i: usize, line: &mut u32) -> (String, usize) {
    let mut out = Vec::new();
    i += 1;
    while i < b.len() {
        match b[i] {
            b'\n' => break,
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                *line += 1;
                out.push(b' ');
                i += 2;
            }
            b'\\' if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') => {
                *line += 1;
                out.push(b' ');
                i += 3;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = skip_block_comment(b, i, line);
                out.push(b' ');
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                let end = skip_literal(b, i);
                out.extend_from_slice(&b[i..end]);
                i = end;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    let text = String::from_utf8_lossy(&out);
    (normalise_space(&text), i)
}

/// Collapses runs of whitespace to one space and trims.
pub fn normalise_space(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits C source into tokens. Never fails: bytes it does not know become punctuation.
pub fn tokenize(src: &str) -> Vec<Token<'_>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1u32;
    let mut line_start = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b'\n' => {
                line += 1;
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b'\x0c' | b'\x0b' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                line += 1;
                i += 2;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => i = skip_block_comment(b, i, &mut line),
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'#' if line_start => {
                let start_line = line;
                let (text, end) = read_directive(b, i, &mut line);
                out.push(Token {
                    kind: Kind::Directive,
                    text: text.into(),
                    line: start_line,
                });
                i = end;
            }
            b'"' | b'\'' => {
                let end = skip_literal(b, i);
                out.push(Token {
                    kind: Kind::Literal,
                    text: src.get(i..end).unwrap_or("").into(),
                    line,
                });
                line_start = false;
                i = end;
            }
            _ if is_ident_start(c) => {
                let start = i;
                while i < b.len() && is_ident_char(b[i]) {
                    i += 1;
                }
                out.push(Token {
                    kind: Kind::Ident,
                    text: src[start..i].into(),
                    line,
                });
                line_start = false;
            }
            _ if c.is_ascii_digit() => {
                let start = i;
                while i < b.len() && (is_ident_char(b[i]) || b[i] == b'.') {
                    i += 1;
                }
                out.push(Token {
                    kind: Kind::Literal,
                    text: src[start..i].into(),
                    line,
                });
                line_start = false;
            }
            _ => {
                // One character; a multi-byte UTF-8 character is kept whole.
                let len = src[i..].chars().next().map_or(1, char::len_utf8);
                out.push(Token {
                    kind: Kind::Punct,
                    text: src[i..i + len].into(),
                    line,
                });
                line_start = false;
                i += len;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, String, u32)> {
        tokenize(src)
            .into_iter()
            .map(|t| (t.kind, t.text.into_owned(), t.line))
            .collect()
    }

    #[test]
    fn comments_go_lines_stay() {
        let t = kinds("a /* x\n y */ b // c\nd");
        assert_eq!(
            t,
            vec![
                (Kind::Ident, "a".into(), 1),
                (Kind::Ident, "b".into(), 2),
                (Kind::Ident, "d".into(), 3)
            ]
        );
    }

    #[test]
    fn directives_are_one_token_with_continuations_joined() {
        let t = kinds("  #  define sys_a \\\n   sys_b /* why */\nx '#' \"a#b\"");
        assert_eq!(t[0], (Kind::Directive, "define sys_a sys_b".into(), 1));
        assert_eq!(t[1], (Kind::Ident, "x".into(), 3));
        assert_eq!(t[2].0, Kind::Literal);
        assert_eq!(t[3], (Kind::Literal, "\"a#b\"".into(), 3));
    }

    #[test]
    fn hash_inside_a_line_is_punctuation() {
        let t = kinds("mov r0, #1");
        assert!(t.iter().any(|t| t.0 == Kind::Punct && t.1 == "#"));
    }

    #[test]
    fn unterminated_quote_stops_at_the_line_end() {
        let t = kinds("don't\nnext");
        assert_eq!(t.last().unwrap(), &(Kind::Ident, "next".into(), 2));
    }
}
