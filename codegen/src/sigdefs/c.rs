//! Reads one C source or header ([`lex`](super::lex) tokens) into the records a syscall
//! resolver needs: `SYSCALL_DEFINEn`-style definitions, plain function definitions, `#define`
//! aliases between identifiers, `SYSCALL_ALIAS`, `COND_SYSCALL` markers and the mips
//! `save_static_function` wrappers — each with the `#if` conditions it sits under.

use super::lex::{tokenize, Kind, Token};
use super::regs;
use super::{Alias, AsmEntry, DefKind, Definition, FileItems, Marker, Param};

use std::collections::BTreeMap;

/// Kernel annotations that are not part of a C type (sparse address spaces and friends).
const ANNOTATIONS: &[&str] = &[
    "__user",
    "__force",
    "__iomem",
    "__kernel",
    "__rcu",
    "__percpu",
    "__nocast",
    "__safe",
    "__must_check",
    "__maybe_unused",
    "__always_unused",
    "__unused",
    "__weak",
    "__visible",
    "__init",
    "__cold",
    "notrace",
    "noinline",
    "__noreturn",
    "asmlinkage",
    "__capability",
];

/// The syscall-defining macros the kernel provides: the symbol prefix each gives its name and
/// how many (type, name) pairs follow it.
pub fn define_macro(name: &str) -> Option<(DefKind, usize)> {
    let (kind, rest) = if let Some(r) = name.strip_prefix("COMPAT_SYSCALL_DEFINE") {
        (DefKind::CompatSyscallDefine, r)
    } else if let Some(r) = name.strip_prefix("SYSCALL_DEFINE") {
        (DefKind::SyscallDefine, r)
    } else {
        return None;
    };
    match rest.as_bytes() {
        [d @ b'0'..=b'6'] => Some((kind, usize::from(d - b'0'))),
        _ => None,
    }
}

/// The state of the `#if` nesting: one entry per open conditional.
#[derive(Default)]
pub struct Conditions {
    stack: Vec<Branch>,
}

/// One open `#if`: the conditions of its earlier branches, and the current branch's own.
struct Branch {
    earlier: Vec<String>,
    own: Option<String>,
}

impl Branch {
    /// The condition under which the current branch is taken.
    fn effective(&self) -> String {
        let mut all: Vec<String> = self.earlier.iter().map(|p| format!("!({p})")).collect();
        match &self.own {
            Some(own) if all.is_empty() => return own.clone(),
            Some(own) => all.push(format!("({own})")),
            None => {}
        }
        all.join(" && ")
    }
}

impl Conditions {
    /// Follows one directive (`if ...`, `else`, `endif`, ...; others are ignored).
    pub fn directive(&mut self, text: &str) {
        let (word, rest) = text.split_once(' ').unwrap_or((text, ""));
        let rest = rest.trim();
        let cond = match word {
            "if" | "elif" => Some(rest.to_string()),
            "ifdef" | "elifdef" => Some(format!("defined({rest})")),
            "ifndef" | "elifndef" => Some(format!("!defined({rest})")),
            _ => None,
        };
        match word {
            "if" | "ifdef" | "ifndef" => self.stack.push(Branch {
                earlier: Vec::new(),
                own: cond,
            }),
            "elif" | "elifdef" | "elifndef" | "else" => {
                if let Some(b) = self.stack.last_mut() {
                    if let Some(own) = b.own.take() {
                        b.earlier.push(own);
                    }
                    b.own = cond;
                }
            }
            "endif" => {
                self.stack.pop();
            }
            _ => {}
        }
    }

    /// The conditions in force, outermost first, without include guards.
    pub fn current(&self) -> Vec<String> {
        self.stack
            .iter()
            .map(Branch::effective)
            .filter(|c| !c.is_empty() && !is_include_guard(c))
            .collect()
    }
}

fn is_include_guard(cond: &str) -> bool {
    cond.strip_prefix("!defined(")
        .and_then(|c| c.strip_suffix(')'))
        .is_some_and(|m| m.starts_with('_') && (m.ends_with("_H") || m.ends_with("_H_")))
}

