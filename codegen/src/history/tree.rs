//! A kernel source tree's UAPI headers without `make headers`: the `unistd_*.h` files the
//! arch Makefiles would generate from the `.tbl` syscall tables, written the way the kernel's
//! `syscallhdr.sh` writes them, beside `linux/version.h` and the `asm/` wrappers of the
//! `asm-generic/` headers an arch does not provide. clang then evaluates `asm/unistd.h` over
//! that tree exactly as over installed headers (the arch's own `unistd.h`, its aliases,
//! `#undef`s and private calls included).
//!
//! Which table and which ABI column feed each file is the kernel's build logic, restated in
//! [`rule`]; the list of files comes from the arch's own Makefile or Kbuild, so a file this
//! module does not know is an error, not a silent gap. Before Linux 6.11 the generic arches
//! (arm64, riscv, loongarch, csky, …) had no table: their `asm/unistd.h` includes
//! `asm-generic/unistd.h`, which clang evaluates with the ABI's word size.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// How one `unistd*.h` is generated: from which table, which ABI column values, what offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The table, relative to the source root.
    pub table: PathBuf,
    /// ABI column values to keep (prefix match, as the kernel's `grep -E` does); empty: all.
    pub abis: Vec<String>,
    /// A macro added to every number (`__NR_Linux`, `__X32_SYSCALL_BIT`).
    pub offset: Option<&'static str>,
}

/// One arch of a kernel source tree, ready to evaluate.
#[derive(Debug, Clone)]
pub struct ArchTree {
    /// `-I` folders, in order.
    pub include_dirs: Vec<PathBuf>,
    /// The `unistd*.h` files generated for it (none: a generic arch before 6.11).
    pub generated: Vec<String>,
}

/// The `unistd*.h` files the arch's build writes into `asm/`, from its syscalls Makefile
/// (`uapisyshdr-y`, `uapi-hdrs-y`) or, for the generic arches since 6.11, its UAPI Kbuild
/// (`syscall-y`).
pub fn generated_files(src: &Path, arch: &str) -> Result<Vec<String>> {
    let mut files = BTreeSet::new();
    for (rel, keys) in [
        (
            format!("arch/{arch}/kernel/syscalls/Makefile"),
            &["uapisyshdr-y", "uapi-hdrs-y"][..],
        ),
        (
            format!("arch/{arch}/entry/syscalls/Makefile"),
            &["uapisyshdr-y"][..],
        ),
        (format!("arch/{arch}/tools/Makefile"), &["uapi-hdrs-y"][..]),
        (
            format!("arch/{arch}/include/uapi/asm/Kbuild"),
            &["syscall-y"][..],
        ),
    ] {
        let path = src.join(&rel);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for value in assignments(&text, keys) {
            for word in value.split_whitespace() {
                let name = word.rsplit('/').next().unwrap_or(word);
                // unistd_nr_*.h (mips until 5.x) hold counts, and asm/unistd.h does not
                // include them; unistd_compat_*.h are the kernel's compat tables.
                let ignored = name.starts_with("unistd_nr") || name.contains("compat");
                if name.starts_with("unistd") && name.ends_with(".h") && !ignored {
                    files.insert(name.to_string());
                }
            }
        }
    }
    Ok(files.into_iter().collect())
}

/// The values of `key += …` / `key := …` lines (continuations joined).
fn assignments(text: &str, keys: &[&str]) -> Vec<String> {
    let joined = text.replace("\\\n", " ");
    let mut out = Vec::new();
    for line in joined.lines() {
        let line = line.trim();
        for key in keys {
            let Some(rest) = line.strip_prefix(key) else {
                continue;
            };
            let rest = rest.trim_start();
            if let Some(v) = rest
                .strip_prefix("+=")
                .or_else(|| rest.strip_prefix(":="))
                .or_else(|| rest.strip_prefix('='))
            {
                out.push(v.trim().to_string());
            }
        }
    }
    out
}

/// The generic arches' ABI list for word size `bits` (`common,64` plus what the arch's
/// `Makefile.syscalls` adds), and the table (an arch may name its own).
fn generic_rule(src: &Path, arch: &str, bits: &str) -> Result<Rule> {
    let mut abis = vec!["common".to_string(), bits.to_string()];
    let mut table = PathBuf::from("scripts/syscall.tbl");
    let path = src.join(format!("arch/{arch}/kernel/Makefile.syscalls"));
    if let Ok(text) = std::fs::read_to_string(&path) {
        for v in assignments(&text, &[&format!("syscall_abis_{bits}")]) {
            abis.extend(v.split_whitespace().map(str::to_string));
        }
        if let Some(t) = assignments(&text, &["syscalltbl"]).pop() {
            table = PathBuf::from(t.replace('%', bits));
        }
    }
    Ok(Rule {
        table,
        abis,
        offset: None,
    })
}

