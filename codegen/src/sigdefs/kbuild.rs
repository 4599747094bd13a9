//! Which Kconfig options build each source file, from the kbuild `Makefile`s: a definition in
//! `arch/sparc/kernel/entry.S` (`obj-$(CONFIG_SPARC32) += entry.o`) only exists on 32-bit
//! sparc kernels, one in `arch/x86/kernel/sys_x86_64.c` only on 64-bit x86. The conditions
//! are preprocessor expressions (`defined(CONFIG_SPARC32)`) that [`config`](super::config)
//! evaluates like the `#if`s around a definition.
//!
//! Read: `obj-<cond> += a.o b/` (also `lib-`), composite objects (`foo-y := a.o`,
//! `foo-$(CONFIG_X) += b.o`, `foo-objs`), `ifeq ($(CONFIG_X),y)`/`ifdef`/`else`/`endif`, and
//! `$(BITS)` in names (x86 and sparc: `_32` on 32-bit kernels, `_64` on 64-bit ones).
//! Anything else leaves a file unconditional, which is never wrong, only less precise.

use std::collections::BTreeMap;
use std::path::Path;

/// Object path without extension (`arch/sparc/kernel/entry`) or folder (`arch/x86/um/`) ->
/// the conditions (any of which) under which kbuild builds it.
pub type ObjectConditions = BTreeMap<String, Vec<String>>;

/// `$(CONFIG_X)` -> `defined(CONFIG_X)`; `y` -> none; anything else unknown (`None`).
fn condition(selector: &str) -> Option<Option<String>> {
    match selector {
        "y" | "" => Some(None),
        s => {
            let sym = s.strip_prefix("$(")?.strip_suffix(')')?;
            sym.starts_with("CONFIG_")
                .then(|| Some(format!("defined({sym})")))
        }
    }
}

/// Reads one Makefile in folder `dir` (relative to the source root) into `out`.
pub fn read_makefile(text: &str, dir: &str, out: &mut ObjectConditions) {
    // Join continuation lines, drop comments.
    let joined = text.replace("\\\n", " ");
    let mut ifs: Vec<String> = Vec::new();
    // Composite objects: name -> (member, member's own condition).
    let mut members: Vec<(String, String, Option<String>)> = Vec::new();
    let mut objects: Vec<(String, Option<String>)> = Vec::new();
    for line in joined.lines() {
        let line = line.split('#').next().unwrap_or("").trim();
        if let Some(rest) = line
            .strip_prefix("ifeq")
            .or_else(|| line.strip_prefix("ifneq"))
        {
            let negate = line.starts_with("ifneq");
            // ($(CONFIG_X),y)
            let inner = rest.trim().trim_start_matches('(').trim_end_matches(')');
            let cond = match inner.split_once(',') {
                Some((a, b)) if b.trim() == "y" => condition(a.trim()).flatten(),
                Some((a, b)) if a.trim() == "y" => condition(b.trim()).flatten(),
                _ => None,
            };
            let cond = cond.unwrap_or_else(|| "UNKNOWN_MAKE_CONDITION".into());
            ifs.push(if negate { format!("!({cond})") } else { cond });
            continue;
        }
        if let Some(sym) = line.strip_prefix("ifdef ") {
            ifs.push(format!("defined({})", sym.trim()));
            continue;
        }
        if let Some(sym) = line.strip_prefix("ifndef ") {
            ifs.push(format!("!defined({})", sym.trim()));
            continue;
        }
        if line == "else" {
            if let Some(last) = ifs.last_mut() {
                *last = format!("!({last})");
            }
            continue;
        }
        if line == "endif" {
            ifs.pop();
            continue;
        }
        let Some((lhs, rhs)) = line
            .split_once("+=")
            .or_else(|| line.split_once(":="))
            .or_else(|| line.split_once('='))
        else {
            continue;
        };
        let lhs = lhs.trim();
        let Some((name, selector)) = lhs.split_once('-') else {
            continue;
        };
        let selector = if name == "obj" || name == "lib" {
            selector
        } else if let Some(rest) = lhs.strip_suffix("-objs") {
            // `foo-objs := a.o`: members of foo.o, always.
            for member in rhs.split_whitespace() {
                members.push((rest.to_string(), member.to_string(), None));
            }
            continue;
        } else {
            let (name, selector) = lhs.rsplit_once('-').unwrap_or((name, selector));
            let Some(cond) = condition(selector) else {
                continue;
            };
            let cond = and(&ifs, cond);
            for member in rhs.split_whitespace() {
                members.push((name.to_string(), member.to_string(), cond.clone()));
            }
            continue;
        };
        let Some(cond) = condition(selector) else {
            continue;
        };
        let cond = and(&ifs, cond);
        for object in rhs.split_whitespace() {
            objects.push((object.to_string(), cond.clone()));
        }
    }
    // Expand composites one level: members get the composite's condition and their own.
    let mut expanded: Vec<(String, Option<String>)> = Vec::new();
    for (object, cond) in &objects {
        let stem = object.strip_suffix(".o").unwrap_or(object);
        let own: Vec<&(String, String, Option<String>)> =
            members.iter().filter(|(c, _, _)| c == stem).collect();
        if own.is_empty() {
            expanded.push((object.clone(), cond.clone()));
        }
        for (_, member, member_cond) in own {
            let both = match (cond, member_cond) {
                (Some(a), Some(b)) => Some(format!("{a} && {b}")),
                (a, b) => a.clone().or(b.clone()),
            };
            expanded.push((member.clone(), both));
        }
    }
    for (object, cond) in expanded {
        for (name, extra) in bits_variants(&object) {
            let key = if let Some(folder) = name.strip_suffix('/') {
                format!("{dir}/{folder}/")
            } else if let Some(stem) = name.strip_suffix(".o") {
                format!("{dir}/{stem}")
            } else {
                continue;
            };
            if key.contains("$(") {
                continue;
            }
            let all = match (&cond, extra) {
                (Some(c), Some(e)) => format!("{c} && {e}"),
                (Some(c), None) => c.clone(),
                (None, Some(e)) => e.to_string(),
                (None, None) => "1".to_string(),
            };
            out.entry(key).or_default().push(all);
        }
    }
}

