//! Just enough of each arch's configuration to choose between a syscall's alternative
//! definitions under `#if`: the Kconfig symbols the arch `select`s, and the `__ARCH_WANT_*`
//! macros its headers define. Conditions are evaluated three-valued: true, false, or unknown
//! (a user-chosen option such as `CONFIG_COMPAT`).

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// What an arch's Kconfig and headers say about its build, as far as the scan reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchConfig {
    /// Kconfig symbols the arch selects unconditionally (`select CLONE_BACKWARDS`).
    pub selects: BTreeSet<String>,
    /// Kconfig symbols the arch selects under a condition (`select X if Y`): unknown.
    pub maybe: BTreeSet<String>,
    /// `__ARCH_WANT_*` macros `#define`d in the arch's headers.
    pub wants: BTreeSet<String>,
    /// Promptless `bool` symbols of the generic `arch/Kconfig`, false unless selected.
    pub select_only: BTreeSet<String>,
}

impl ArchConfig {
    /// The value of a preprocessor identifier on this arch: `Some` when known.
    fn value(&self, ident: &str) -> Option<bool> {
        if let Some(sym) = ident.strip_prefix("CONFIG_") {
            if self.selects.contains(sym) {
                return Some(true);
            }
            if self.maybe.contains(sym) {
                return None;
            }
            return self.select_only.contains(sym).then_some(false);
        }
        if ident.starts_with("__ARCH_WANT_") {
            return Some(self.wants.contains(ident));
        }
        None
    }
}

/// Reads every arch's Kconfig files and headers under `src/arch`.
pub fn scan(src: &Path) -> Result<std::collections::BTreeMap<String, ArchConfig>> {
    let arch_dir = src.join("arch");
    let generic = std::fs::read_to_string(arch_dir.join("Kconfig")).unwrap_or_default();
    let select_only = promptless_bools(&generic);
    let mut out = std::collections::BTreeMap::new();
    let entries =
        std::fs::read_dir(&arch_dir).map_err(|e| Error::io("list folder", &arch_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list folder", &arch_dir, e))?;
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let mut config = ArchConfig {
            select_only: select_only.clone(),
            ..ArchConfig::default()
        };
        read_kconfigs(&entry.path(), &mut config)?;
        read_wants(&entry.path().join("include"), &mut config)?;
        out.insert(name, config);
    }
    Ok(out)
}

/// `config X` followed by a `bool` line without a prompt and no `default`.
fn promptless_bools(kconfig: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut current: Option<(String, bool, bool)> = None; // (name, promptless bool, has default)
    let mut flush = |c: &mut Option<(String, bool, bool)>| {
        if let Some((name, promptless, default)) = c.take() {
            if promptless && !default {
                out.insert(name);
            }
        }
    };
    for line in kconfig.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("config ") {
            flush(&mut current);
            current = Some((name.trim().to_string(), false, false));
        } else if let Some(c) = current.as_mut() {
            if t == "bool" {
                c.1 = true;
            } else if t.starts_with("default") || t.starts_with("def_bool") {
                c.2 = true;
            } else if t.starts_with("menu") || t.starts_with("endmenu") || t.starts_with("if ") {
                flush(&mut current);
            }
        }
    }
    flush(&mut current);
    out
}

fn read_kconfigs(dir: &Path, config: &mut ArchConfig) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("list folder", dir, e))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            if name != "include" && name != "boot" {
                read_kconfigs(&path, config)?;
            }
        } else if name.starts_with("Kconfig") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| Error::io("read Kconfig", &path, e))?;
            read_selects(&text, config);
        }
    }
    Ok(())
}

/// `select X` (always) and `select X if Y` (maybe) lines; the arch's top-level `config`
/// entry holds most of them. Selects from a sub-option are only as certain as the option,
/// so everything but the first `config` block of a file counts as maybe.
fn read_selects(text: &str, config: &mut ArchConfig) {
    let mut block = 0usize;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with("config ") || t.starts_with("menuconfig ") {
            block += 1;
        }
        let Some(rest) = t.strip_prefix("select ") else {
            continue;
        };
        let mut words = rest.split_whitespace();
        let Some(sym) = words.next() else { continue };
        let conditional = words.next().is_some();
        if conditional || block != 1 {
            if !config.selects.contains(sym) {
                config.maybe.insert(sym.to_string());
            }
        } else {
            config.maybe.remove(sym);
            config.selects.insert(sym.to_string());
        }
    }
}

fn read_wants(dir: &Path, config: &mut ArchConfig) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            read_wants(&path, config)?;
        } else if path.extension().is_some_and(|e| e == "h") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| Error::io("read header", &path, e))?;
            for line in text.lines() {
                let mut words = line.split_whitespace();
                if let (Some("#define"), Some(m)) = (words.next(), words.next()) {
                    if m.starts_with("__ARCH_WANT_") {
                        config.wants.insert(m.to_string());
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether all of `conditions` hold on an arch (`None`: unknown, or no configuration read).
pub fn holds(config: Option<&ArchConfig>, conditions: &[String]) -> Option<bool> {
    if conditions.is_empty() {
        return Some(true);
    }
    let config = config?;
    let mut all = Some(true);
    for c in conditions {
        all = and(all, eval(config, c));
        if all == Some(false) {
            break;
        }
    }
    all
}

fn and(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (Some(true), Some(true)) => Some(true),
        _ => None,
    }
}

fn or(a: Option<bool>, b: Option<bool>) -> Option<bool> {
    match (a, b) {
        (Some(true), _) | (_, Some(true)) => Some(true),
        (Some(false), Some(false)) => Some(false),
        _ => None,
    }
}

/// Evaluates one `#if` expression; anything it does not understand is unknown.
pub fn eval(config: &ArchConfig, expr: &str) -> Option<bool> {
    let tokens = tokens(expr);
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        config,
    };
    let v = p.or_expr();
    if p.pos == tokens.len() {
        v
    } else {
        None
    }
}

fn tokens(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(expr[s..i].to_string());
        } else if (c == b'&' || c == b'|') && b.get(i + 1) == Some(&c) {
            out.push(expr[i..i + 2].to_string());
            i += 2;
        } else {
            out.push((c as char).to_string());
            i += 1;
        }
    }
    out
}

