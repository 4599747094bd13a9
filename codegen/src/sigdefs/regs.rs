//! What a function that takes the saved user registers (`struct pt_regs *regs`) does with
//! the syscall's argument registers, and arm's dispatcher of private calls (`arm_syscall()`):
//! the user-visible arguments of such a call are the argument registers it passes, whole,
//! into one function with declared parameters, in register order.
//!
//! The rule, for one function body (or one `case` block of a dispatcher):
//! - `f(..., regs->R, ...)` (a cast allowed): argument register `R` is `f`'s parameter at that
//!   position;
//! - `x = regs->R;` into a local `x`, then `x` passed whole to `f`: the same;
//! - `x = regs->R;` whose only other use is `regs->R = x;` (the same register): saved and
//!   restored around a call that clobbers it, not an argument;
//! - `return regs->R;`: hands the register back unchanged, not an argument;
//! - anything else (a register stored into a struct field, tested, computed with, or passed
//!   to two functions) is not understood: the call stays unresolved with the reason.
//!
//! No argument register read at all: the call takes no arguments.

use super::lex::{Kind, Token};
use serde::{Deserialize, Serialize};

/// How an arch's saved registers name its syscall argument registers.
struct ArgRegs {
    arch: &'static str,
    /// `regs->FIELD[INDEX]` (sparc): the array field; `None`: `regs->NAME` (arm, m68k).
    array: Option<&'static str>,
    /// The names of argument 0, 1, ... (fields, or the array's index constants).
    names: &'static [&'static str],
}

/// - arm: `ARM_r0` is `uregs[0]` (arch/arm/include/uapi/asm/ptrace.h), and arguments 0..6
///   are r0..r6 (arch/arm/kernel/entry-common.S pushes r4, r5 as the "fifth and sixth args").
/// - sparc: the C syscall gets `%i0`..`%i5` of the trap frame as its arguments
///   (`linux_sparc_syscall`: `mov %i0, %o0` ... in arch/sparc/kernel/syscalls.S), which are
///   `regs->u_regs[UREG_I0]`.. (`UREG_I0` in arch/sparc/include/uapi/asm/ptrace.h).
/// - m68k: the C syscall is called (`jbsr @(sys_call_table,%d0:l:4)@(0)`, arch/m68k/kernel/
///   entry.S) with the saved `struct pt_regs` on top of the stack, so its stack arguments are
///   the first fields `d1, d2, d3, d4, d5, a0` (arch/m68k/include/uapi/asm/ptrace.h).
const ARG_REGS: &[ArgRegs] = &[
    ArgRegs {
        arch: "arm",
        array: None,
        names: &[
            "ARM_r0", "ARM_r1", "ARM_r2", "ARM_r3", "ARM_r4", "ARM_r5", "ARM_r6",
        ],
    },
    ArgRegs {
        arch: "sparc",
        array: Some("u_regs"),
        names: &[
            "UREG_I0", "UREG_I1", "UREG_I2", "UREG_I3", "UREG_I4", "UREG_I5",
        ],
    },
    ArgRegs {
        arch: "m68k",
        array: None,
        names: &["d1", "d2", "d3", "d4", "d5", "a0"],
    },
];

/// Functions that dispatch an arch's private calls with `switch` over `case NR(name):`.
pub const DISPATCHERS: &[(&str, &str)] = &[("arm", "arm_syscall")];

/// Whether the arch's argument registers are known here.
pub fn knows_arch(arch: &str) -> bool {
    ARG_REGS.iter().any(|r| r.arch == arch)
}

/// What a body does with the argument registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegsUse {
    /// Reads no argument register (as an argument): no arguments.
    Nothing,
    /// Passes registers whole into `callee`: `(register, parameter position)`, by register.
    Passed {
        callee: String,
        line: u32,
        regs: Vec<(u8, u8)>,
    },
    /// Something the rule does not understand.
    Unclear(String),
}

/// One private call of a dispatcher: `case NR(name):` and what its block does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateCall {
    pub name: String,
    pub dispatcher: String,
    pub file: String,
    pub line: u32,
    pub regs_use: RegsUse,
}

