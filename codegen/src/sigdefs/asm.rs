//! Reads one assembler source (`.S`) into the entry points it defines and the functions each
//! one refers to, so that a wrapper such as arm's `sys_rt_sigreturn_wrapper` (which jumps to
//! `sys_rt_sigreturn`) can be traced to the C definition whose parameters it passes on.
//! Also records `#define a b` aliases. Assembler macros (`.macro name args ... .endm`) are
//! expanded once, as parisc's `fork_like clone` makes `sys_clone_wrapper`.

use super::lex::{tokenize, Kind};
use super::{Alias, AsmEntry, FileItems};
use std::collections::BTreeMap;

/// Replaces every comment by spaces (keeping newlines, so line numbers stay).
fn blank_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            let end = src[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 2);
            out.extend(
                b[i..end]
                    .iter()
                    .map(|&c| if c == b'\n' { b'\n' } else { b' ' }),
            );
            i = end;
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                out.push(b' ');
                i += 1;
            }
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A `.macro`: its parameter names and body lines.
struct GasMacro {
    params: Vec<String>,
    body: Vec<String>,
}

/// The logical lines of the file, numbered, with assembler macros expanded in place.
fn logical_lines(src: &str) -> Vec<(u32, String)> {
    let mut macros: BTreeMap<String, GasMacro> = BTreeMap::new();
    let mut out = Vec::new();
    let mut current: Option<(String, GasMacro)> = None;
    for (n, line) in src.lines().enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let trimmed = line.trim();
        if let Some(rest) = trimmed.strip_prefix(".macro") {
            let mut words = rest
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty());
            if let Some(name) = words.next() {
                let params = words
                    .map(|w| w.split(['=', ':']).next().unwrap_or(w).to_string())
                    .collect();
                current = Some((
                    name.to_string(),
                    GasMacro {
                        params,
                        body: Vec::new(),
                    },
                ));
            }
            continue;
        }
        if trimmed.starts_with(".endm") {
            if let Some((name, m)) = current.take() {
                macros.insert(name, m);
            }
            continue;
        }
        if let Some((_, m)) = current.as_mut() {
            m.body.push(line.to_string());
            continue;
        }
        let first = trimmed
            .split(|c: char| c.is_whitespace() || c == ',')
            .next()
            .unwrap_or("");
        if let Some(m) = macros.get(first) {
            let args: Vec<&str> = trimmed[first.len()..]
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .collect();
            for body in &m.body {
                let mut text = body.clone();
                for (p, a) in m.params.iter().zip(&args) {
                    text = text.replace(&format!("\\{p}"), a);
                }
                out.push((line_no, text.replace("\\()", "")));
            }
            continue;
        }
        out.push((line_no, line.to_string()));
    }
    out
}

/// Whether a macro named `word` opens a symbol (`ENTRY`, `SYM_FUNC_START`, `LEAF`, ...).
fn opens_symbol(word: &str) -> bool {
    (word.contains("ENTRY") || word.contains("START") || word.contains("GLOBAL"))
        && !word.contains("END")
        || matches!(word, "LEAF" | "NESTED" | "FEXPORT" | "EXPORT")
}

/// Whether a macro named `word` closes a symbol (`END`, `ENDPROC`, `SYM_FUNC_END`, ...).
fn closes_symbol(word: &str) -> bool {
    word.starts_with("END") || word.contains("_END")
}

