//! Entry points: which kernel function runs each syscall of each ABI, read from the syscall
//! tables of a kernel source tree (`arch/*/…/syscall*.tbl`, `scripts/syscall.tbl` with the
//! tags of `arch/<arch>/kernel/Makefile.syscalls`), and checked name by name and number by
//! number against the committed generated tables.
//!
//! A row is `<nr> <abi tag> <name> [<entry> [<compat entry> [noreturn]]]`, as the kernel's
//! `scripts/syscalltbl.sh` reads it. A row without an entry, or whose entry is
//! `sys_ni_syscall`, is a reserved number: calling it gives ENOSYS.

use crate::abi::{AbiSpec, CompatEntries, EntryColumn, TableFile};
use crate::committed::CommittedTable;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The entry point the kernel runs for numbers it reserves but does not implement.
pub const NOT_IMPLEMENTED: &str = "sys_ni_syscall";

/// One row of a syscall table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    /// The number as written (without any ABI base).
    pub nr: u64,
    /// The ABI tag (second column).
    pub tag: String,
    /// The syscall name.
    pub name: String,
    /// The entry point (fourth column), if any.
    pub native: Option<String>,
    /// The compat entry point (fifth column), if any and not `-`.
    pub compat: Option<String>,
    /// 1-based line in the file.
    pub line: usize,
}

/// Parses a `.tbl` file. Comments (`#`) and blank lines are skipped.
pub fn parse_table(text: &str) -> Result<Vec<TableRow>> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let content = line.split('#').next().unwrap_or_default();
        let fields: Vec<&str> = content.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let bad = |what: &str| Error::new(format!("line {line_no}: {what}: `{}`", line.trim()));
        if fields.len() < 3 || fields.len() > 6 {
            return Err(bad(
                "expected `<nr> <abi> <name> [<entry> [<compat entry>]]`",
            ));
        }
        let nr = parse_number(fields[0]).ok_or_else(|| bad("not a syscall number"))?;
        if let Some(extra) = fields.get(5) {
            if *extra != "noreturn" {
                return Err(bad("the sixth column can only be `noreturn`"));
            }
        }
        let column = |i: usize| fields.get(i).filter(|s| **s != "-").map(|s| s.to_string());
        rows.push(TableRow {
            nr,
            tag: fields[1].to_string(),
            name: fields[2].to_string(),
            native: column(3),
            compat: column(4),
            line: line_no,
        });
    }
    Ok(rows)
}

fn parse_number(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// What `arch/<arch>/kernel/Makefile.syscalls` says: extra ABI tags per width, and the table
/// it uses instead of `scripts/syscall.tbl` (`%` replaced by the width).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenericConfig {
    /// `syscall_abis_32 += …`.
    pub tags_32: Vec<String>,
    /// `syscall_abis_64 += …`.
    pub tags_64: Vec<String>,
    /// `syscalltbl = …`.
    pub table: Option<String>,
}

/// Parses the `syscall_abis_*` and `syscalltbl` assignments of a `Makefile.syscalls`.
pub fn parse_makefile_syscalls(text: &str) -> Result<GenericConfig> {
    let mut config = GenericConfig::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let (lhs, op, rhs) = ["+=", ":=", "="]
            .iter()
            .find_map(|op| line.split_once(op).map(|(l, r)| (l.trim(), *op, r.trim())))
            .ok_or_else(|| Error::new(format!("line {}: not an assignment: `{line}`", i + 1)))?;
        let words = || rhs.split_whitespace().map(str::to_string);
        match lhs {
            "syscall_abis_32" | "syscall_abis_64" => {
                let list = if lhs.ends_with("32") {
                    &mut config.tags_32
                } else {
                    &mut config.tags_64
                };
                if op != "+=" {
                    list.clear();
                }
                list.extend(words());
            }
            "syscalltbl" => config.table = Some(rhs.to_string()),
            other => {
                return Err(Error::new(format!(
                    "line {}: unknown variable `{other}` (the generator knows syscall_abis_32, syscall_abis_64, syscalltbl)",
                    i + 1
                )))
            }
        }
    }
    Ok(config)
}

