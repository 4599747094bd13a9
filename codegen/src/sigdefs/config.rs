//! Just enough of each arch's configuration to choose between a syscall's alternative
//! definitions under `#if`: the Kconfig symbols the arch `select`s, and the `__ARCH_WANT_*`
//! macros its headers define. Conditions are evaluated three-valued: true, false, or unknown
//! (a user-chosen option such as `CONFIG_COMPAT`).

use super::c::Conditions;
use super::lex::{tokenize, Kind};
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
    /// `__ARCH_WANT_*` macros `#define`d in the arch's headers outside any `#if`.
    pub wants: BTreeSet<String>,
    /// `__ARCH_WANT_*` macros `#define`d only under an `#if`: unknown.
    pub maybe_wants: BTreeSet<String>,
    /// Kconfig symbols known to be off: the other options of a `choice` whose default
    /// the arch takes, and options that depend on `BROKEN`.
    pub off: BTreeSet<String>,
    /// Promptless `bool` symbols of the generic `arch/Kconfig`, false unless selected.
    pub select_only: BTreeSet<String>,
    /// Symbols that are on exactly on 64-bit kernels (`64BIT`, x86's `X86_64`).
    pub bits64: BTreeSet<String>,
    /// Symbols that are on exactly on 32-bit kernels (`32BIT`, sparc's `SPARC32`).
    pub bits32: BTreeSet<String>,
    /// Options only a 64-bit kernel can have (`IA32_EMULATION`, `MIPS32_O32`).
    pub needs64: BTreeSet<String>,
    /// Options only a 32-bit kernel can have.
    pub needs32: BTreeSet<String>,
    /// The arch's byte order from its `asm/byteorder.h`: `Some(true)` when it only includes
    /// `little_endian.h`, `Some(false)` when only `big_endian.h`, `None` for bi-endian arches.
    pub little_endian: Option<bool>,
    /// `select` lines: (symbol selected, the symbol whose block selects it, its `if`).
    pub selected_by: Vec<(String, String, Option<String>)>,
    /// Kconfig reading's raw material for the width symbols: (symbol, expression it equals).
    #[serde(skip)]
    width_rules: Vec<(String, String)>,
    /// (symbol, one of its `depends on` expressions).
    #[serde(skip)]
    needs: Vec<(String, String)>,
}

impl ArchConfig {
    /// The value of a preprocessor identifier on this arch, for a kernel of `bits` (32 or
    /// 64; 0 when not known): `Some` when known. `depth` bounds the chains of `select`s.
    fn value_at(&self, ident: &str, bits: u32, depth: usize) -> Option<bool> {
        match ident {
            "__LITTLE_ENDIAN" | "CONFIG_CPU_LITTLE_ENDIAN" => return self.little_endian,
            "__BIG_ENDIAN" | "CONFIG_CPU_BIG_ENDIAN" => return self.little_endian.map(|l| !l),
            _ => {}
        }
        if let Some(sym) = ident.strip_prefix("CONFIG_") {
            return self.symbol(sym, bits, depth);
        }
        if ident.starts_with("__ARCH_WANT_") {
            if self.maybe_wants.contains(ident) {
                return None;
            }
            return Some(self.wants.contains(ident));
        }
        None
    }