/// The kernel's rule for `file` of `arch` (restating the arch Makefiles of 5.10 to 7.3).
pub fn rule(src: &Path, arch: &str, file: &str, all_files: &[String]) -> Result<Rule> {
    let abis = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let tbl = |rel: &str| PathBuf::from(format!("arch/{arch}/{rel}"));
    let unknown = || {
        Error::new(format!("no rule for asm/{file} of arch {arch}"))
            .file(src.join("arch").join(arch))
            .hint("add how this kernel generates the file to codegen/src/history/tree.rs (its arch syscalls Makefile says)")
    };
    let bits = || match file {
        "unistd_32.h" => Ok("32"),
        "unistd_64.h" => Ok("64"),
        _ => Err(unknown()),
    };
    let rule = match arch {
        "x86" => {
            let (table, list, offset) = match file {
                "unistd_32.h" => ("entry/syscalls/syscall_32.tbl", &["i386"][..], None),
                "unistd_64.h" => ("entry/syscalls/syscall_64.tbl", &["common", "64"][..], None),
                "unistd_x32.h" => (
                    "entry/syscalls/syscall_64.tbl",
                    &["common", "x32"][..],
                    Some("__X32_SYSCALL_BIT"),
                ),
                _ => return Err(unknown()),
            };
            Rule {
                table: tbl(table),
                abis: abis(list),
                offset,
            }
        }
        "arm" => {
            // Until 5.x the common lines had a file of their own (unistd-common.h).
            let split = all_files.iter().any(|f| f == "unistd-common.h");
            let list: &[&str] = match (file, split) {
                ("unistd-common.h", _) => &["common"],
                ("unistd-eabi.h", true) => &["eabi"],
                ("unistd-oabi.h", true) => &["oabi"],
                ("unistd-eabi.h", false) => &["common", "eabi"],
                ("unistd-oabi.h", false) => &["common", "oabi"],
                _ => return Err(unknown()),
            };
            Rule {
                table: tbl("tools/syscall.tbl"),
                abis: abis(list),
                offset: Some("__NR_SYSCALL_BASE"),
            }
        }
        "mips" => {
            let abi = file
                .strip_prefix("unistd_")
                .and_then(|f| f.strip_suffix(".h"))
                .filter(|a| matches!(*a, "n32" | "n64" | "o32"))
                .ok_or_else(unknown)?;
            Rule {
                table: tbl(&format!("kernel/syscalls/syscall_{abi}.tbl")),
                abis: Vec::new(),
                offset: Some("__NR_Linux"),
            }
        }
        "powerpc" => Rule {
            table: tbl("kernel/syscalls/syscall.tbl"),
            abis: abis(&["common", "nospu", bits()?]),
            offset: None,
        },
        "s390" | "sparc" | "parisc" => Rule {
            table: tbl("kernel/syscalls/syscall.tbl"),
            abis: abis(&["common", bits()?]),
            offset: None,
        },
        "alpha" | "m68k" | "microblaze" | "sh" | "xtensa" if file == "unistd_32.h" => Rule {
            table: tbl("kernel/syscalls/syscall.tbl"),
            abis: Vec::new(),
            offset: None,
        },
        "arm64" | "riscv" | "loongarch" | "csky" | "hexagon" | "arc" | "nios2" | "openrisc" => {
            generic_rule(src, arch, bits()?)?
        }
        _ => return Err(unknown()),
    };
    Ok(rule)
}