/// The argument register read at `k` (`regs -> ...`): its number and the index after it.
fn reg_at(t: &[Token<'_>], k: usize, regs: &str, ar: &ArgRegs) -> Option<(u8, usize)> {
    let is = |i: usize, s: &str| t.get(i).is_some_and(|x| x.text == s);
    if !(t[k].kind == Kind::Ident && t[k].text == regs && is(k + 1, "-") && is(k + 2, ">")) {
        return None;
    }
    let f = t.get(k + 3)?;
    let (name, end) = match ar.array {
        None => (f, k + 4),
        Some(array) => {
            if f.text != array || !is(k + 4, "[") || !is(k + 6, "]") {
                return None;
            }
            (t.get(k + 5)?, k + 7)
        }
    };
    let n = ar.names.iter().position(|n| name.text == *n)?;
    Some((u8::try_from(n).ok()?, end))
}

/// Where the expression holding `[s, e)` starts once a cast `(type)` before it is included.
fn cast_start(t: &[Token<'_>], s: usize) -> usize {
    if s == 0 || !t[s - 1].is_punct(')') {
        return s;
    }
    let mut j = s - 1;
    while j > 0 {
        j -= 1;
        if t[j].is_punct('(') {
            let inner = &t[j + 1..s - 1];
            let is_type = !inner.is_empty()
                && inner
                    .iter()
                    .all(|x| x.kind == Kind::Ident || x.is_punct('*'));
            return if is_type { j } else { s };
        }
        if !(t[j].kind == Kind::Ident || t[j].is_punct('*')) {
            return s;
        }
    }
    s
}

/// If `[a, e)` is a whole argument of a call: the callee and the argument's position.
fn call_arg(t: &[Token<'_>], a: usize, e: usize) -> Option<(String, u8)> {
    let before = t.get(a.checked_sub(1)?)?;
    let after = t.get(e)?;
    if !(before.is_punct('(') || before.is_punct(','))
        || !(after.is_punct(')') || after.is_punct(','))
    {
        return None;
    }
    let mut depth = 0usize;
    let mut commas = 0u8;
    let mut j = a;
    while j > 0 {
        j -= 1;
        let x = &t[j];
        if x.is_punct(')') || x.is_punct(']') {
            depth += 1;
        } else if x.is_punct('(') || x.is_punct('[') {
            if depth == 0 {
                let callee = t.get(j.checked_sub(1)?)?;
                let keyword = matches!(
                    callee.text.as_ref(),
                    "if" | "while" | "for" | "switch" | "return" | "sizeof"
                );
                return (x.is_punct('(') && callee.kind == Kind::Ident && !keyword)
                    .then(|| (callee.text.to_string(), commas));
            }
            depth -= 1;
        } else if x.is_punct(',') && depth == 0 {
            commas += 1;
        } else if depth == 0 && (x.is_punct(';') || x.is_punct('{') || x.is_punct('}')) {
            return None;
        }
    }
    None
}

/// What `body` (the tokens of a function body or a case block) does with the argument
/// registers of `arch` read through `regs`. `None` if the arch's registers are unknown.
pub fn analyse(body: &[Token<'_>], regs: &str, arch: &str) -> Option<RegsUse> {
    let ar = ARG_REGS.iter().find(|r| r.arch == arch)?;
    let t = body;
    let mut passed: Vec<(String, u32, u8, u8)> = Vec::new();
    // Locals holding a register: (name, register, index of the store).
    let mut locals: Vec<(String, u8, usize)> = Vec::new();
    let unclear = |what: &str, line: u32, n: u8| {
        Some(RegsUse::Unclear(format!(
            "argument register {n} {what} (line {line}): not a call's declared parameter"
        )))
    };
    let mut k = 0;
    while k < t.len() {
        let Some((n, e)) = reg_at(t, k, regs, ar) else {
            k += 1;
            continue;
        };
        let line = t[k].line;
        // A write `regs->R = ...;` (not `==`).
        if t.get(e).is_some_and(|x| x.is_punct('='))
            && !t.get(e + 1).is_some_and(|x| x.is_punct('='))
            && !(k >= 1 && t[k - 1].is_punct('='))
        {
            let restore = t.get(e + 1).is_some_and(|x| {
                locals
                    .iter()
                    .any(|(l, r, _)| *r == n && x.text == l.as_str())
            }) && t.get(e + 2).is_some_and(|x| x.is_punct(';'));
            if !restore {
                return unclear("is overwritten", line, n);
            }
            k = e;
            continue;
        }
        let a = cast_start(t, k);
        if let Some((callee, pos)) = call_arg(t, a, e) {
            passed.push((callee, line, n, pos));
        } else if a >= 1 && t[a - 1].text == "return" && t.get(e).is_some_and(|x| x.is_punct(';')) {
            // Handed back unchanged.
        } else if a >= 2
            && t[a - 1].is_punct('=')
            && t[a - 2].kind == Kind::Ident
            && t.get(e).is_some_and(|x| x.is_punct(';'))
            && !(a >= 3 && (t[a - 3].is_punct('.') || t[a - 3].is_punct('>')))
        {
            let name = t[a - 2].text.to_string();
            if locals.iter().any(|(l, _, _)| *l == name) {
                return unclear(&format!("is stored into `{name}` a second time"), line, n);
            }
            locals.push((name, n, a - 2));
        } else if a >= 3
            && t[a - 1].is_punct('=')
            && (t[a - 3].is_punct('.') || t[a - 3].is_punct('>'))
        {
            return unclear(
                &format!("is stored into the struct field `{}`", t[a - 2].text),
                line,
                n,
            );
        } else {
            return unclear("is used in an expression", line, n);
        }
        k = e;
    }
    // The uses of the locals.
    for (name, n, store) in &locals {
        let mut j = 0;
        while j < t.len() {
            let x = &t[j];
            if x.kind != Kind::Ident || x.text != name.as_str() || j == *store {
                j += 1;
                continue;
            }
            let prev = j.checked_sub(1).map(|p| &t[p]);
            let next = t.get(j + 1);
            // A declaration `type name;` / `type *name,`.
            let declared = prev.is_some_and(|p| p.kind == Kind::Ident || p.is_punct('*'))
                && next.is_some_and(|x| x.is_punct(';') || x.is_punct(','))
                && prev.is_some_and(|p| !matches!(p.text.as_ref(), "return"));
            // `regs->R = name;` of the same register: a restore, seen above.
            let restored = j >= 2
                && t[j - 1].is_punct('=')
                && next.is_some_and(|x| x.is_punct(';'))
                && (0..j - 1).rev().take(7).any(|s| {
                    reg_at(t, s, regs, ar).is_some_and(|(r, end)| r == *n && end == j - 1)
                });
            if declared || restored {
                j += 1;
                continue;
            }
            match call_arg(t, j, j + 1) {
                Some((callee, pos)) => passed.push((callee, x.line, *n, pos)),
                None => {
                    return unclear(
                        &format!(
                        "is stored into `{name}`, which is used otherwise than passed to a call"
                    ),
                        x.line,
                        *n,
                    )
                }
            }
            j += 1;
        }
    }
    if passed.is_empty() {
        return Some(RegsUse::Nothing);
    }
    let mut callees: Vec<&str> = passed.iter().map(|p| p.0.as_str()).collect();
    callees.dedup();
    callees.sort_unstable();
    callees.dedup();
    if callees.len() > 1 {
        return Some(RegsUse::Unclear(format!(
            "argument registers go to several functions ({})",
            callees.join(", ")
        )));
    }
    let mut regs_pos: Vec<(u8, u8)> = passed.iter().map(|p| (p.2, p.3)).collect();
    regs_pos.sort_unstable();
    let line = passed.iter().map(|p| p.1).min().unwrap_or(0);
    for (i, (r, _)) in regs_pos.iter().enumerate() {
        if usize::from(*r) != i {
            return Some(RegsUse::Unclear(format!(
                "the registers passed to {} are not argument registers 0..{} once each",
                callees[0],
                regs_pos.len()
            )));
        }
    }
    Some(RegsUse::Passed {
        callee: callees[0].to_string(),
        line,
        regs: regs_pos,
    })
}

/// Which struct fields each value reaches in `body`: for `.field = EXPR` (an initializer),
/// `x.field = EXPR;` and `x->field = EXPR;`, the keys `mention` finds in `EXPR` (a register
/// read, a parameter name), directly or through a local assigned from them
/// (`flags = lower_32_bits(regs->u_regs[UREG_I0]);`). `mention(k)` gives the key of the value
/// starting at token `k` and the index after it.
pub fn field_stores(
    body: &[Token<'_>],
    mention: impl Fn(usize) -> Option<(String, usize)>,
) -> std::collections::BTreeMap<String, Vec<String>> {
    use std::collections::{BTreeMap, BTreeSet};
    let t = body;
    let mut taint: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for i in 2..t.len() {
        let assign = t[i].is_punct('=')
            && !t.get(i + 1).is_some_and(|x| x.is_punct('='))
            && t[i - 1].kind == Kind::Ident
            && !matches!(t[i - 1].text.as_ref(), "return");
        if !assign {
            continue;
        }
        // The expression, to the next `,` `;` or closing brace outside brackets.
        let mut depth = 0usize;
        let mut end = i + 1;
        while end < t.len() {
            let x = &t[end];
            if x.is_punct('(') || x.is_punct('[') || x.is_punct('{') {
                depth += 1;
            } else if x.is_punct(')') || x.is_punct(']') || x.is_punct('}') {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            } else if depth == 0 && (x.is_punct(',') || x.is_punct(';')) {
                break;
            }
            end += 1;
        }
        let mut keys: BTreeSet<String> = BTreeSet::new();
        let mut k = i + 1;
        while k < end {
            if let Some((key, after)) = mention(k) {
                keys.insert(key);
                k = after.max(k + 1);
                continue;
            }
            if let Some(from) = taint.get(t[k].text.as_ref()) {
                if t[k].kind == Kind::Ident {
                    keys.extend(from.iter().cloned());
                }
            }
            k += 1;
        }
        let field = t[i - 2].is_punct('.') || t[i - 2].is_punct('>');
        if field {
            for key in keys {
                out.entry(key)
                    .or_default()
                    .insert(t[i - 1].text.to_string());
            }
        } else if !keys.is_empty() {
            taint
                .entry(t[i - 1].text.to_string())
                .or_default()
                .extend(keys);
        }
    }
    out.into_iter()
        .map(|(k, v)| (k, v.into_iter().collect()))
        .collect()
}

/// [`field_stores`] of the argument registers of `arch` read through `regs` (keys: the
/// argument numbers).
pub fn register_field_stores(
    body: &[Token<'_>],
    regs: &str,
    arch: &str,
) -> std::collections::BTreeMap<String, Vec<String>> {
    let Some(ar) = ARG_REGS.iter().find(|r| r.arch == arch) else {
        return Default::default();
    };
    field_stores(body, |k| {
        reg_at(body, k, regs, ar).map(|(n, end)| (n.to_string(), end))
    })
}

/// The private calls of a dispatcher's body (the tokens between its braces): each
/// `case NR(name):` (where `NR` pastes a `..._NR_##` prefix: `nr_macros`) or
/// `case __ARM_NR_name:` of its first `switch`, with what its block does.
pub fn private_calls(
    body: &[Token<'_>],
    regs: &str,
    arch: &str,
    nr_macros: &[String],
    dispatcher: &str,
    file: &str,
) -> Vec<PrivateCall> {
    let Some(sw) = body.iter().position(|x| x.text == "switch") else {
        return Vec::new();
    };
    let Some(open) = (sw..body.len()).find(|&i| body[i].is_punct('{')) else {
        return Vec::new();
    };
    let Some(close) = super::c::matching(body, open) else {
        return Vec::new();
    };
    // Labels at the switch's own depth: (label name if one, index after the `:`).
    let mut labels: Vec<(Option<String>, u32, usize, usize)> = Vec::new();
    let mut depth = 0usize;
    let mut i = open + 1;
    while i < close {
        let x = &body[i];
        if x.is_punct('{') || x.is_punct('(') {
            depth += 1;
        } else if x.is_punct('}') || x.is_punct(')') {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && (x.text == "case" || x.text == "default") {
            let Some(colon) = (i..close).find(|&c| body[c].is_punct(':')) else {
                break;
            };
            let label = &body[i + 1..colon];
            let name = match label {
                [m, o, n, c]
                    if o.is_punct('(')
                        && c.is_punct(')')
                        && nr_macros.iter().any(|x| x == m.text.as_ref()) =>
                {
                    Some(n.text.to_string())
                }
                [n] => n.text.split_once("_NR_").map(|(_, s)| s.to_string()),
                _ => None,
            };
            labels.push((name, x.line, i, colon + 1));
            i = colon + 1;
            continue;
        }
        i += 1;
    }
    let mut out = Vec::new();
    for (k, (name, line, _, start)) in labels.iter().enumerate() {
        let Some(name) = name else { continue };
        // Labels with an empty block share the next one.
        let mut b = k;
        let block = loop {
            let end = labels.get(b + 1).map_or(close, |l| l.2);
            let s = labels[b].3;
            if s < end || b + 1 >= labels.len() {
                break &body[s..end];
            }
            b += 1;
        };
        let _ = start;
        let regs_use = if ends_case(block) {
            analyse(block, regs, arch).unwrap_or(RegsUse::Unclear(format!(
                "the argument registers of {arch} are not known"
            )))
        } else {
            RegsUse::Unclear("its block falls through into the next case".into())
        };
        out.push(PrivateCall {
            name: name.clone(),
            dispatcher: dispatcher.to_string(),
            file: file.to_string(),
            line: *line,
            regs_use,
        });
    }
    out
}

/// Whether a case block's last statement is `return ...;` or `break;`.
fn ends_case(block: &[Token<'_>]) -> bool {
    let Some(last) = block.iter().rposition(|x| x.is_punct(';')) else {
        return false;
    };
    let mut depth = 0usize;
    let mut s = last;
    while s > 0 {
        let x = &block[s - 1];
        if x.is_punct(')') || x.is_punct(']') {
            depth += 1;
        } else if x.is_punct('(') || x.is_punct('[') {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && (x.is_punct(';') || x.is_punct('{') || x.is_punct('}')) {
            break;
        }
        s -= 1;
    }
    block
        .get(s)
        .is_some_and(|x| x.text == "return" || x.text == "break")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigdefs::lex::tokenize;

    /// What the body of a `struct pt_regs *regs` function does, on `arch`.
    fn body(arch: &str, src: &str) -> RegsUse {
        analyse(&tokenize(src), "regs", arch).unwrap()
    }

    /// The private calls of a small dispatcher written here (not kernel code).
    fn cases(switch_body: &str) -> Vec<(String, RegsUse)> {
        let src =
            format!("if (no > 9) return -1;\nswitch (no & 0xff) {{\n{switch_body}\n}}\nreturn 0;");
        private_calls(
            &tokenize(&src),
            "regs",
            "arm",
            &["NR".to_string()],
            "arm_syscall",
            "arch/arm/kernel/traps.c",
        )
        .into_iter()
        .map(|c| (c.name, c.regs_use))
        .collect()
    }

    fn passed(callee: &str, regs: &[(u8, u8)]) -> RegsUse {
        RegsUse::Passed {
            callee: callee.into(),
            line: 0,
            regs: regs.to_vec(),
        }
    }

    /// `Passed` without its line, for comparisons.
    fn strip(u: RegsUse) -> RegsUse {
        match u {
            RegsUse::Passed { callee, regs, .. } => RegsUse::Passed {
                callee,
                line: 0,
                regs,
            },
            other => other,
        }
    }

    #[test]
    fn registers_map_to_the_positions_they_are_passed_at() {
        // r1 goes to the first parameter, r0 to the second: user argument 0 is parameter 1.
        let u = strip(body(
            "arm",
            "return swap_it(regs->ARM_r1, (int)regs->ARM_r0);",
        ));
        assert_eq!(u, passed("swap_it", &[(0, 1), (1, 0)]));
        let u = strip(body(
            "arm",
            "return f(0, regs->ARM_r0, regs->ARM_r1, regs->ARM_r2);",
        ));
        assert_eq!(u, passed("f", &[(0, 1), (1, 2), (2, 3)]));
    }

    #[test]
    fn a_returned_register_is_not_an_argument() {
        assert_eq!(
            body(
                "arm",
                "regs->ARM_pc -= 4;\nptrace_it(regs);\nreturn regs->ARM_r0;"
            ),
            RegsUse::Nothing
        );
        // Returned after a computation, it is not understood.
        assert!(matches!(
            body("arm", "return regs->ARM_r0 + 1;"),
            RegsUse::Unclear(_)
        ));
    }

    #[test]
    fn registers_split_between_functions_are_not_understood() {
        let u = body(
            "arm",
            "log_it(regs->ARM_r2);\nreturn do_x(regs->ARM_r0, regs->ARM_r1);",
        );
        let RegsUse::Unclear(why) = u else {
            panic!("{u:?}")
        };
        assert!(why.contains("do_x") && why.contains("log_it"), "{why}");
        // A call that takes no register is no argument's home.
        let u = strip(body(
            "arm",
            "pr_info(\"x\", current);\ndo_y(regs->ARM_r0);\nreturn 0;",
        ));
        assert_eq!(u, passed("do_y", &[(0, 0)]));
    }

    #[test]
    fn gaps_stores_and_tests_are_not_understood() {
        // r1 without r0: not arguments 0..n.
        assert!(matches!(
            body("arm", "return g(regs->ARM_r1);"),
            RegsUse::Unclear(_)
        ));
        let u = body(
            "sparc",
            "args.tls = regs->u_regs[UREG_I3];\nreturn go(&args);",
        );
        assert!(
            matches!(&u, RegsUse::Unclear(w) if w.contains("struct field `tls`")),
            "{u:?}"
        );
        assert!(matches!(
            body("arm", "if (regs->ARM_r0)\n\treturn 1;\nreturn 0;"),
            RegsUse::Unclear(_)
        ));
        assert!(matches!(
            body("arm", "regs->ARM_r0 = 5;\nreturn 0;"),
            RegsUse::Unclear(_)
        ));
        // Registers that are not argument registers do not count.
        assert_eq!(
            body(
                "sparc",
                "args.stack = regs->u_regs[UREG_FP];\nreturn go(&args);"
            ),
            RegsUse::Nothing
        );
    }

    #[test]
    fn saved_and_restored_registers_and_locals() {
        let fork = "unsigned long orig_i1;\nlong ret;\norig_i1 = regs->u_regs[UREG_I1];\n\
                    ret = go(&args);\nif (ret < 0)\n\tregs->u_regs[UREG_I1] = orig_i1;\nreturn ret;";
        assert_eq!(body("sparc", fork), RegsUse::Nothing);
        let via_locals = "struct thing *p;\nunsigned long n;\n\
                          p = (struct thing *)regs->u_regs[UREG_I0];\nn = regs->u_regs[UREG_I1];\n\
                          return take(p, n);";
        assert_eq!(
            strip(body("sparc", via_locals)),
            passed("take", &[(0, 0), (1, 1)])
        );
        // A local used otherwise than passed on is not understood.
        let used = "unsigned long n = regs->u_regs[UREG_I0];\nreturn n * 2;";
        assert!(matches!(body("sparc", used), RegsUse::Unclear(_)));
        // m68k's argument 0 is d1 (d0 holds the number); unknown arches are not analysed.
        let u = strip(body("m68k", "return f((struct x *)regs->d1, regs->d2);"));
        assert_eq!(u, passed("f", &[(0, 0), (1, 1)]));
        assert!(matches!(
            body("m68k", "return f(regs->d2);"),
            RegsUse::Unclear(_)
        ));
        assert_eq!(
            analyse(&tokenize("return f(regs->gpr[3]);"), "regs", "powerpc"),
            None
        );
    }

    #[test]
    fn dispatcher_cases() {
        let got = cases(
            "case 0:\n\tdie(regs);\n\treturn 0;\n\
             case NR(flush):\n\treturn flush_it(regs->ARM_r0, regs->ARM_r1);\n\
             case NR(same):\n\
             case NR(alias):\n\tset_it(regs->ARM_r0);\n\treturn 0;\n\
             case NR(mode):\n\tif (!ok)\n\t\tbreak;\n\tregs->ARM_cpsr |= 1;\n\treturn regs->ARM_r0;\n\
             case NR(get):\n\treturn current_thread()->value;\n\
             case NR(falls):\n\tdo_a(regs->ARM_r0);\n\
             case __ARM_NR_direct:\n\treturn other(regs->ARM_r0);\n\
             default:\n\treturn -1;",
        );
        let got: Vec<(String, RegsUse)> = got.into_iter().map(|(n, u)| (n, strip(u))).collect();
        assert_eq!(
            got[0],
            ("flush".into(), passed("flush_it", &[(0, 0), (1, 1)]))
        );
        // Labels sharing a block share its arguments.
        assert_eq!(got[1], ("same".into(), passed("set_it", &[(0, 0)])));
        assert_eq!(got[2], ("alias".into(), passed("set_it", &[(0, 0)])));
        assert_eq!(got[3], ("mode".into(), RegsUse::Nothing));
        assert_eq!(got[4], ("get".into(), RegsUse::Nothing));
        assert!(
            matches!(&got[5], (n, RegsUse::Unclear(w)) if n == "falls" && w.contains("falls through"))
        );
        assert_eq!(got[6], ("direct".into(), passed("other", &[(0, 0)])));
        assert_eq!(got.len(), 7, "`case 0` and `default` name no call");
    }
}