/// `foo_$(BITS).o` -> `foo_32.o` on 32-bit kernels and `foo_64.o` on 64-bit ones.
fn bits_variants(object: &str) -> Vec<(String, Option<&'static str>)> {
    if object.contains("$(BITS)") {
        vec![
            (
                object.replace("$(BITS)", "32"),
                Some("!defined(CONFIG_64BIT)"),
            ),
            (
                object.replace("$(BITS)", "64"),
                Some("defined(CONFIG_64BIT)"),
            ),
        ]
    } else {
        vec![(object.to_string(), None)]
    }
}

fn and(ifs: &[String], cond: Option<String>) -> Option<String> {
    let mut all: Vec<String> = ifs.to_vec();
    all.extend(cond);
    (!all.is_empty()).then(|| all.join(" && "))
}

/// The condition under which kbuild builds `file` (relative path, `arch/x86/kernel/a.c`):
/// its object's, and its folders'. `None` when unconditional or unknown.
pub fn file_condition(objects: &ObjectConditions, file: &str) -> Option<String> {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let mut parts = Vec::new();
    let any = |conds: &Vec<String>| -> Option<String> {
        if conds.iter().any(|c| c == "1") {
            return None;
        }
        Some(if conds.len() == 1 {
            conds[0].clone()
        } else {
            conds
                .iter()
                .map(|c| format!("({c})"))
                .collect::<Vec<_>>()
                .join(" || ")
        })
    };
    if let Some(c) = objects.get(stem).and_then(any) {
        parts.push(c);
    }
    let mut dir = stem;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if let Some(c) = objects.get(&format!("{parent}/")).and_then(any) {
            parts.push(c);
        }
        dir = parent;
    }
    (!parts.is_empty()).then(|| parts.join(" && "))
}

/// Reads every `Makefile` and `Kbuild` under `root/<dir>` for each of `dirs`.
pub fn scan(root: &Path, dirs: &[&str]) -> ObjectConditions {
    let mut out = ObjectConditions::new();
    for dir in dirs {
        walk(root, &root.join(dir), &mut out);
    }
    out
}

fn walk(root: &Path, dir: &Path, out: &mut ObjectConditions) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(root, &path, out);
        } else if matches!(entry.file_name().to_str(), Some("Makefile" | "Kbuild")) {
            if let Ok(text) = std::fs::read_to_string(&path) {
                let rel = dir
                    .strip_prefix(root)
                    .unwrap_or(dir)
                    .to_string_lossy()
                    .replace('\\', "/");
                read_makefile(&text, &rel, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_composites_bits_and_ifs() {
        let mut out = ObjectConditions::new();
        read_makefile(
            "obj-y += common.o sig_$(BITS).o\nobj-$(CONFIG_SMALL) += entry.o \\\n\tmore.o\n\
             obj-$(CONFIG_COMPAT) += compat/\nobj-$(CONFIG_BIG) += both.o\nobj-$(CONFIG_SMALL) += both.o\n\
             obj-$(CONFIG_THING) += thing.o\nthing-y := t1.o\nthing-$(CONFIG_EXTRA) += t2.o\n\
             ifeq ($(CONFIG_FOO),y)\nobj-y += foo.o\nelse\nobj-y += nofoo.o\nendif\n",
            "arch/z/kernel",
            &mut out,
        );
        let f = |file: &str| file_condition(&out, file);
        assert_eq!(f("arch/z/kernel/common.c"), None);
        assert_eq!(
            f("arch/z/kernel/sig_32.c").as_deref(),
            Some("!defined(CONFIG_64BIT)")
        );
        assert_eq!(
            f("arch/z/kernel/sig_64.c").as_deref(),
            Some("defined(CONFIG_64BIT)")
        );
        assert_eq!(
            f("arch/z/kernel/more.S").as_deref(),
            Some("defined(CONFIG_SMALL)")
        );
        assert_eq!(
            f("arch/z/kernel/both.c").as_deref(),
            Some("(defined(CONFIG_BIG)) || (defined(CONFIG_SMALL))")
        );
        assert_eq!(
            f("arch/z/kernel/compat/x.c").as_deref(),
            Some("defined(CONFIG_COMPAT)")
        );
        assert_eq!(
            f("arch/z/kernel/t1.c").as_deref(),
            Some("defined(CONFIG_THING)")
        );
        assert_eq!(
            f("arch/z/kernel/t2.c").as_deref(),
            Some("defined(CONFIG_THING) && defined(CONFIG_EXTRA)")
        );
        assert_eq!(
            f("arch/z/kernel/foo.c").as_deref(),
            Some("defined(CONFIG_FOO)")
        );
        assert_eq!(
            f("arch/z/kernel/nofoo.c").as_deref(),
            Some("!(defined(CONFIG_FOO))")
        );
        assert_eq!(f("arch/z/kernel/unknown.c"), None);
    }
}