/// Parses one `.S` file. `file` is its path relative to the source root.
pub fn parse(src: &str, file: &str) -> FileItems {
    let mut items = FileItems::default();
    let arm_comments = file.starts_with("arch/arm/");
    let text = blank_comments(src);
    // Whether the current entry ended at an `END` (else it falls through into the next).
    let mut fallthrough = Vec::new();
    let mut current: Option<AsmEntry> = None;
    let finish = |current: &mut Option<AsmEntry>, items: &mut FileItems| {
        if let Some(e) = current.take() {
            items.asm.push(e);
        }
    };
    for (line, text) in logical_lines(&text) {
        let trimmed = text.trim_start();
        if let Some(directive) = trimmed.strip_prefix('#') {
            let words: Vec<&str> = directive.split_whitespace().collect();
            if let ["define", name, target] = words.as_slice() {
                let ident = |s: &str| s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if ident(name) && ident(target) && name.bytes().any(|b| b.is_ascii_lowercase()) {
                    items.aliases.push(Alias {
                        name: (*name).to_string(),
                        target: (*target).to_string(),
                        file: file.to_string(),
                        line,
                        conditions: Vec::new(),
                    });
                }
            }
            continue;
        }
        // `@` starts a comment on arm; elsewhere it decorates a symbol (`bl @sys_clone` on
        // arc, `foo@plt`) and is only punctuation.
        let code = if arm_comments {
            text.split('@').next().unwrap_or("")
        } else {
            &text
        };
        let tokens = tokenize(code);
        let Some(first) = tokens.first() else {
            continue;
        };
        if first.kind != Kind::Ident {
            continue;
        }
        let word = first.text.as_ref();
        // `name:` starts a symbol; so does `ENTRY(name)` and its kin.
        let opened = if tokens.get(1).is_some_and(|t| t.is_punct(':')) {
            Some(word.to_string())
        } else if opens_symbol(word) && tokens.get(1).is_some_and(|t| t.is_punct('(')) {
            tokens
                .get(2)
                .filter(|t| t.kind == Kind::Ident)
                .map(|t| t.text.to_string())
        } else {
            None
        };
        if let Some(symbol) = opened {
            if current.is_some() {
                fallthrough.push(true);
            }
            finish(&mut current, &mut items);
            current = Some(AsmEntry {
                symbol,
                calls: Vec::new(),
                file: file.to_string(),
                line,
                conditions: Vec::new(),
            });
            continue;
        }
        if closes_symbol(word) {
            if current.is_some() {
                fallthrough.push(false);
            }
            finish(&mut current, &mut items);
            continue;
        }
        if let Some(entry) = current.as_mut() {
            // Every identifier after the mnemonic may name the function jumped to.
            for t in &tokens[1..] {
                let s = t.text.as_ref();
                if t.kind == Kind::Ident
                    && s.len() > 3
                    && s.bytes().any(|b| b.is_ascii_lowercase())
                    && !entry.calls.iter().any(|c| c == s)
                    && s != entry.symbol
                {
                    entry.calls.push(s.to_string());
                }
            }
        }
    }
    if current.is_some() {
        fallthrough.push(false);
    }
    finish(&mut current, &mut items);
    // An entry that calls nothing before running on into the next label calls what that
    // label calls (sparc's `sys_fork:` is followed by the global `flush_patch_two:` before
    // its `call sparc_fork`).
    for i in (0..items.asm.len().saturating_sub(1)).rev() {
        if fallthrough.get(i) == Some(&true) && items.asm[i].calls.is_empty() {
            let next = items.asm[i + 1].calls.clone();
            let entry = &mut items.asm[i];
            for c in next {
                if !entry.calls.contains(&c) && c != entry.symbol {
                    entry.calls.push(c);
                }
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrappers_and_their_calls() {
        let src = "/* entry code */\n\
                   sys_foo_wrapper:\n\
                   \t\tadd\tr0, sp, #8\t\t@ no restart\n\
                   \t\tb\tsys_foo\n\
                   ENDPROC(sys_foo_wrapper)\n\
                   ENTRY(__sys_bar)\n\
                   \tjsr\tbar_impl // comment sys_not_this\n\
                   END(__sys_bar)\n\
                   #define sys_mmap2\tsys_mmap_pgoff\n";
        let items = parse(src, "arch/arm/kernel/entry-common.S");
        assert_eq!(items.asm.len(), 2);
        assert_eq!(items.asm[0].symbol, "sys_foo_wrapper");
        assert_eq!(items.asm[0].calls, ["sys_foo"]);
        assert_eq!(items.asm[0].line, 2);
        assert_eq!(items.asm[1].symbol, "__sys_bar");
        assert_eq!(items.asm[1].calls, ["bar_impl"]);
        assert_eq!(items.aliases[0].name, "sys_mmap2");
        assert_eq!(items.aliases[0].target, "sys_mmap_pgoff");
    }

    #[test]
    fn labels_fall_through_and_at_signs_decorate_off_arm() {
        let src = "\t.globl\tsys_fork, patch_two\nsys_fork:\n\tmov\t%o7, %l5\npatch_two:\n\
                   \tcall\tfoo_fork\n\tnop\nENTRY(sys_clone_wrapper)\n\tbl  @sys_clone\nEND(sys_clone_wrapper)\n";
        let items = parse(src, "arch/foo/kernel/entry.S");
        let fork = items.asm.iter().find(|e| e.symbol == "sys_fork").unwrap();
        assert_eq!(fork.calls, ["foo_fork"]);
        let clone = items
            .asm
            .iter()
            .find(|e| e.symbol == "sys_clone_wrapper")
            .unwrap();
        assert_eq!(clone.calls, ["sys_clone"]);
    }

    #[test]
    fn assembler_macros_expand() {
        let src = "\t.macro\tforky name\nENTRY_CFI(sys_\\name\\()_wrapper)\n\
                   \tldil\tL%sys_\\name, %r31\nENDPROC_CFI(sys_\\name\\()_wrapper)\n\t.endm\n\
                   forky clone\nforky fork\n";
        let items = parse(src, "arch/foo/kernel/entry.S");
        let got: Vec<(&str, &[String], u32)> = items
            .asm
            .iter()
            .map(|e| (e.symbol.as_str(), e.calls.as_slice(), e.line))
            .collect();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "sys_clone_wrapper");
        assert_eq!(got[0].1, ["sys_clone"]);
        assert_eq!(got[0].2, 6);
        assert_eq!(got[1].0, "sys_fork_wrapper");
    }
}