/// One syscall of one ABI with the kernel functions behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryPoint {
    /// The name as the ABI's headers spell it (`sync_file_range2` on csky).
    pub name: String,
    /// The number as the ABI uses it (base included).
    pub number: u64,
    /// The entry point this ABI's kernel runs; `None`: not implemented (ENOSYS).
    pub entry: Option<String>,
    /// The entry point a 64-bit kernel runs for this ABI, where the ABI has such a kernel.
    pub compat: Option<String>,
    /// `file:line` of the row, or why there is none.
    pub origin: String,
    /// An arch-private call outside the syscall table (arm's `__ARM_NR_*`): implemented,
    /// but by a dispatcher rather than a table entry.
    #[serde(default)]
    pub private: bool,
}

impl EntryPoint {
    /// Whether calling it does something (its entry is a real function).
    pub fn implemented(&self) -> bool {
        self.entry.is_some()
    }
}

/// Reads a file of the tree, naming it on error.
fn read(tree: &Path, rel: &str) -> Result<String> {
    let path = tree.join(rel);
    std::fs::read_to_string(&path)
        .map_err(|e| Error::io("read", &path, e))
        .map_err(|e| e.hint("is this a complete kernel source tree? (`cargo xtask headers`)"))
}

/// The rows of `path` whose tag is in `tags` (all rows when `tags` is empty), or an error
/// naming the file.
fn rows_of(tree: &Path, path: &str, tags: &[String]) -> Result<Vec<TableRow>> {
    let rows = parse_table(&read(tree, path)?).map_err(|e| e.file(tree.join(path)))?;
    Ok(rows
        .into_iter()
        .filter(|r| tags.is_empty() || tags.contains(&r.tag))
        .collect())
}

/// The table file and tags of an ABI in `tree`.
fn table_and_tags(spec: &AbiSpec, tree: &Path) -> Result<(String, Vec<String>)> {
    match spec.syscall_table.file {
        TableFile::Arch { path, tags } => Ok((
            path.to_string(),
            tags.iter().map(|t| t.to_string()).collect(),
        )),
        TableFile::Generic { bits } => {
            let rel = format!("arch/{}/kernel/Makefile.syscalls", spec.kernel_arch);
            let config =
                parse_makefile_syscalls(&read(tree, &rel)?).map_err(|e| e.file(tree.join(&rel)))?;
            let extra = if bits == 64 {
                config.tags_64
            } else {
                config.tags_32
            };
            let mut tags = vec!["common".to_string(), bits.to_string()];
            tags.extend(extra);
            let table = config
                .table
                .map(|t| t.replace('%', &bits.to_string()))
                .unwrap_or_else(|| "scripts/syscall.tbl".to_string());
            Ok((table, tags))
        }
    }
}

/// Every row of the ABI's syscall table in `tree`, its entry column chosen, the ABI base
/// added, the compat entries joined: the ABI's entry points as the source states them
/// (before the comparison with the committed table).
pub fn read_entries(spec: &AbiSpec, tree: &Path) -> Result<Vec<EntryPoint>> {
    let (table, tags) = table_and_tags(spec, tree)?;
    let rows = rows_of(tree, &table, &tags)?;
    if rows.is_empty() {
        return Err(
            Error::new(format!("no row is tagged {}", tags.join(", "))).file(tree.join(&table))
        );
    }
    let compat_rows: BTreeMap<u64, TableRow> = match spec.syscall_table.compat {
        CompatEntries::Table { path, tags } => {
            let tags: Vec<String> = tags.iter().map(|t| t.to_string()).collect();
            rows_of(tree, path, &tags)?
                .into_iter()
                .map(|r| (r.nr, r))
                .collect()
        }
        _ => BTreeMap::new(),
    };
    let base = spec.ranges[0].0;
    let mut out: Vec<EntryPoint> = Vec::with_capacity(rows.len());
    for row in rows {
        let (entry, compat) = match spec.syscall_table.entry {
            EntryColumn::Native => (row.native.clone(), row.compat.clone()),
            EntryColumn::Compat => (row.compat.clone().or(row.native.clone()), None),
        };
        let compat = match spec.syscall_table.compat {
            CompatEntries::None => None,
            CompatEntries::SameRows => compat.or_else(|| entry.clone()),
            CompatEntries::Table { path, .. } => {
                let Some(other) = compat_rows.get(&row.nr) else {
                    // No row: a 64-bit kernel does not have this number.
                    out.push(entry_point(&table, &row, base, entry, None));
                    continue;
                };
                if other.name != row.name {
                    return Err(Error::new(format!(
                        "number {} is `{}` in {table} but `{}` in {path}",
                        row.nr, row.name, other.name
                    ))
                    .file(tree.join(path)));
                }
                other.compat.clone().or_else(|| other.native.clone())
            }
        };
        let compat = compat.filter(|c| c != NOT_IMPLEMENTED);
        out.push(entry_point(&table, &row, base, entry, compat));
    }
    out.sort_by_key(|e| e.number);
    if let Some(w) = out.windows(2).find(|w| w[0].number == w[1].number) {
        return Err(Error::new(format!(
            "number {} appears twice ({} and {})",
            w[0].number, w[0].origin, w[1].origin
        ))
        .file(tree.join(&table)));
    }
    Ok(out)
}