    /// The value of Kconfig symbol `sym` (without `CONFIG_`).
    fn symbol(&self, sym: &str, bits: u32, depth: usize) -> Option<bool> {
        if bits == 32 || bits == 64 {
            if self.bits64.contains(sym) {
                return Some(bits == 64);
            }
            if self.bits32.contains(sym) {
                return Some(bits == 32);
            }
            if (self.needs64.contains(sym) && bits == 32)
                || (self.needs32.contains(sym) && bits == 64)
            {
                return Some(false);
            }
        }
        if self.selects.contains(sym) {
            return Some(true);
        }
        if self.off.contains(sym) {
            return Some(false);
        }
        // Selected by another symbol (`select CLONE_BACKWARDS` under x86's `X86_32`), maybe
        // under a condition (`select OLD_SIGACTION if PPC32`).
        let mut all_false = true;
        if depth < 6 {
            for (target, by, cond) in &self.selected_by {
                if target != sym {
                    continue;
                }
                let on = self.symbol(by, bits, depth + 1);
                let cond = match cond {
                    Some(c) => self.kconfig_expr(c, bits, depth + 1),
                    None => Some(true),
                };
                match and(on, cond) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => all_false = false,
                }
            }
        } else {
            all_false = false;
        }
        if self.maybe.contains(sym) {
            return None;
        }
        (all_false && self.select_only.contains(sym)).then_some(false)
    }

    /// A Kconfig expression (`X86_32`, `!64BIT && FOO`), evaluated like an `#if`.
    fn kconfig_expr(&self, expr: &str, bits: u32, depth: usize) -> Option<bool> {
        let mut text = String::new();
        for t in tokens(expr) {
            if t.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
                && t != "y"
                && t != "n"
            {
                text.push_str(&format!(" defined(CONFIG_{t})"));
            } else {
                text.push(' ');
                text.push_str(&t);
            }
        }
        let tokens = tokens(&text);
        let mut p = Parser {
            tokens: &tokens,
            pos: 0,
            config: self,
            bits,
            depth,
            overrides: &[],
        };
        let v = p.or_expr();
        (p.pos == tokens.len()).then_some(v).flatten()
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
        let byteorder = std::fs::read_to_string(entry.path().join("include/uapi/asm/byteorder.h"))
            .or_else(|_| std::fs::read_to_string(entry.path().join("include/asm/byteorder.h")))
            .unwrap_or_default();
        config.little_endian = match (
            byteorder.contains("little_endian.h"),
            byteorder.contains("big_endian.h"),
        ) {
            (true, false) => Some(true),
            (false, true) => Some(false),
            _ => None,
        };
        config.settle_widths();
        out.insert(name, config);
    }
    Ok(out)
}