/// The header text `syscallhdr.sh` writes for `rule` (one `#define` per matching line).
pub fn render_unistd(src: &Path, rule: &Rule) -> Result<String> {
    let path = src.join(&rule.table);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let mut out = String::from("/* written by cargo xtask history from the syscall table */\n");
    for line in text.lines() {
        let mut cols = line.split_whitespace();
        let (Some(nr), Some(abi), Some(name)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        if !nr.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        if !rule.abis.is_empty() && !rule.abis.iter().any(|a| abi.starts_with(a.as_str())) {
            continue;
        }
        match rule.offset {
            Some(offset) => out.push_str(&format!("#define __NR_{name} ({offset} + {nr})\n")),
            None => out.push_str(&format!("#define __NR_{name} {nr}\n")),
        }
    }
    Ok(out)
}

/// `VERSION.PATCHLEVEL.SUBLEVEL` of the top Makefile.
pub fn kernel_version(src: &Path) -> Result<(u32, u32, u32)> {
    let path = src.join("Makefile");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let field = |key: &str| {
        text.lines().find_map(|l| {
            let rest = l.strip_prefix(key)?.trim_start();
            rest.strip_prefix('=')?.trim().parse::<u32>().ok()
        })
    };
    match (field("VERSION"), field("PATCHLEVEL"), field("SUBLEVEL")) {
        (Some(v), Some(p), Some(s)) => Ok((v, p, s)),
        _ => Err(Error::new("no VERSION/PATCHLEVEL/SUBLEVEL in the top Makefile").file(path)),
    }
}

/// Writes the generated headers of `arch` into `out` and returns its include path.
pub fn prepare_arch(src: &Path, arch: &str, out: &Path) -> Result<ArchTree> {
    let asm = out.join("asm");
    std::fs::create_dir_all(&asm).map_err(|e| Error::io("create", &asm, e))?;
    std::fs::create_dir_all(out.join("linux")).map_err(|e| Error::io("create", out, e))?;
    let generated = generated_files(src, arch)?;
    for file in &generated {
        let rule = rule(src, arch, file, &generated)?;
        let text = render_unistd(src, &rule).map_err(|e| e.abi(arch))?;
        std::fs::write(asm.join(file), text).map_err(|e| Error::io("write", asm.join(file), e))?;
    }
    let (major, minor, patch) = kernel_version(src)?;
    let code = (major << 16) | (minor << 8) | patch.min(255);
    std::fs::write(
        out.join("linux/version.h"),
        format!("#define LINUX_VERSION_CODE {code}\n"),
    )
    .map_err(|e| Error::io("write", out, e))?;
    // What `make headers` wraps (mandatory-y, generic-y): every asm-generic header the arch
    // lacks becomes `asm/<name>` including it.
    let arch_asm = src.join(format!("arch/{arch}/include/uapi/asm"));
    let generic = src.join("include/uapi/asm-generic");
    let entries = std::fs::read_dir(&generic).map_err(|e| Error::io("list", &generic, e))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".h") && !arch_asm.join(&name).exists() && !asm.join(&name).exists() {
            std::fs::write(asm.join(&name), format!("#include <asm-generic/{name}>\n"))
                .map_err(|e| Error::io("write", asm.join(&name), e))?;
        }
    }
    Ok(ArchTree {
        include_dirs: vec![
            out.to_path_buf(),
            src.join(format!("arch/{arch}/include/uapi")),
            src.join("include/uapi"),
        ],
        generated,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::fixture_dir;

    #[test]
    fn header_lines_follow_abi_columns_and_offsets() {
        let dir = fixture_dir(&[(
            "arch/x86/entry/syscalls/syscall_64.tbl",
            "# comment\n0\tcommon\tread\tsys_read\n13\t64\trt_sigaction\tsys_rt_sigaction\n512\tx32\trt_sigaction\tcompat_sys_rt_sigaction\n",
        )]);
        let files = vec!["unistd_64.h".to_string(), "unistd_x32.h".to_string()];
        let r64 = rule(dir.path(), "x86", "unistd_64.h", &files).unwrap();
        let text = render_unistd(dir.path(), &r64).unwrap();
        assert!(text.contains("#define __NR_read 0\n"));
        assert!(text.contains("#define __NR_rt_sigaction 13\n"));
        assert!(!text.contains("512"));
        let rx32 = rule(dir.path(), "x86", "unistd_x32.h", &files).unwrap();
        let text = render_unistd(dir.path(), &rx32).unwrap();
        assert!(text.contains("#define __NR_read (__X32_SYSCALL_BIT + 0)\n"));
        assert!(text.contains("#define __NR_rt_sigaction (__X32_SYSCALL_BIT + 512)\n"));
        assert!(!text.contains(" 13)"));
    }

    #[test]
    fn file_lists_come_from_makefiles_and_kbuild() {
        let dir = fixture_dir(&[
            (
                "arch/mips/kernel/syscalls/Makefile",
                "uapisyshdr-y\t\t+= unistd_n32.h\t\t\t\\\n\t\t\t   unistd_n64.h\t\t\\\n\t\t\t   unistd_o32.h\nkapisyshdr-y += x.h\n",
            ),
            (
                "arch/arm64/include/uapi/asm/Kbuild",
                "syscall-y += unistd_64.h\nsyscall-y += unistd_compat_32.h\ngeneric-y += kvm_para.h\n",
            ),
            (
                "arch/arm64/kernel/Makefile.syscalls",
                "syscall_abis_64 += renameat rlimit memfd_secret\nsyscalltbl = arch/arm64/tools/syscall_%.tbl\n",
            ),
        ]);
        assert_eq!(
            generated_files(dir.path(), "mips").unwrap(),
            ["unistd_n32.h", "unistd_n64.h", "unistd_o32.h"]
        );
        let files = generated_files(dir.path(), "arm64").unwrap();
        assert_eq!(files, ["unistd_64.h"]);
        let r = rule(dir.path(), "arm64", "unistd_64.h", &files).unwrap();
        assert_eq!(r.table, Path::new("arch/arm64/tools/syscall_64.tbl"));
        assert_eq!(
            r.abis,
            ["common", "64", "renameat", "rlimit", "memfd_secret"]
        );
        // Before 6.11 a generic arch generates nothing.
        assert!(generated_files(dir.path(), "riscv").unwrap().is_empty());
        let e = rule(dir.path(), "mips", "unistd_x.h", &[]).unwrap_err();
        assert!(
            e.message
                .contains("no rule for asm/unistd_x.h of arch mips"),
            "{e}"
        );
    }

    #[test]
    fn arm_splits_common_lines_when_the_makefile_does() {
        let dir = fixture_dir(&[]);
        let old = vec!["unistd-common.h".to_string(), "unistd-eabi.h".to_string()];
        assert_eq!(
            rule(dir.path(), "arm", "unistd-eabi.h", &old).unwrap().abis,
            ["eabi"]
        );
        let new = vec!["unistd-eabi.h".to_string()];
        assert_eq!(
            rule(dir.path(), "arm", "unistd-eabi.h", &new).unwrap().abis,
            ["common", "eabi"]
        );
    }
}