/// The entry point of `row`, numbered with the ABI's `base`.
fn entry_point(
    table: &str,
    row: &TableRow,
    base: u64,
    entry: Option<String>,
    compat: Option<String>,
) -> EntryPoint {
    EntryPoint {
        name: row.name.clone(),
        number: base + row.nr,
        entry: entry.filter(|e| e != NOT_IMPLEMENTED),
        compat,
        origin: format!("{table}:{}", row.line),
        private: false,
    }
}

/// Matches the entry points read from the source with the committed table of the ABI: every
/// committed `(name, number)` must be a row of the source's table, with three exceptions the
/// ABI table states: names the arch's `asm/unistd.h` renames (`undefined`: the row's name is
/// `#undef`ed and a longer name starting with it defined at its number: `sync_file_range2`), aliases (a second name at a row's
/// number), and arch-private calls outside the table's range (arm's `__ARM_NR_*`). Every row
/// must be in the committed table. Returns the entry points in committed order.
pub fn reconcile(
    spec: &AbiSpec,
    source: Vec<EntryPoint>,
    committed: &CommittedTable,
) -> Result<Vec<EntryPoint>> {
    let by_number: BTreeMap<u64, &EntryPoint> = source.iter().map(|e| (e.number, e)).collect();
    let mut problems = Vec::new();
    let mut used = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(committed.syscalls.len());
    for s in &committed.syscalls {
        let row = by_number.get(&s.number);
        let entry = match row {
            Some(row) if row.name == s.name => (*row).clone(),
            Some(row)
                if (spec.undefined.contains(&row.name.as_str()) && s.name.starts_with(&row.name))
                    || spec
                        .aliases
                        .iter()
                        .any(|(alias, target)| *alias == s.name && *target == row.name) =>
            {
                EntryPoint {
                    name: s.name.clone(),
                    ..(*row).clone()
                }
            }
            Some(row) => {
                problems.push(format!(
                    "{} is `{}` in the committed table but `{}` in the source ({})",
                    s.number, s.name, row.name, row.origin
                ));
                continue;
            }
            None if !(spec.ranges[0].0..spec.ranges[0].1).contains(&s.number) => EntryPoint {
                name: s.name.clone(),
                number: s.number,
                entry: None,
                compat: None,
                origin: format!(
                    "arch-private call outside the syscall table ({} handles it, not a table entry)",
                    private_dispatcher(spec)
                ),
                private: true,
            },
            None => {
                problems.push(format!(
                    "{} {} is in the committed table but not in the source's",
                    s.name, s.number
                ));
                continue;
            }
        };
        if row.is_some() {
            used.insert(s.number);
        }
        out.push(entry);
    }
    for e in &source {
        if !used.contains(&e.number) {
            problems.push(format!(
                "{} {} ({}) is not in the committed table",
                e.name, e.number, e.origin
            ));
        }
    }
    if problems.is_empty() {
        return Ok(out);
    }
    let shown = problems.len().min(12);
    Err(Error::new(format!(
        "the kernel source's syscall table disagrees with the committed table (Linux {}) in {} places:\n    {}{}",
        committed.linux,
        problems.len(),
        problems[..shown].join("\n    "),
        if problems.len() > shown { "\n    …" } else { "" }
    ))
    .abi(spec.name)
    .hint("the source and the committed tables must be the same Linux version: run `cargo xtask gen` (or pin the matching source)"))
}

