//! Evaluating header macros with a real C front end (bindgen on libclang).
//!
//! Two passes over one translation unit. Pass 1 lists every macro the headers define, and
//! every file clang included. Pass 2 appends an enum whose enumerators are the wanted macros,
//! each guarded by `#ifdef`, and reads the values clang computed for them. Evaluating at the
//! end of the translation unit is what makes `#undef` (csky's `sync_file_range`) and forward
//! aliases (alpha's `#define __NR_getpid __NR_getxpid` before the target exists) come out as the
//! C preprocessor means them; bindgen's own macro evaluation gets both wrong.

use crate::abi::CLANG_TARGET;
use crate::error::{Error, Result};
use bindgen::callbacks::{EnumVariantValue, MacroParsingBehavior, ParseCallbacks};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// What clang made of one translation unit.
#[derive(Debug, Clone, Default)]
pub struct Evaluation {
    /// Every file clang included, in order of first inclusion.
    pub included: Vec<PathBuf>,
    /// Object-like macros that were defined at some point, in order of first definition.
    pub macros: Vec<String>,
    /// The integer value of each wanted macro still defined at the end of the unit.
    pub values: BTreeMap<String, i64>,
}

/// One translation unit to evaluate: `#include`s, include directories, extra clang arguments.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    /// Headers to include, in order (`asm/unistd.h`).
    pub headers: &'a [&'a str],
    /// `-I` directories, searched in order; nothing else is (`-nostdinc`).
    pub include_dirs: &'a [PathBuf],
    /// Further clang arguments (`-D`, `-U`).
    pub clang_args: &'a [&'a str],
}

impl Unit<'_> {
    fn source(&self) -> String {
        self.headers
            .iter()
            .map(|h| format!("#include <{h}>\n"))
            .collect()
    }

    fn args(&self) -> Vec<String> {
        let mut args = vec![
            "-nostdinc".to_string(),
            format!("--target={CLANG_TARGET}"),
            "-xc".to_string(),
            "-std=gnu11".to_string(),
        ];
        args.extend(
            self.include_dirs
                .iter()
                .map(|d| format!("-I{}", d.display())),
        );
        args.extend(self.clang_args.iter().map(|a| a.to_string()));
        args
    }

    /// The first include directory that has `header`, if any.
    pub fn find(&self, header: &str) -> Option<PathBuf> {
        self.include_dirs
            .iter()
            .map(|d| d.join(header))
            .find(|p| p.is_file())
    }
}

/// Evaluates `unit`, keeping the values of the macros `wanted` selects.
///
/// Needs libclang loaded on this thread (see [`crate::libclang`]).
pub fn evaluate(unit: &Unit<'_>, wanted: impl Fn(&str) -> bool) -> Result<Evaluation> {
    for header in unit.headers {
        if unit.find(header).is_none() {
            let dirs: Vec<String> = unit
                .include_dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect();
            return Err(Error::new(format!("no {header} in the include path [{}]", dirs.join(", ")))
                .file(header)
                .hint("the header tree is incomplete: re-run `cargo xtask headers`, or check the tree given with --kernel/--headers"));
        }
    }

    // Pass 1: names and files.
    let base = unit.source();
    let first = run_bindgen(&base, unit, None)?;
    let collected = first.lock().expect("callbacks never panic");
    let func_like = &collected.func_like;
    let macros: Vec<String> = collected.macros.clone();
    let included = collected.included.clone();
    let probe_names: Vec<&String> = macros
        .iter()
        .filter(|m| !func_like.contains(*m) && wanted(m))
        .collect();

    // Pass 2: the values at the end of the unit.
    let mut source = base;
    source.push_str("enum __sysprobe {\n  __sysprobe_none = 0,\n");
    for (i, name) in probe_names.iter().enumerate() {
        source.push_str(&format!(
            "#ifdef {name}\n  __sysprobe_{i} = {name},\n#endif\n"
        ));
    }
    source.push_str("};\n");
    let second = run_bindgen(&source, unit, Some("__sysprobe"))?;
    let probed = second.lock().expect("callbacks never panic");
    let mut values = BTreeMap::new();
    for (variant, value) in &probed.variants {
        let Some(index) = variant
            .strip_prefix("__sysprobe_")
            .and_then(|i| i.parse::<usize>().ok())
        else {
            continue;
        };
        values.insert(probe_names[index].clone(), *value);
    }
    Ok(Evaluation {
        included,
        macros,
        values,
    })
}

#[derive(Debug, Default)]
struct Collected {
    macros: Vec<String>,
    seen: BTreeSet<String>,
    func_like: BTreeSet<String>,
    included: Vec<PathBuf>,
    variants: Vec<(String, i64)>,
}

#[derive(Debug)]
struct Collector(Arc<Mutex<Collected>>);

impl ParseCallbacks for Collector {
    fn will_parse_macro(&self, name: &str) -> MacroParsingBehavior {
        let mut c = self.0.lock().expect("poisoned only by a panic in here");
        if c.seen.insert(name.to_string()) {
            c.macros.push(name.to_string());
        }
        MacroParsingBehavior::Default
    }

    fn func_macro(&self, signature: &str, _value: &[&[u8]]) {
        // `signature` is the macro's name and parameter list: `__NR_x(a,b)`.
        let name = signature.split('(').next().unwrap_or(signature);
        let mut c = self.0.lock().expect("poisoned only by a panic in here");
        c.func_like.insert(name.to_string());
    }