/// The index of the token closing the bracket opened at `open` (`(`, `[` or `{`), if any.
pub fn matching(tokens: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_ref() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits `tokens` at the commas outside any bracket.
fn split_commas<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind != Kind::Punct {
            continue;
        }
        match t.text.as_ref() {
            "(" | "[" | "{" => depth += 1,
            ")" | "]" | "}" => depth = depth.saturating_sub(1),
            "," if depth == 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts
}

/// Joins type tokens as a C programmer writes them, without kernel annotations:
/// `const char __user *const __user *` -> `const char *const *`.
pub fn render_type(tokens: &[Token<'_>]) -> String {
    let mut out = String::new();
    let mut prev: Option<&str> = None;
    for t in tokens {
        let s = t.text.as_ref();
        if t.kind == Kind::Ident && ANNOTATIONS.contains(&s) {
            continue;
        }
        if let Some(p) = prev {
            let tight = matches!(s, ")" | "]" | ",")
                || matches!(p, "(" | "[" | "*" | ",")
                || (s == "(" && p == ")");
            if !tight {
                out.push(' ');
            }
        }
        out.push_str(s);
        if s == "," {
            out.push(' ');
        }
        prev = Some(s);
    }
    out.trim_end().to_string()
}

/// One parameter of a plain C declaration: its name is the last identifier outside brackets
/// (or, for a function pointer `int (*fn)(int)`, the identifier after the `*`), its type the
/// rest. `None` for `void` and `...`.
fn c_param(tokens: &[Token<'_>]) -> Option<Param> {
    let tokens: Vec<&Token<'_>> = tokens
        .iter()
        .filter(|t| !(t.kind == Kind::Ident && ANNOTATIONS.contains(&t.text.as_ref())))
        .collect();
    if tokens.is_empty() || (tokens.len() == 1 && tokens[0].text == "void") {
        return None;
    }
    if tokens.iter().all(|t| t.is_punct('.')) {
        return Some(Param {
            name: "...".into(),
            ty: "...".into(),
        });
    }
    // Function pointer: `ret ( * name ) ( args )`.
    if let Some(p) = tokens
        .windows(3)
        .position(|w| w[0].is_punct('(') && w[1].is_punct('*') && w[2].kind == Kind::Ident)
    {
        let name = tokens[p + 2].text.to_string();
        let rest: Vec<Token<'_>> = tokens
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != p + 2)
            .map(|(_, t)| (*t).clone())
            .collect();
        return Some(Param {
            name,
            ty: render_type(&rest),
        });
    }
    // The name: the last identifier before any trailing array brackets.
    let mut end = tokens.len();
    while end > 0 && tokens[end - 1].is_punct(']') {
        let mut depth = 0;
        let mut j = end;
        while j > 0 {
            j -= 1;
            if tokens[j].is_punct(']') {
                depth += 1;
            } else if tokens[j].is_punct('[') {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
        }
        end = j;
    }
    let owned: Vec<Token<'_>> = tokens.iter().map(|t| (*t).clone()).collect();
    match owned.get(end.wrapping_sub(1)) {
        Some(t) if t.kind == Kind::Ident && end >= 2 => {
            let mut ty = owned[..end - 1].to_vec();
            ty.extend_from_slice(&owned[end..]);
            Some(Param {
                name: t.text.to_string(),
                ty: render_type(&ty),
            })
        }
        // An unnamed parameter: the whole thing is the type.
        _ => Some(Param {
            name: String::new(),
            ty: render_type(&owned),
        }),
    }
}

/// The (type, name) pairs of a `SYSCALL_DEFINEn(name, type, arg, ...)` after the name.
pub fn pair_params(args: &[String]) -> Option<Vec<Param>> {
    if !args.len().is_multiple_of(2) {
        return None;
    }
    args.chunks(2)
        .map(|pair| {
            (!pair[0].is_empty() && !pair[1].is_empty()).then(|| Param {
                ty: pair[0].clone(),
                name: pair[1].clone(),
            })
        })
        .collect()
}

/// A `SYSCALL_DEFINEn` whose arguments call macros (`compat_arg_u64_dual(pos)`, hexagon's
/// `SC_ARG64(offset)`): its parameters are known once the macros are.
#[derive(Debug, Clone)]
pub struct PendingDef {
    pub def: Definition,
    pub args: Vec<String>,
    pub count: usize,
}

/// A function-like macro that expands to part of an argument list:
/// `#define compat_arg_u64_dual(name) u32, name##_lo, u32, name##_hi`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArgMacro {
    pub name: String,
    pub params: Vec<String>,
    pub body: String,
    pub file: String,
    pub conditions: Vec<String>,
}

/// `NAME(args)` as one rendered macro argument: the name and its arguments.
pub fn macro_call(arg: &str) -> Option<(&str, Vec<String>)> {
    let (name, rest) = arg.split_once('(')?;
    let name = name.trim_end();
    let inner = rest.strip_suffix(')')?;
    let is_ident = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if !is_ident {
        return None;
    }
    let tokens = tokenize(inner);
    Some((
        name,
        split_commas(&tokens).into_iter().map(render_type).collect(),
    ))
}

/// Expands the macro calls among `args` with `lookup` (one variant per macro name) and
/// pairs the result into parameters; `None` if a call is unknown or the count is wrong.
pub fn expand_params<'m>(
    args: &[String],
    count: usize,
    lookup: impl Fn(&str) -> Option<&'m ArgMacro>,
) -> Option<Vec<Param>> {
    let mut flat = Vec::new();
    for arg in args {
        match macro_call(arg).and_then(|(name, call_args)| Some((lookup(name)?, call_args))) {
            Some((m, call_args)) if m.params.len() == call_args.len() => {
                let body = tokenize(&m.body);
                let mut text = String::new();
                let mut glue = false;
                for t in &body {
                    if t.is_punct('#') {
                        glue = true;
                        continue;
                    }
                    let piece = match m.params.iter().position(|p| *p == t.text) {
                        Some(k) if t.kind == Kind::Ident => call_args[k].as_str(),
                        _ => t.text.as_ref(),
                    };
                    if !glue && !text.is_empty() {
                        text.push(' ');
                    }
                    text.push_str(piece);
                    glue = false;
                }
                let tokens = tokenize(&text);
                flat.extend(split_commas(&tokens).into_iter().map(render_type));
            }
            Some(_) => return None,
            None if macro_call(arg).is_some_and(|(n, _)| lookup(n).is_none())
                && !arg.contains('*') =>
            {
                return None
            }
            None => flat.push(arg.clone()),
        }
    }
    if flat.len() != 2 * count {
        return None;
    }
    pair_params(&flat)
}

/// Identifiers that start a declaration but never a syscall entry point.
fn skips_function(head: &[Token<'_>]) -> bool {
    head.iter().any(|t| {
        t.kind == Kind::Ident && matches!(t.text.as_ref(), "static" | "typedef" | "extern")
            || t.is_punct('=')
            || t.kind == Kind::Literal
    })
}

/// Whether `head` (the tokens before a function's name) can be a return type and attributes.
fn is_declaration_head(head: &[Token<'_>]) -> bool {
    !head.is_empty()
        && head.iter().any(|t| t.kind == Kind::Ident)
        && head
            .iter()
            .all(|t| t.kind == Kind::Ident || t.is_punct('*') || t.is_punct('(') || t.is_punct(')'))
        && !skips_function(head)
}

/// Parses one C file. `file` is its path relative to the source root.
pub fn parse(src: &str, file: &str) -> FileItems {
    parse_with(src, file, None)
}

/// [`parse`]; with `wanted`, only the function definitions of those names, `static` ones
/// included (the helpers a private call or a `struct pt_regs *` function passes its
/// arguments to: `static inline void set_tls(unsigned long val)`).
pub fn parse_with(
    src: &str,
    file: &str,
    wanted: Option<&std::collections::BTreeSet<String>>,
) -> FileItems {
    let tokens = tokenize(src);
    let arch = super::arch_of(file).unwrap_or("");
    // `#define NR(x) ((__ARM_NR_##x) - __ARM_NR_BASE)`: macros naming a private call.
    let mut nr_macros: Vec<String> = Vec::new();
    let mut items = FileItems::default();
    let mut conds = Conditions::default();
    // `#define PPC32_SYSCALL_DEFINE4 SYSCALL_DEFINE4`: local names of the defining macros.
    let mut local_macros: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut depth = 0usize;
    let mut stmt_start = 0usize;
    // Where the current top-level body opened, and how many definitions (and pending ones)
    // there were before the ones waiting for it.
    let mut body_start = 0usize;
    let mut awaiting = (0usize, 0usize);
    let mut i = 0usize;
    while i < tokens.len() {
        let t = &tokens[i];
        match t.kind {
            Kind::Directive => {
                if let Some(rest) = t.text.strip_prefix("define ") {
                    if let Some((name, body)) = rest.split_once('(') {
                        if body.contains("_NR_##") && !name.contains(' ') {
                            nr_macros.push(name.to_string());
                        }
                    }
                }
                conds.directive(&t.text);
                directive(&t.text, t.line, file, &conds, &mut local_macros, &mut items);
                if depth == 0 {
                    stmt_start = i + 1;
                }
                i += 1;
                continue;
            }
            Kind::Punct => {
                match t.text.as_ref() {
                    "{" => {
                        if depth == 0 {
                            body_start = i;
                        }
                        depth += 1;
                    }
                    "}" => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            stmt_start = i + 1;
                            // The definitions since the last body have this one.
                            if only_returns_enosys(&tokens[body_start..i]) {
                                for d in &mut items.defs[awaiting.0..] {
                                    d.returns_enosys = true;
                                }
                                for p in &mut items.pending[awaiting.1..] {
                                    p.def.returns_enosys = true;
                                }
                            }
                            awaiting = (items.defs.len(), items.pending.len());
                        }
                    }
                    ";" if depth == 0 => {
                        stmt_start = i + 1;
                        awaiting = (items.defs.len(), items.pending.len());
                    }
                    _ => {}
                }
                i += 1;
                continue;
            }
            Kind::Literal => {
                i += 1;
                continue;
            }
            Kind::Ident => {}
        }
        if depth != 0 || !tokens.get(i + 1).is_some_and(|n| n.is_punct('(')) {
            i += 1;
            continue;
        }
        let Some(close) = matching(&tokens, i + 1) else {
            break;
        };
        let inner = &tokens[i + 2..close];
        let name = t.text.as_ref();
        let macros: Vec<String> = match local_macros.get(name) {
            Some(targets) => targets.clone(),
            // `SYSCALL32_DEFINEn` is `COMPAT_SYSCALL_DEFINEn` on kernels with CONFIG_COMPAT
            // and `SYSCALL_DEFINEn` on the others (include/linux/syscalls.h).
            None if name.starts_with("SYSCALL32_DEFINE") => {
                let n = &name["SYSCALL32_DEFINE".len()..];
                vec![
                    format!("SYSCALL_DEFINE{n}"),
                    format!("COMPAT_SYSCALL_DEFINE{n}"),
                ]
            }
            None if define_macro(name).is_some() => vec![name.to_string()],
            None => Vec::new(),
        };
        if !macros.is_empty() {
            // A definition is followed by its body or by the next alternative of an `#if`.
            let followed = tokens
                .get(close + 1)
                .is_some_and(|n| n.is_punct('{') || n.kind == Kind::Directive);
            let args = split_commas(inner);
            let sym = args.first().map(|a| render_type(a)).unwrap_or_default();
            if followed
                && !sym.is_empty()
                && sym.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                // Arguments as written; macro calls such as `compat_arg_u64_dual(pos)` are
                // expanded after the scan, when every header's macros are known.
                let raw: Vec<String> = args[1..].iter().map(|a| render_type(a)).collect();
                for m in macros {
                    let Some((kind, n)) = define_macro(&m) else {
                        continue;
                    };
                    let prefix = match kind {
                        DefKind::CompatSyscallDefine => "compat_sys_",
                        _ => "sys_",
                    };
                    let mut conditions = conds.current();
                    if name.starts_with("SYSCALL32_DEFINE") {
                        conditions.push(match kind {
                            DefKind::CompatSyscallDefine => "defined(CONFIG_COMPAT)".into(),
                            _ => "!defined(CONFIG_COMPAT)".into(),
                        });
                    }
                    let def = Definition {
                        symbol: format!("{prefix}{sym}"),
                        params: Vec::new(),
                        file: file.to_string(),
                        line: t.line,
                        kind,
                        conditions,
                        returns_enosys: false,
                        regs_use: None,
                        field_stores: clone_fields(&tokens, close, &raw),
                    };
                    if raw.len() == 2 * n {
                        if let Some(params) = pair_params(&raw) {
                            items.defs.push(Definition { params, ..def });
                        }
                    } else {
                        items.pending.push(PendingDef {
                            def,
                            args: raw.clone(),
                            count: n,
                        });
                    }
                }
            }
            i = close + 1;
            continue;
        }
        match name {
            "__attribute__" | "__attribute" | "__section" | "__aligned" | "__printf" => {
                i = close + 1;
                continue;
            }
            "COND_SYSCALL" | "COND_SYSCALL_COMPAT" | "SYS_NI" => {
                let args = split_commas(inner);
                if let [a] = args.as_slice() {
                    let prefix = if name == "COND_SYSCALL_COMPAT" {
                        "compat_sys_"
                    } else {
                        "sys_"
                    };
                    items.markers.push(Marker {
                        symbol: format!("{prefix}{}", render_type(a)),
                        what: name.to_string(),
                        file: file.to_string(),
                        line: t.line,
                    });
                }
                i = close + 1;
                continue;
            }
            "SYSCALL_ALIAS" => {
                let args = split_commas(inner);
                if let [a, b] = args.as_slice() {
                    items.aliases.push(Alias {
                        name: render_type(a),
                        target: render_type(b),
                        file: file.to_string(),
                        line: t.line,
                        conditions: conds.current(),
                    });
                }
                i = close + 1;
                continue;
            }
            "save_static_function" => {
                // mips: `__<name>` saves the static registers and jumps to `<name>`.
                let target = render_type(inner);
                items.asm.push(AsmEntry {
                    symbol: format!("__{target}"),
                    calls: vec![target],
                    file: file.to_string(),
                    line: t.line,
                    conditions: conds.current(),
                });
                i = close + 1;
                continue;
            }
            _ => {}
        }
        // A plain function definition: `head name(params) [attributes] {`.
        let head = &tokens[stmt_start.min(i)..i];
        let mut j = close + 1;
        while let Some(n) = tokens.get(j) {
            if n.kind == Kind::Ident && tokens.get(j + 1).is_some_and(|p| p.is_punct('(')) {
                j = matching(&tokens, j + 1).map_or(tokens.len(), |c| c + 1);
            } else if n.kind == Kind::Ident {
                j += 1;
            } else {
                break;
            }
        }
        let head_ok = match wanted {
            None => is_declaration_head(head),
            Some(w) => {
                w.contains(name)
                    && is_declaration_head(
                        &head
                            .iter()
                            .filter(|t| !matches!(t.text.as_ref(), "static" | "inline"))
                            .cloned()
                            .collect::<Vec<_>>(),
                    )
            }
        };
        if tokens.get(j).is_some_and(|n| n.is_punct('{')) && head_ok {
            let params: Vec<Param> = split_commas(inner)
                .into_iter()
                .filter_map(c_param)
                .collect();
            let body = matching(&tokens, j).map_or(&tokens[j..j], |end| &tokens[j + 1..end]);
            let regs = params
                .iter()
                .find(|p| p.ty == "struct pt_regs *")
                .map(|p| p.name.clone());
            let regs_use = match &regs {
                Some(r) if wanted.is_none() && regs::knows_arch(arch) => {
                    regs::analyse(body, r, arch)
                }
                _ => None,
            };
            if let (Some(r), None) = (&regs, wanted) {
                if regs::DISPATCHERS.contains(&(arch, name)) {
                    items
                        .private
                        .extend(regs::private_calls(body, r, arch, &nr_macros, name, file));
                }
            }
            items.defs.push(Definition {
                symbol: name.to_string(),
                params,
                file: file.to_string(),
                line: t.line,
                kind: DefKind::Function,
                conditions: conds.current(),
                returns_enosys: false,
                regs_use,
                field_stores: match &regs {
                    Some(r) if wanted.is_none() && fills_clone_args(body) => {
                        regs::register_field_stores(body, r, arch)
                    }
                    _ => BTreeMap::new(),
                },
            });
        }
        i = close + 1;
    }
    items
}