/// Where an arch dispatches its private calls, for the unresolved list's reasons.
fn private_dispatcher(spec: &AbiSpec) -> &'static str {
    match spec.kernel_arch {
        "arm" => "arm_syscall() in arch/arm/kernel/traps.c",
        _ => "the arch's own dispatcher",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{find, ABIS};
    use crate::tables::Syscall;
    use crate::testutil::fixture_dir;

    const X86_64_TBL: &str = "\
# comment
0\tcommon\tread\t\t\tsys_read
1\tcommon\twrite\t\t\tsys_write
60\tcommon\texit\t\t\tsys_exit\t\t\t-\t\t\tnoreturn
134\t64\tuselib
135\tcommon\tpersonality\tsys_ni_syscall
512\tx32\trt_sigaction\t\tcompat_sys_rt_sigaction
";

    fn committed(abi: &str, rows: &[(&str, u64)]) -> CommittedTable {
        CommittedTable {
            abi: abi.into(),
            linux: "7.3".into(),
            syscalls: rows
                .iter()
                .map(|(n, x)| Syscall {
                    name: n.to_string(),
                    number: *x,
                })
                .collect(),
            errnos: Vec::new(),
        }
    }

    #[test]
    fn rows_and_columns() {
        let rows = parse_table(X86_64_TBL).unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[2].name, "exit");
        assert_eq!(rows[2].native.as_deref(), Some("sys_exit"));
        assert_eq!(rows[2].compat, None, "`-` is no compat entry");
        assert_eq!(rows[3].native, None);
        assert_eq!(rows[5].line, 7);
        let e = parse_table("1 common\n").unwrap_err();
        assert!(e.message.contains("line 1"), "{e}");
        let e = parse_table("x common read sys_read\n").unwrap_err();
        assert!(e.message.contains("not a syscall number"), "{e}");
        let e = parse_table("1 common read a b c\n").unwrap_err();
        assert!(e.message.contains("noreturn"), "{e}");
    }

    #[test]
    fn ni_syscall_and_missing_entries_are_not_implemented() {
        let dir = fixture_dir(&[("arch/x86/entry/syscalls/syscall_64.tbl", X86_64_TBL)]);
        let x86_64 = read_entries(find("x86_64").unwrap(), dir.path()).unwrap();
        let names: Vec<&str> = x86_64.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["read", "write", "exit", "uselib", "personality"]);
        assert!(x86_64[0].implemented());
        assert!(!x86_64[3].implemented(), "no entry column");
        assert!(!x86_64[4].implemented(), "sys_ni_syscall is not a syscall");
        let x32 = read_entries(find("x32").unwrap(), dir.path()).unwrap();
        let last = x32.last().unwrap();
        assert_eq!(
            (last.name.as_str(), last.number),
            ("rt_sigaction", 0x4000_0000 + 512),
            "x32 numbers carry the x32 bit"
        );
        assert_eq!(last.entry.as_deref(), Some("compat_sys_rt_sigaction"));
        assert!(x32.iter().all(|e| e.name != "uselib"), "64-only row");
    }

    #[test]
    fn compat_entries_are_not_taken_for_native_ones() {
        let dir = fixture_dir(&[
            (
                "arch/arm/tools/syscall.tbl",
                "180\tcommon\tpread64\tsys_pread64\tsys_oabi_pread64\n\
                 102\toabi\tsocketcall\tsys_socketcall\tsys_oabi_socketcall\n",
            ),
            (
                "arch/arm64/tools/syscall_32.tbl",
                "180\tcommon\tpread64\tsys_pread64\tcompat_sys_aarch32_pread64\n",
            ),
            (
                "arch/s390/kernel/syscalls/syscall.tbl",
                "180\tcommon\tpread64\tsys_pread64\tcompat_sys_s390_pread64\n\
                 1\tcommon\texit\tsys_exit\tsys_exit\n",
            ),
            (
                "arch/mips/kernel/syscalls/syscall_o32.tbl",
                "200\to32\tpread64\tsys_pread64\tsys_32_pread\n",
            ),
        ]);
        let arm = read_entries(find("arm").unwrap(), dir.path()).unwrap();
        assert_eq!(arm.len(), 1, "oabi rows are not EABI's");
        assert_eq!(arm[0].entry.as_deref(), Some("sys_pread64"));
        assert_eq!(arm[0].compat.as_deref(), Some("compat_sys_aarch32_pread64"));
        let oabi = read_entries(find("arm_oabi").unwrap(), dir.path()).unwrap();
        assert_eq!(oabi[0].number, 0x90_0000 + 102);
        assert_eq!(oabi[1].entry.as_deref(), Some("sys_pread64"));
        assert_eq!(oabi[1].compat.as_deref(), Some("sys_oabi_pread64"));
        // s390's 31-bit ABI only runs on 64-bit kernels: its entry is the compat column.
        let s390 = read_entries(find("s390").unwrap(), dir.path()).unwrap();
        assert_eq!(s390[1].entry.as_deref(), Some("compat_sys_s390_pread64"));
        let s390x = read_entries(find("s390x").unwrap(), dir.path()).unwrap();
        assert_eq!(s390x[1].entry.as_deref(), Some("sys_pread64"));
        assert_eq!(s390x[1].compat, None);
        let o32 = read_entries(find("mips_o32").unwrap(), dir.path()).unwrap();
        assert_eq!(o32[0].number, 4200, "mips numbers carry their base");
        assert_eq!(o32[0].compat.as_deref(), Some("sys_32_pread"));
    }

    #[test]
    fn generic_arches_follow_makefile_syscalls() {
        let dir = fixture_dir(&[
            (
                "scripts/syscall.tbl",
                "17\tcommon\tgetcwd\tsys_getcwd\n\
                 38\trenameat\trenameat\tsys_renameat\n\
                 79\tstat64\tfstatat64\tsys_fstatat64\n\
                 244\tcsky\tset_thread_area\tsys_set_thread_area\n\
                 258\triscv\triscv_hwprobe\tsys_riscv_hwprobe\n\
                 259\t64\tonly64\tsys_only64\n",
            ),
            (
                "arch/csky/kernel/Makefile.syscalls",
                "# x\nsyscall_abis_32 += csky time32 stat64 rlimit\n",
            ),
            (
                "arch/riscv/kernel/Makefile.syscalls",
                "syscall_abis_32 += riscv memfd_secret\nsyscall_abis_64 += riscv rlimit memfd_secret\n",
            ),
            (
                "arch/arm64/kernel/Makefile.syscalls",
                "syscall_abis_64 += renameat\nsyscalltbl = arch/arm64/tools/syscall_%.tbl\n",
            ),
            ("arch/arm64/tools/syscall_64.tbl", "38\trenameat\trenameat\tsys_renameat\n"),
        ]);
        let names = |abi: &str| -> Vec<String> {
            read_entries(find(abi).unwrap(), dir.path())
                .unwrap()
                .into_iter()
                .map(|e| e.name)
                .collect()
        };
        assert_eq!(names("csky"), ["getcwd", "fstatat64", "set_thread_area"]);
        assert_eq!(names("riscv64"), ["getcwd", "riscv_hwprobe", "only64"]);
        assert_eq!(names("riscv32"), ["getcwd", "riscv_hwprobe"]);
        assert_eq!(names("aarch64"), ["renameat"], "the syscalltbl override");
        let e = read_entries(find("hexagon").unwrap(), dir.path()).unwrap_err();
        assert!(e.to_string().contains("Makefile.syscalls"), "{e}");
    }

    #[test]
    fn makefile_syscalls_refuses_what_it_does_not_know() {
        let e = parse_makefile_syscalls("syscall_abis_32 += a\nfoo := b\n").unwrap_err();
        assert!(e.message.contains("line 2: unknown variable `foo`"), "{e}");
        let c = parse_makefile_syscalls("syscall_abis_64 +=\n").unwrap();
        assert!(c.tags_64.is_empty());
    }

    #[test]
    fn reconcile_checks_every_name_and_number() {
        let spec = find("csky").unwrap();
        let source = vec![
            EntryPoint {
                name: "getcwd".into(),
                number: 17,
                entry: Some("sys_getcwd".into()),
                compat: None,
                origin: "t:1".into(),
                private: false,
            },
            EntryPoint {
                name: "sync_file_range".into(),
                number: 84,
                entry: Some("sys_sync_file_range".into()),
                compat: None,
                origin: "t:2".into(),
                private: false,
            },
        ];
        // csky's asm/unistd.h renames 84 to sync_file_range2.
        let ok = reconcile(
            spec,
            source.clone(),
            &committed("csky", &[("getcwd", 17), ("sync_file_range2", 84)]),
        )
        .unwrap();
        assert_eq!(ok[1].name, "sync_file_range2");
        assert_eq!(ok[1].entry.as_deref(), Some("sys_sync_file_range"));

        let e = reconcile(
            spec,
            source.clone(),
            &committed("csky", &[("getcwd", 18), ("sync_file_range2", 84)]),
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("getcwd 18 is in the committed table but not in the source"));
        assert!(text.contains("getcwd 17 (t:1) is not in the committed table"));
        assert!(text.contains("ABI csky"), "{text}");

        let e = reconcile(
            spec,
            source,
            &committed("csky", &[("getcwd", 17), ("fsync", 84)]),
        )
        .unwrap_err();
        assert!(e
            .to_string()
            .contains("84 is `fsync` in the committed table but `sync_file_range`"));
    }

    #[test]
    fn private_calls_and_aliases() {
        let arm = find("arm").unwrap();
        let source = vec![EntryPoint {
            name: "arm_sync_file_range".into(),
            number: 341,
            entry: Some("sys_sync_file_range2".into()),
            compat: None,
            origin: "t:1".into(),
            private: false,
        }];
        let out = reconcile(
            arm,
            source,
            &committed(
                "arm",
                &[
                    ("arm_sync_file_range", 341),
                    ("sync_file_range2", 341),
                    ("breakpoint", 0x0f_0001),
                ],
            ),
        )
        .unwrap();
        assert_eq!(out[1].entry.as_deref(), Some("sys_sync_file_range2"));
        assert!(!out[2].implemented() && out[2].origin.contains("arch-private"));
    }

    #[test]
    fn every_abi_names_its_table() {
        for spec in ABIS {
            if let TableFile::Arch { path, .. } = spec.syscall_table.file {
                assert!(path.ends_with(".tbl"), "{}", spec.name);
                assert!(
                    path.starts_with(&format!("arch/{}/", spec.kernel_arch)),
                    "{}",
                    spec.name
                );
            }
        }
    }
}