struct Parser<'t> {
    tokens: &'t [String],
    pos: usize,
    config: &'t ArchConfig,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn or_expr(&mut self) -> Option<bool> {
        let mut v = self.and_expr();
        while self.peek() == Some("||") {
            self.pos += 1;
            let r = self.and_expr();
            v = or(v, r);
        }
        v
    }

    fn and_expr(&mut self) -> Option<bool> {
        let mut v = self.unary();
        while self.peek() == Some("&&") {
            self.pos += 1;
            let r = self.unary();
            v = and(v, r);
        }
        v
    }

    fn unary(&mut self) -> Option<bool> {
        match self.peek() {
            Some("!") => {
                self.pos += 1;
                self.unary().map(|v| !v)
            }
            Some("(") => {
                self.pos += 1;
                let v = self.or_expr();
                if self.peek() == Some(")") {
                    self.pos += 1;
                    v
                } else {
                    self.pos = self.tokens.len() + 1;
                    None
                }
            }
            Some("defined") | Some("IS_ENABLED") | Some("IS_BUILTIN") => {
                self.pos += 1;
                let paren = self.peek() == Some("(");
                if paren {
                    self.pos += 1;
                }
                let ident = self.peek().map(str::to_string);
                self.pos += 1;
                if paren {
                    if self.peek() != Some(")") {
                        self.pos = self.tokens.len() + 1;
                        return None;
                    }
                    self.pos += 1;
                }
                ident.and_then(|i| self.config.value(&i))
            }
            Some(t) if t.bytes().all(|b| b.is_ascii_digit()) => {
                let v = t != "0";
                self.pos += 1;
                Some(v)
            }
            Some(t) => {
                let t = t.to_string();
                self.pos += 1;
                // A comparison or arithmetic we do not model: skip its operands.
                if matches!(self.peek(), Some("=" | "<" | ">" | "+" | "-")) {
                    while !matches!(self.peek(), None | Some("&&" | "||" | ")")) {
                        self.pos += 1;
                    }
                    return None;
                }
                self.config.value(&t)
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ArchConfig {
        let mut c = ArchConfig::default();
        read_selects(
            "config FOO\n\tdef_bool y\n\tselect CLONE_BACKWARDS\n\tselect HAVE_X if BAR\n\
             config SUB\n\tselect ONLY_MAYBE\n",
            &mut c,
        );
        c.wants.insert("__ARCH_WANT_SYS_CLONE".into());
        c.select_only = promptless_bools(
            "config CLONE_BACKWARDS\n\tbool\n\thelp\n\t  x\n\nconfig CLONE_BACKWARDS2\n\tbool\n\n\
             config HAVE_PROMPT\n\tbool \"A prompt\"\n",
        );
        c
    }

    #[test]
    fn selects_and_wants() {
        let c = config();
        assert_eq!(eval(&c, "defined(CONFIG_CLONE_BACKWARDS)"), Some(true));
        assert_eq!(eval(&c, "defined(CONFIG_CLONE_BACKWARDS2)"), Some(false));
        assert_eq!(eval(&c, "defined(CONFIG_HAVE_X)"), None);
        assert_eq!(eval(&c, "defined(CONFIG_ONLY_MAYBE)"), None);
        assert_eq!(eval(&c, "defined(CONFIG_HAVE_PROMPT)"), None);
        assert_eq!(eval(&c, "defined(__ARCH_WANT_SYS_CLONE)"), Some(true));
        assert_eq!(eval(&c, "defined(__ARCH_WANT_SYS_FORK)"), Some(false));
    }

    #[test]
    fn three_valued_logic() {
        let c = config();
        assert_eq!(
            eval(
                &c,
                "!(defined(CONFIG_CLONE_BACKWARDS)) && (defined(CONFIG_CLONE_BACKWARDS2))"
            ),
            Some(false)
        );
        assert_eq!(
            eval(
                &c,
                "defined(CONFIG_COMPAT) || defined(CONFIG_CLONE_BACKWARDS)"
            ),
            Some(true)
        );
        assert_eq!(
            eval(
                &c,
                "defined(CONFIG_COMPAT) && defined(CONFIG_CLONE_BACKWARDS)"
            ),
            None
        );
        assert_eq!(
            eval(&c, "IS_ENABLED(CONFIG_CLONE_BACKWARDS2) || 0"),
            Some(false)
        );
        assert_eq!(eval(&c, "BITS_PER_LONG == 32"), None);
        assert_eq!(holds(Some(&c), &[]), Some(true));
        assert_eq!(holds(None, &["defined(X)".into()]), None);
    }
}