/// The Kconfig symbols outside `arch/` that default to on (`default y` without `if`), from
/// every `Kconfig*` file under `dirs`: the default configuration, used only to break ties
/// between definitions whose conditions are otherwise undecided (POSIX timers over their
/// stubs).
pub fn defaults_on(src: &Path, dirs: &[&str]) -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(&path, out);
            } else if entry.file_name().to_string_lossy().starts_with("Kconfig") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                let mut current: Option<String> = None;
                for line in text.lines() {
                    let t = super::lex::normalise_space(line);
                    if let Some(name) = t
                        .strip_prefix("config ")
                        .or_else(|| t.strip_prefix("menuconfig "))
                    {
                        current = Some(name.to_string());
                    } else if t == "default y" || t == "def_bool y" {
                        if let Some(name) = current.take() {
                            out.insert(name);
                        }
                    } else if t.starts_with("endmenu") || t.starts_with("choice") {
                        current = None;
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    for dir in dirs.iter().filter(|d| !d.starts_with("arch")) {
        walk(&src.join(dir), &mut out);
    }
    out
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
            // `arch/x86/um/` configures user-mode Linux, not x86.
            if name != "include" && name != "boot" && name != "um" {
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

/// One `config` block of a Kconfig file, as far as it matters here.
#[derive(Default)]
struct Block {
    name: String,
    /// The `def_bool` expression, if any.
    def_bool: Option<String>,
    /// The `depends on` expressions.
    depends: Vec<String>,
    /// `default y if S` lines: the conditions.
    default_y_if: Vec<String>,
    /// An unconditional `default y`.
    default_y: bool,
    /// Whether the user is asked (`bool "..."`, `prompt`).
    prompt: bool,
}

/// Reads one Kconfig file of an arch:
/// - `select X [if C]` is recorded with the block that selects it, and holds when that
///   block's symbol (and C) does;
/// - `config X` with an unconditional `def_bool y` (or a promptless `default y`) and no
///   `depends on` is on;
/// - a `choice` with an unconditional `default X` turns X on and its other options off
///   (the arch's default configuration);
/// - an option that `depends on BROKEN` is off;
/// - the symbols that say "64-bit kernel" or "32-bit kernel" ([`ArchConfig::bits64`]).
fn read_selects(text: &str, config: &mut ArchConfig) {
    let mut current: Option<Block> = None;
    // Inside a `choice`: its default and its options.
    let mut choice: Option<(Option<String>, Vec<String>)> = None;
    let finish = |current: &mut Option<Block>, config: &mut ArchConfig| {
        let Some(b) = current.take() else { return };
        let def_y = b.def_bool.as_deref() == Some("y") || (b.default_y && !b.prompt);
        if b.depends
            .iter()
            .any(|d| d.split_whitespace().any(|w| w == "BROKEN"))
        {
            config.off.insert(b.name.clone());
        } else if def_y && b.depends.is_empty() {
            config.maybe.remove(&b.name);
            config.selects.insert(b.name.clone());
        } else if def_y && !config.selects.contains(&b.name) {
            config.maybe.insert(b.name.clone());
        }
        // A promptless `bool` whose only default is `default y if S` is S (powerpc's
        // `PPC32`: `default y if !PPC64`; its `64BIT`: `default y if PPC64`).
        if let ([cond], false, None) = (b.default_y_if.as_slice(), b.prompt, &b.def_bool) {
            if b.depends.is_empty() && !b.default_y {
                config.width_rules.push((b.name.clone(), cond.clone()));
            }
        }
        match (b.def_bool.as_deref(), b.depends.as_slice()) {
            (Some("y"), [dep]) => config.width_rules.push((b.name.clone(), dep.clone())),
            (Some(expr), []) if expr != "y" && expr != "n" => {
                config.width_rules.push((b.name.clone(), expr.to_string()));
            }
            _ => {}
        }
        for dep in &b.depends {
            config.needs.push((b.name.clone(), dep.clone()));
        }
    };
    for line in text.lines() {
        let t = super::lex::normalise_space(line);
        let t = t.as_str();
        if let Some(name) = t
            .strip_prefix("config ")
            .or_else(|| t.strip_prefix("menuconfig "))
        {
            finish(&mut current, config);
            let name = name.trim().to_string();
            if let Some((_, options)) = choice.as_mut() {
                options.push(name.clone());
            }
            current = Some(Block {
                name,
                ..Block::default()
            });
            continue;
        }
        if t == "choice" {
            finish(&mut current, config);
            choice = Some((None, Vec::new()));
            continue;
        }
        if t == "endchoice" {
            finish(&mut current, config);
            if let Some((Some(default), options)) = choice.take() {
                for o in options {
                    if o == default {
                        if !config.off.contains(&o) {
                            config.maybe.remove(&o);
                            config.selects.insert(o);
                        }
                    } else if !config.selects.contains(&o) {
                        config.off.insert(o);
                    }
                }
            }
            choice = None;
            continue;
        }
        if let Some(rest) = t.strip_prefix("default ") {
            match current.as_mut() {
                Some(b) => {
                    if let Some(cond) = rest.strip_prefix("y if ") {
                        b.default_y_if.push(cond.trim().to_string());
                    } else if rest.trim() == "y" {
                        b.default_y = true;
                    }
                }
                None => {
                    if let Some((default @ None, _)) = choice.as_mut() {
                        if !rest.contains(" if ") {
                            *default = Some(rest.trim().to_string());
                        }
                    }
                }
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("depends on ") {
            if let Some(b) = current.as_mut() {
                b.depends.push(rest.trim().to_string());
            }
            continue;
        }
        if let Some(rest) = t.strip_prefix("def_bool ") {
            if let Some(b) = current.as_mut() {
                b.def_bool = Some(rest.split(" if ").next().unwrap_or("").trim().to_string());
                if rest.contains(" if ") {
                    b.depends.push(String::from("CONDITIONAL_DEFAULT"));
                }
            }
            continue;
        }
        if t.starts_with("bool \"") || t.starts_with("prompt ") || t.starts_with("tristate \"") {
            if let Some(b) = current.as_mut() {
                b.prompt = true;
            }
            continue;
        }
        let Some(rest) = t.strip_prefix("select ") else {
            continue;
        };
        let Some(b) = current.as_ref() else { continue };
        let (sym, cond) = match rest.split_once(" if ") {
            Some((sym, cond)) => (sym.trim(), Some(cond.trim().to_string())),
            None => (rest.trim(), None),
        };
        config
            .selected_by
            .push((sym.to_string(), b.name.clone(), cond));
    }
    finish(&mut current, config);
}

impl ArchConfig {
    /// Works out, from the rules Kconfig reading collected, which symbols mean "64-bit
    /// kernel" or "32-bit kernel" (`64BIT`, `32BIT`; x86's `X86_64` is `def_bool y` with
    /// `depends on 64BIT`, sparc's `SPARC32` is `def_bool !64BIT`, powerpc's `64BIT` is
    /// `default y if PPC64`), and which options need one of them (`IA32_EMULATION` depends
    /// on `X86_64`).
    fn settle_widths(&mut self) {
        self.bits64.insert("64BIT".into());
        self.bits32.insert("32BIT".into());
        // Each rule says `name` equals `expr` (a symbol, maybe negated); it works both ways.
        let mut rules: Vec<(String, bool, String)> = Vec::new();
        for (name, expr) in &self.width_rules {
            let expr = expr.trim();
            let (neg, sym) = match expr.strip_prefix('!') {
                Some(s) => (true, s.trim()),
                None => (false, expr),
            };
            if sym.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
                rules.push((name.clone(), neg, sym.to_string()));
                rules.push((sym.to_string(), neg, name.clone()));
            }
        }
        loop {
            let before = self.bits64.len() + self.bits32.len();
            for (name, neg, sym) in &rules {
                let (is64, is32) = (self.bits64.contains(sym), self.bits32.contains(sym));
                if !(is64 || is32) {
                    continue;
                }
                // `name` is on exactly when `sym` is (or, negated, when it is not).
                if is64 != *neg && !self.bits32.contains(name) {
                    self.bits64.insert(name.clone());
                } else if is32 != *neg && !self.bits64.contains(name) {
                    self.bits32.insert(name.clone());
                }
            }
            if self.bits64.len() + self.bits32.len() == before {
                break;
            }
        }
        for (name, dep) in &self.needs {
            for term in dep.split("&&") {
                let term = term.trim().trim_matches(|c| c == '(' || c == ')');
                let (neg, sym) = match term.strip_prefix('!') {
                    Some(s) => (true, s.trim()),
                    None => (false, term),
                };
                if self.bits64.contains(sym) != neg
                    && (self.bits64.contains(sym) || self.bits32.contains(sym))
                {
                    self.needs64.insert(name.clone());
                } else if self.bits32.contains(sym) || self.bits64.contains(sym) {
                    self.needs32.insert(name.clone());
                }
            }
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
            if text.contains("__ARCH_WANT_") {
                read_wants_from(&text, config);
            }
        }
    }
    Ok(())
}

/// `#define __ARCH_WANT_X` lines: certain outside any `#if`, maybe inside one.
fn read_wants_from(text: &str, config: &mut ArchConfig) {
    let mut conds = Conditions::default();
    for t in tokenize(text) {
        if t.kind != Kind::Directive {
            continue;
        }
        conds.directive(&t.text);
        let mut words = t.text.split_whitespace();
        if let (Some("define"), Some(m)) = (words.next(), words.next()) {
            if m.starts_with("__ARCH_WANT_") {
                if conds.current().is_empty() {
                    config.maybe_wants.remove(m);
                    config.wants.insert(m.to_string());
                } else if !config.wants.contains(m) {
                    config.maybe_wants.insert(m.to_string());
                }
            }
        }
    }
}

/// Whether all of `conditions` hold on an arch (`None`: unknown, or no configuration read).
///
/// Exact over the unknowns: when they are few, every assignment of them is tried, so that a
/// contradiction such as `(A || COMPAT) && !COMPAT` with A off is seen to be false.
pub fn holds(config: Option<&ArchConfig>, bits: u32, conditions: &[String]) -> Option<bool> {
    holds_assuming(config, bits, conditions, &[])
}

/// [`holds`] with some identifiers' values given (`("CONFIG_X", true)`), for tie-breaks.
pub fn holds_assuming(
    config: Option<&ArchConfig>,
    bits: u32,
    conditions: &[String],
    assume: &[(String, bool)],
) -> Option<bool> {
    if conditions.is_empty() {
        return Some(true);
    }
    let config = config?;
    let tokens: Vec<Vec<String>> = conditions.iter().map(|c| tokens(c)).collect();
    let mut unknown: Vec<String> = Vec::new();
    for t in tokens.iter().flatten() {
        let is_ident = t
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
        if is_ident
            && !matches!(t.as_str(), "defined" | "IS_ENABLED" | "IS_BUILTIN")
            && !assume.iter().any(|(a, _)| a == t)
            && config.value_at(t, bits, 0).is_none()
            && !unknown.contains(t)
        {
            unknown.push(t.clone());
        }
    }
    let eval_all = |overrides: &[(String, bool)]| {
        let mut all = Some(true);
        for t in &tokens {
            let mut p = Parser {
                tokens: t,
                pos: 0,
                config,
                bits,
                depth: 0,
                overrides,
            };
            let v = p.or_expr();
            all = and(all, if p.pos == t.len() { v } else { None });
            if all == Some(false) {
                break;
            }
        }
        all
    };
    if unknown.is_empty() || unknown.len() > 8 {
        return eval_all(assume);
    }
    let mut seen: Option<Option<bool>> = None;
    for mask in 0u32..(1 << unknown.len()) {
        let mut overrides = assume.to_vec();
        overrides.extend(
            unknown
                .iter()
                .enumerate()
                .map(|(i, u)| (u.clone(), mask & (1 << i) != 0)),
        );
        let v = eval_all(&overrides);
        match seen {
            None => seen = Some(v),
            Some(prev) if prev == v => {}
            Some(_) => return None,
        }
    }
    seen.flatten()
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

/// Evaluates one `#if` expression for a kernel of `bits` (0: either); anything it does not
/// understand is unknown.
pub fn eval(config: &ArchConfig, bits: u32, expr: &str) -> Option<bool> {
    let tokens = tokens(expr);
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        config,
        bits,
        depth: 0,
        overrides: &[],
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
    bits: u32,
    depth: usize,
    /// Identifiers whose value is given.
    overrides: &'t [(String, bool)],
}

impl Parser<'_> {
    fn lookup(&self, ident: &str) -> Option<bool> {
        if let Some((_, v)) = self.overrides.iter().find(|(o, _)| o == ident) {
            return Some(*v);
        }
        self.config.value_at(ident, self.bits, self.depth)
    }
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
                ident.and_then(|i| self.lookup(&i))
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
                self.lookup(&t)
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
        assert_eq!(eval(&c, 0, "defined(CONFIG_CLONE_BACKWARDS)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(CONFIG_CLONE_BACKWARDS2)"), Some(false));
        assert_eq!(eval(&c, 0, "defined(CONFIG_HAVE_X)"), None);
        assert_eq!(eval(&c, 0, "defined(CONFIG_ONLY_MAYBE)"), None);
        assert_eq!(eval(&c, 0, "defined(CONFIG_HAVE_PROMPT)"), None);
        assert_eq!(eval(&c, 0, "defined(__ARCH_WANT_SYS_CLONE)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(__ARCH_WANT_SYS_FORK)"), Some(false));
    }

    #[test]
    fn choices_def_bools_and_broken() {
        let mut c = ArchConfig::default();
        read_selects(
            "config ARCHY\n\tdef_bool y\n\nconfig BIG\n\tdef_bool y\n\n\
             config SOMETIMES\n\tdef_bool y\n\tdepends on OTHER\n\n\
             choice\n\tprompt \"Endianness\"\n\tdefault LITTLE\n\n\
             config BIGGER\n\tbool \"Big\"\n\nconfig LITTLE\n\tbool \"Little\"\n\nendchoice\n\
             config ODD\n\tbool \"odd\"\n\tdepends on BROKEN\n",
            &mut c,
        );
        assert_eq!(eval(&c, 0, "defined(CONFIG_BIG)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(CONFIG_SOMETIMES)"), None);
        assert_eq!(eval(&c, 0, "defined(CONFIG_LITTLE)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(CONFIG_BIGGER)"), Some(false));
        assert_eq!(eval(&c, 0, "defined(CONFIG_ODD)"), Some(false));
    }

    #[test]
    fn wants_under_if_are_unknown() {
        let mut c = ArchConfig::default();
        read_wants_from(
            "#ifndef _ASM_X_H\n#define _ASM_X_H\n#define __ARCH_WANT_A\n\
             #ifdef CONFIG_32BIT\n# define __ARCH_WANT_B\n#endif\n#endif\n",
            &mut c,
        );
        assert_eq!(eval(&c, 0, "defined(__ARCH_WANT_A)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(__ARCH_WANT_B)"), None);
        assert_eq!(eval(&c, 0, "defined(__ARCH_WANT_C)"), Some(false));
    }

    #[test]
    fn kernel_width_symbols() {
        let mut c = ArchConfig::default();
        read_selects(
            "config ARCHY\n\tdef_bool y\n\nconfig 64BIT\n\tbool \"64-bit\"\n\n\
             config ARCHY_64\n\tdef_bool y\n\tdepends on 64BIT\n\n\
             config ARCHY_32\n\tdef_bool !64BIT\n\n\
             config EMU32\n\tbool \"emulation\"\n\tdepends on ARCHY_64 && HOSTY\n",
            &mut c,
        );
        read_selects(
            "config PPCISH64\n\tbool \"64-bit kernel\"\n\nconfig 32BIT\n\tbool\n\tdefault y if PPCISH32\n\n\
             config PPCISH32\n\tdef_bool y\n\tdepends on !PPCISH64\n",
            &mut c,
        );
        c.settle_widths();
        assert_eq!(eval(&c, 64, "defined(CONFIG_ARCHY_64)"), Some(true));
        assert_eq!(eval(&c, 32, "defined(CONFIG_ARCHY_64)"), Some(false));
        assert_eq!(eval(&c, 32, "defined(CONFIG_ARCHY_32)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(CONFIG_ARCHY_32)"), None);
        assert_eq!(eval(&c, 32, "defined(CONFIG_EMU32)"), Some(false));
        assert_eq!(eval(&c, 64, "defined(CONFIG_EMU32)"), None);
        assert_eq!(eval(&c, 64, "defined(CONFIG_PPCISH64)"), Some(true));
        assert_eq!(eval(&c, 64, "defined(CONFIG_PPCISH32)"), Some(false));
        assert_eq!(eval(&c, 32, "!defined(CONFIG_64BIT)"), Some(true));
    }

    #[test]
    fn selects_follow_the_selecting_symbol() {
        let mut c = ArchConfig::default();
        read_selects(
            "config 64BIT\n\tbool \"64-bit kernel\"\n\n\
             config ISH_32\n\tdef_bool y\n\tdepends on !64BIT\n\tselect BACKWARDS\n\n\
             config ISH\n\tbool\n\tdefault y\n\tselect OLD_ACTION if ISH_32\n\tselect ALWAYS\n",
            &mut c,
        );
        c.select_only = promptless_bools("config BACKWARDS\n\tbool\n\nconfig OLD_ACTION\n\tbool\n");
        c.settle_widths();
        assert_eq!(eval(&c, 64, "defined(CONFIG_BACKWARDS)"), Some(false));
        assert_eq!(eval(&c, 32, "defined(CONFIG_BACKWARDS)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(CONFIG_BACKWARDS)"), None);
        assert_eq!(eval(&c, 64, "defined(CONFIG_OLD_ACTION)"), Some(false));
        assert_eq!(eval(&c, 32, "defined(CONFIG_OLD_ACTION)"), Some(true));
        assert_eq!(eval(&c, 0, "defined(CONFIG_ALWAYS)"), Some(true));
    }

    #[test]
    fn contradictions_over_unknowns_are_false() {
        let c = config();
        let conds = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            holds(
                Some(&c),
                0,
                &conds(&[
                    "defined(CONFIG_CLONE_BACKWARDS2) || defined(CONFIG_COMPAT)",
                    "!defined(CONFIG_COMPAT)"
                ])
            ),
            Some(false)
        );
        assert_eq!(
            holds(
                Some(&c),
                0,
                &conds(&["defined(CONFIG_COMPAT) || !defined(CONFIG_COMPAT)"])
            ),
            Some(true)
        );
        assert_eq!(
            holds(Some(&c), 0, &conds(&["defined(CONFIG_COMPAT)"])),
            None
        );
        assert_eq!(
            holds_assuming(
                Some(&c),
                0,
                &conds(&["defined(CONFIG_COMPAT)"]),
                &[("CONFIG_COMPAT".into(), true)]
            ),
            Some(true)
        );
    }

    #[test]
    fn three_valued_logic() {
        let c = config();
        assert_eq!(
            eval(
                &c,
                0,
                "!(defined(CONFIG_CLONE_BACKWARDS)) && (defined(CONFIG_CLONE_BACKWARDS2))"
            ),
            Some(false)
        );
        assert_eq!(
            eval(
                &c,
                0,
                "defined(CONFIG_COMPAT) || defined(CONFIG_CLONE_BACKWARDS)"
            ),
            Some(true)
        );
        assert_eq!(
            eval(
                &c,
                0,
                "defined(CONFIG_COMPAT) && defined(CONFIG_CLONE_BACKWARDS)"
            ),
            None
        );
        assert_eq!(
            eval(&c, 0, "IS_ENABLED(CONFIG_CLONE_BACKWARDS2) || 0"),
            Some(false)
        );
        assert_eq!(eval(&c, 0, "BITS_PER_LONG == 32"), None);
        assert_eq!(holds(Some(&c), 0, &[]), Some(true));
        assert_eq!(holds(None, 0, &["defined(X)".into()]), None);
    }
}