/// Whether a body fills a `struct kernel_clone_args` (the clone family).
fn fills_clone_args(body: &[Token<'_>]) -> bool {
    body.iter().any(|t| t.text == "kernel_clone_args")
}

/// For a `SYSCALL_DEFINEn` whose arguments end at `close` (raw `type, name` pairs in `raw`),
/// the fields of `struct kernel_clone_args` each parameter reaches in its body (the first
/// `{` after it: alternatives under `#if` share one body).
fn clone_fields(
    tokens: &[Token<'_>],
    close: usize,
    raw: &[String],
) -> BTreeMap<String, Vec<String>> {
    let Some(open) = (close + 1..tokens.len()).find(|&i| tokens[i].is_punct('{')) else {
        return BTreeMap::new();
    };
    let Some(end) = matching(tokens, open) else {
        return BTreeMap::new();
    };
    let body = &tokens[open + 1..end];
    if !fills_clone_args(body) {
        return BTreeMap::new();
    }
    let names: Vec<&str> = raw.iter().skip(1).step_by(2).map(String::as_str).collect();
    super::regs::field_stores(body, |k| {
        let t = &body[k];
        (t.kind == Kind::Ident && names.contains(&t.text.as_ref()))
            .then(|| (t.text.to_string(), k + 1))
    })
}

/// Whether a function body does nothing but fail with ENOSYS: every `return` in it is
/// `return -ENOSYS;` (or returns `sys_ni_syscall()`), and there is one.
fn only_returns_enosys(body: &[Token<'_>]) -> bool {
    let mut returns = 0;
    for (k, t) in body.iter().enumerate() {
        if t.kind != Kind::Ident || t.text != "return" {
            continue;
        }
        returns += 1;
        let rest: Vec<&str> = body[k + 1..]
            .iter()
            .take(4)
            .map(|t| t.text.as_ref())
            .collect();
        let enosys = matches!(rest.as_slice(), ["-", "ENOSYS", ";", ..])
            || matches!(rest.as_slice(), ["sys_ni_syscall", "(", ")", ";"]);
        if !enosys {
            return false;
        }
    }
    returns > 0
}

/// Handles a `#define`: a local name for a defining macro, or an alias between identifiers.
fn directive(
    text: &str,
    line: u32,
    file: &str,
    conds: &Conditions,
    local_macros: &mut BTreeMap<String, Vec<String>>,
    items: &mut FileItems,
) {
    let Some(rest) = text.strip_prefix("define ") else {
        return;
    };
    if let Some(m) = arg_macro(rest, file, conds) {
        items.macros.push(m);
        return;
    }
    let mut words = rest.split_whitespace();
    let (Some(name), Some(target), None) = (words.next(), words.next(), words.next()) else {
        return;
    };
    let ident = |s: &str| {
        s.bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    };
    if !ident(name) || !ident(target) {
        return;
    }
    if define_macro(target).is_some() {
        local_macros
            .entry(name.to_string())
            .or_default()
            .push(target.to_string());
    } else if name.bytes().any(|b| b.is_ascii_lowercase()) {
        items.aliases.push(Alias {
            name: name.to_string(),
            target: target.to_string(),
            file: file.to_string(),
            line,
            conditions: conds.current(),
        });
    }
}

/// `NAME(params) body` where the body is a piece of an argument list: it has a comma
/// outside brackets (and usually pastes `##` names).
fn arg_macro(rest: &str, file: &str, conds: &Conditions) -> Option<ArgMacro> {
    let open = rest.find('(')?;
    let name = &rest[..open];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return None;
    }
    let close = open + rest[open..].find(')')?;
    let params: Vec<String> = rest[open + 1..close]
        .split(',')
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let body = rest[close + 1..].trim();
    let tokens = tokenize(body);
    if !body.contains("##") || split_commas(&tokens).len() < 2 {
        return None;
    }
    Some(ArgMacro {
        name: name.to_string(),
        params,
        body: body.to_string(),
        file: file.to_string(),
        conditions: conds.current(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(d: &Definition) -> String {
        let p: Vec<String> = d
            .params
            .iter()
            .map(|p| format!("{} {}", p.ty, p.name))
            .collect();
        format!("{}({})", d.symbol, p.join(", "))
    }

    #[test]
    fn syscall_define_types_lose_annotations() {
        let src = "SYSCALL_DEFINE4(openat, int, dfd, const char __user *, filename, int, flags,\n\
                   \t\tumode_t, mode)\n{\n\treturn 0;\n}\n";
        let items = parse(src, "fs/x.c");
        assert_eq!(items.defs.len(), 1);
        let d = &items.defs[0];
        assert_eq!(
            sig(d),
            "sys_openat(int dfd, const char * filename, int flags, umode_t mode)"
        );
        assert_eq!(d.params[1].ty, "const char *");
        assert_eq!(d.line, 1);
        assert_eq!(d.kind, DefKind::SyscallDefine);
    }

    #[test]
    fn pointer_to_pointer_and_const_pointers() {
        let src = "SYSCALL_DEFINE3(ex, const char __user *, f,\n\
                   const char __user *const __user *, argv, struct kernel_foo __user * __user *, p)\n{ }";
        let d = &parse(src, "fs/x.c").defs[0];
        assert_eq!(d.params[1].ty, "const char *const *");
        assert_eq!(d.params[2].ty, "struct kernel_foo **");
    }

    #[test]
    fn define0_and_compat() {
        let src = "SYSCALL_DEFINE0(getfoo)\n{ return 1; }\n\
                   COMPAT_SYSCALL_DEFINE2(bar, compat_uptr_t, p, compat_ulong_t, n)\n{ }\n";
        let defs = parse(src, "kernel/x.c").defs;
        assert_eq!(sig(&defs[0]), "sys_getfoo()");
        assert_eq!(
            sig(&defs[1]),
            "compat_sys_bar(compat_uptr_t p, compat_ulong_t n)"
        );
        assert_eq!(defs[1].kind, DefKind::CompatSyscallDefine);
        assert_eq!(defs[1].line, 3);
    }

    #[test]
    fn macro_definitions_themselves_are_not_syscalls() {
        let src = "#define SYSCALL_DEFINE1(name, ...) SYSCALL_DEFINEx(1, _##name, __VA_ARGS__)\n\
                   long do_thing(int a);\n";
        let items = parse(src, "include/linux/s.h");
        assert!(items.defs.is_empty());
    }

    #[test]
    fn function_pointer_types_nest() {
        let src = "SYSCALL_DEFINE2(hook, int, which, void (__user *)(int, long), fn)\n{ }";
        let d = &parse(src, "kernel/x.c").defs[0];
        assert_eq!(d.params[1].ty, "void (*)(int, long)");
        assert_eq!(d.params[1].name, "fn");
    }

    #[test]
    fn alternatives_under_if_carry_their_conditions() {
        let src = "#ifdef WANT_IT\n#ifdef CONFIG_BACKWARDS\n\
                   SYSCALL_DEFINE2(twist, long, b, long, a)\n\
                   #else\n\
                   SYSCALL_DEFINE2(twist, long, a, long, b)\n\
                   #endif\n{ return 0; }\n#endif\n";
        let defs = parse(src, "kernel/x.c").defs;
        assert_eq!(defs.len(), 2);
        assert_eq!(
            defs[0].conditions,
            ["defined(WANT_IT)", "defined(CONFIG_BACKWARDS)"]
        );
        assert_eq!(
            defs[1].conditions,
            ["defined(WANT_IT)", "!(defined(CONFIG_BACKWARDS))"]
        );
        assert_eq!(defs[1].params[0].name, "a");
    }

    #[test]
    fn plain_functions_with_attributes() {
        let src = "asmlinkage long sys_mmap2(unsigned long addr, unsigned long len,\n\
                   unsigned long pgoff)\n{\n\tint inner(void) { }\n}\n\
                   static long helper(int x) { return x; }\n\
                   int __attribute__((weak)) parisc_thing(const char __user *p, int fds[2]) __cold\n{ }\n\
                   asmlinkage long sys_nothing(void) { }\n\
                   long declared_only(int a);\n";
        let defs = parse(src, "arch/foo/kernel/sys.c").defs;
        let sigs: Vec<String> = defs.iter().map(sig).collect();
        assert_eq!(
            sigs,
            [
                "sys_mmap2(unsigned long addr, unsigned long len, unsigned long pgoff)",
                "parisc_thing(const char * p, int [2] fds)",
                "sys_nothing()",
            ]
        );
        assert!(defs.iter().all(|d| d.kind == DefKind::Function));
    }

    #[test]
    fn enosys_stubs_are_marked() {
        let src = "SYSCALL_DEFINE0(stub)\n{\n\tpr_warn(\"no\");\n\treturn -ENOSYS;\n}\n\
                   SYSCALL_DEFINE1(real, int, x)\n{\n\tif (x)\n\t\treturn -ENOSYS;\n\treturn 0;\n}\n\
                   long proto(int x);\nasmlinkage long sys32_unimpl(int a, int b)\n{ return -ENOSYS; }\n";
        let defs = parse(src, "arch/p/kernel/x.c").defs;
        let marks: Vec<(&str, bool)> = defs
            .iter()
            .map(|d| (d.symbol.as_str(), d.returns_enosys))
            .collect();
        assert_eq!(
            marks,
            [
                ("sys_stub", true),
                ("sys_real", false),
                ("sys32_unimpl", true)
            ]
        );
    }

    #[test]
    fn local_macro_names_define_both_flavours() {
        let src = "#ifdef CONFIG_PPC32\n#define MY_DEFINE2 SYSCALL_DEFINE2\n#else\n\
                   #define MY_DEFINE2 COMPAT_SYSCALL_DEFINE2\n#endif\n\
                   MY_DEFINE2(my_pread, int, fd, u32, lo)\n{ }\n";
        let defs = parse(src, "arch/p/kernel/x.c").defs;
        let syms: Vec<&str> = defs.iter().map(|d| d.symbol.as_str()).collect();
        assert_eq!(syms, ["sys_my_pread", "compat_sys_my_pread"]);
    }

    #[test]
    fn aliases_markers_and_wrappers() {
        let src = "#define sys_mmap2 sys_mmap_pgoff\n#define NR_THINGS 4\n#define sys_x (sys_y)\n\
                   COND_SYSCALL(quux);\nCOND_SYSCALL_COMPAT(quux);\nSYSCALL_ALIAS(sys_a, sys_b);\n\
                   save_static_function(sys_fork);\n";
        let items = parse(src, "arch/foo/kernel/table.c");
        let aliases: Vec<(&str, &str)> = items
            .aliases
            .iter()
            .map(|a| (a.name.as_str(), a.target.as_str()))
            .collect();
        assert_eq!(
            aliases,
            [("sys_mmap2", "sys_mmap_pgoff"), ("sys_a", "sys_b")]
        );
        let markers: Vec<&str> = items.markers.iter().map(|m| m.symbol.as_str()).collect();
        assert_eq!(markers, ["sys_quux", "compat_sys_quux"]);
        assert_eq!(items.asm[0].symbol, "__sys_fork");
        assert_eq!(items.asm[0].calls, ["sys_fork"]);
        assert!(items.defs.is_empty());
    }
}