/// Checks against a real kernel tree, when `SYSCALLS_SYS_LINUX_SRC` names one (e.g. the
/// extracted 7.3 source): every ABI's table reads, and agrees with the committed tables
/// where their Linux version is the tree's.
#[cfg(test)]
mod real_tree {
    use super::*;
    use crate::abi::ABIS;

    #[test]
    fn every_abi_reads_from_the_tree() {
        let Some(tree) = std::env::var_os("SYSCALLS_SYS_LINUX_SRC") else {
            eprintln!("SYSCALLS_SYS_LINUX_SRC is not set: skipped");
            return;
        };
        let tree = std::path::PathBuf::from(tree);
        let committed =
            crate::committed::read_dir(&crate::testutil::workspace_root().join("syscalls-sys/src"))
                .unwrap();
        for spec in ABIS {
            if spec.name == "s390" && !tree.join("arch/s390/kernel/compat_linux.c").exists() {
                continue;
            }
            let entries = read_entries(spec, &tree).unwrap_or_else(|e| panic!("{e}"));
            let implemented = entries.iter().filter(|e| e.implemented()).count();
            let result = reconcile(spec, entries.clone(), &committed[spec.name]);
            eprintln!(
                "{:<12} {} rows, {implemented} implemented, vs committed {}: {}",
                spec.name,
                entries.len(),
                committed[spec.name].linux,
                match &result {
                    Ok(_) => "agree".to_string(),
                    Err(e) => e.to_string(),
                }
            );
        }
    }
}