    fn include_file(&self, filename: &str) {
        let mut c = self.0.lock().expect("poisoned only by a panic in here");
        let path = PathBuf::from(filename);
        if !c.included.contains(&path) {
            c.included.push(path);
        }
    }

    fn enum_variant_name(
        &self,
        _enum_name: Option<&str>,
        variant: &str,
        value: EnumVariantValue,
    ) -> Option<String> {
        let value = match value {
            EnumVariantValue::Boolean(b) => i64::from(b),
            EnumVariantValue::Signed(v) => v,
            // Values above i64::MAX do not occur in the headers we read; keep the bits.
            EnumVariantValue::Unsigned(v) => v as i64,
        };
        let mut c = self.0.lock().expect("poisoned only by a panic in here");
        c.variants.push((variant.to_string(), value));
        None
    }
}

/// One bindgen run; `allow` limits code generation to that type (pass 2) or to nothing.
fn run_bindgen(
    source: &str,
    unit: &Unit<'_>,
    allow: Option<&str>,
) -> Result<Arc<Mutex<Collected>>> {
    let collected = Arc::new(Mutex::new(Collected::default()));
    let builder = bindgen::Builder::default()
        .header_contents("sysprobe.h", source)
        .clang_args(unit.args())
        .detect_include_paths(false)
        .layout_tests(false)
        .generate_comments(false)
        .allowlist_type(allow.unwrap_or("__sysprobe_nothing"))
        .parse_callbacks(Box::new(Collector(collected.clone())));
    // bindgen panics on some inputs (unknown triples, missing libclang) instead of returning
    // an error; turn a panic into an error for this ABI rather than abort the whole run.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.generate()));
    match outcome {
        Ok(Ok(_bindings)) => Ok(collected),
        Ok(Err(err)) => Err(clang_error(&err.to_string())),
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            Err(Error::new(format!("bindgen panicked: {message}")))
        }
    }
}

/// An error from clang's diagnostics, naming the first file they mention.
fn clang_error(diagnostics: &str) -> Error {
    let first = diagnostics
        .lines()
        .find(|l| l.contains("error:"))
        .unwrap_or(diagnostics.lines().next().unwrap_or(""));
    // `clang diagnosed error: /path/asm/unistd.h:3:10: error: expected expression`
    let located = first
        .split(": ")
        .find(|part| part.contains(':') || Path::new(part).is_file())
        .unwrap_or("");
    let file = located.split(':').next().filter(|f| Path::new(f).is_file());
    let mut err = Error::new(format!(
        "clang could not evaluate the headers:\n{}",
        crate::fsutil::tail(diagnostics, 8)
    ))
    .hint("the header tree is broken or incomplete; re-run `cargo xtask headers`, or fix the tree given with --kernel/--headers");
    if let Some(file) = file {
        err = err.file(file);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::{fixture_dir, with_libclang};

    #[test]
    fn honours_undef_and_forward_aliases() {
        with_libclang(|| {
            let dir = fixture_dir(&[
                (
                    "asm/unistd.h",
                    "#define __NR_alias __NR_target\n#include <asm/unistd_32.h>\n#undef __NR_gone\n#define __NR_gone2 7\n",
                ),
                (
                    "asm/unistd_32.h",
                    "#define __NR_target (__NR_base_helper + 5)\n#define __NR_base_helper 100\n#define __NR_gone 7\n#define __NR_func(x) (x)\n",
                ),
            ]);
            let dirs = [dir.path().to_path_buf()];
            let unit = Unit {
                headers: &["asm/unistd.h"],
                include_dirs: &dirs,
                clang_args: &[],
            };
            let eval = evaluate(&unit, |m| m.starts_with("__NR_")).unwrap();
            assert_eq!(eval.values.get("__NR_alias"), Some(&105));
            assert_eq!(eval.values.get("__NR_target"), Some(&105));
            assert_eq!(eval.values.get("__NR_gone2"), Some(&7));
            assert_eq!(
                eval.values.get("__NR_gone"),
                None,
                "#undef must be honoured"
            );
            assert!(eval.macros.contains(&"__NR_gone".to_string()));
            assert!(!eval.values.contains_key("__NR_func"));
            let names: Vec<_> = eval
                .included
                .iter()
                .map(|p| p.file_name().unwrap().to_owned())
                .collect();
            assert_eq!(names, ["unistd.h", "unistd_32.h"]);
        });
    }

    /// Evaluates `asm/unistd.h` of a fixture tree holding `files`.
    fn evaluate_fixture(files: &[(&str, &str)]) -> Result<Evaluation> {
        with_libclang(|| {
            let dir = fixture_dir(files);
            let dirs = [dir.path().to_path_buf()];
            let unit = Unit {
                headers: &["asm/unistd.h"],
                include_dirs: &dirs,
                clang_args: &[],
            };
            evaluate(&unit, |_| true)
        })
    }

    #[test]
    fn missing_header_is_an_error_naming_it() {
        let e = evaluate_fixture(&[("asm/other.h", "\n")]).unwrap_err();
        assert!(e.message.contains("no asm/unistd.h"), "{e}");
    }

    #[test]
    fn unparsable_header_is_an_error_naming_the_file() {
        let e =
            evaluate_fixture(&[("asm/unistd.h", "#define __NR_read 0\nint x = ;\n")]).unwrap_err();
        assert!(e.message.contains("clang could not evaluate"), "{e}");
        assert!(e.file.unwrap().ends_with("asm/unistd.h"));
    }
}
