//! The pipeline: header trees → evaluation (libclang) → validated tables → rendered files →
//! written atomically, or compared with what is on disk (`--check`).
//!
//! Nothing is written until every ABI has evaluated, validated and rendered: a broken header
//! anywhere leaves every committed file byte-identical.

use crate::abi::AbiSpec;
use crate::committed::{read_dir, CommittedTable};
use crate::error::{Context, Error, Result};
use crate::evaluate::{evaluate, Unit};
use crate::fsutil::{write_atomic, Progress};
use crate::libclang::Libclang;
use crate::render::{render_all, Files, MARKER};
use crate::sources::Inputs;
use crate::tables::{
    build, uapi_constants, wanted, AbiTables, TableDiff, UapiConstant, KERNEL_ERRNO_HEADER,
    PROBE_HEADERS, UAPI_HEADERS,
};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How to run the generator.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// The ABI table (the real one, or a fixture's).
    pub specs: &'a [AbiSpec],
    /// Where the generated files go: `syscalls-sys/src`, or `--out`.
    pub out_dir: PathBuf,
    /// Compare only; write nothing.
    pub check: bool,
    /// Also evaluate and render the UAPI constants (`uapi.rs`), from the first ABI.
    pub uapi: bool,
    /// Refuse to run when an ABI of the table has no headers (writing the crate's tables
    /// must never drop an ABI).
    pub require_all: bool,
    /// The full kernel source tree (not only its installed headers) whose
    /// `include/linux/errno.h` names the kernel-internal error codes (`ERESTARTSYS`); without
    /// it the errno tables hold only the UAPI codes.
    pub kernel_source: Option<PathBuf>,
    /// Progress lines.
    pub progress: Progress,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// One summary line per ABI.
    pub summary: Vec<String>,
    /// Files that differ from what would be generated (check mode: the stale files).
    pub changed: Vec<PathBuf>,
    /// One line per changed file saying what changed (syscalls added, removed, renumbered).
    pub changes: Vec<String>,
    /// Per-phase wall time.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Outcome {
    /// `evaluate 1.21s, render 0.30s, …`.
    pub fn timings_text(&self) -> String {
        self.timings
            .iter()
            .map(|(n, d)| format!("{n} {:.2}s", d.as_secs_f64()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Evaluates and validates every ABI of `inputs`, in parallel; the UAPI constants come from
/// the first ABI when `uapi` is set. Fails on the first ABI (in table order) that fails.
pub fn evaluate_all(
    inputs: &Inputs<'_>,
    libclang: &Libclang,
    uapi: bool,
    kernel_source: Option<&Path>,
) -> Result<(Vec<AbiTables>, Option<Vec<UapiConstant>>)> {
    let kernel_errno = match kernel_source {
        Some(tree) => {
            let header = tree.join(KERNEL_ERRNO_HEADER);
            if !header.is_file() {
                return Err(Error::new(format!("no {KERNEL_ERRNO_HEADER} in the kernel source"))
                    .file(&header)
                    .hint("the kernel-internal error codes come from the full kernel source: re-run `cargo xtask headers` to extract it again"));
            }
            Some((header, tree.join("include")))
        }
        None => None,
    };
    let kernel_errno = kernel_errno
        .as_ref()
        .map(|(h, i)| (h.as_path(), i.as_path()));
    let jobs = &inputs.abis;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<AbiOutcome>>> =
        Mutex::new((0..jobs.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4)
        .min(jobs.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                libclang.activate();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((spec, tree)) = jobs.get(i) else {
                        break;
                    };
                    let with_uapi = uapi && i == 0;
                    let result = evaluate_one(spec, tree, with_uapi, kernel_errno).abi(spec.name);
                    results.lock().expect("workers do not panic holding it")[i] = Some(result);
                }
            });
        }
    });
    let mut tables = Vec::with_capacity(jobs.len());
    let mut constants = None;
    for result in results.into_inner().expect("workers are done") {
        let (t, c) = result.expect("every job ran")?;
        tables.push(t);
        constants = constants.or(c);
    }
    Ok((tables, constants))
}

/// One ABI's tables, and the UAPI constants when this ABI supplies them.
type AbiOutcome = Result<(AbiTables, Option<Vec<UapiConstant>>)>;

/// `kernel_errno`: the kernel source's `include/linux/errno.h` and its `include` folder.
fn evaluate_one(
    spec: &AbiSpec,
    tree: &crate::sources::HeaderTree,
    with_uapi: bool,
    kernel_errno: Option<(&Path, &Path)>,
) -> AbiOutcome {
    let mut headers: Vec<&str> = PROBE_HEADERS.to_vec();
    let mut include_dirs = tree.include_dirs.clone();
    if let Some((header, include)) = kernel_errno {
        // Included by its full path, after the ABI's own headers; its
        // `#include <uapi/linux/errno.h>` is found in the source's `include/` (searched last),
        // which includes the ABI's `asm/errno.h` again (guarded): the codes land on this
        // ABI's errno table.
        headers.push(
            header
                .to_str()
                .ok_or_else(|| Error::new("the kernel source path is not UTF-8").file(header))?,
        );
        include_dirs.push(include.to_path_buf());
    }
    if with_uapi {
        headers.extend(UAPI_HEADERS);
    }
    let unit = Unit {
        headers: &headers,
        include_dirs: &include_dirs,
        clang_args: spec.clang_args,
    };
    let eval = evaluate(&unit, wanted)?;
    let tables = build(
        spec,
        &eval,
        &tree.origin,
        tree.expected_linux.as_deref(),
        kernel_errno.map(|(header, _)| header),
    )?;
    let constants = if with_uapi {
        Some(uapi_constants(&eval)?)
    } else {
        None
    };
    Ok((tables, constants))
}

/// Runs the whole pipeline on `inputs`.
pub fn generate(inputs: &Inputs<'_>, libclang: &Libclang, opts: &Options<'_>) -> Result<Outcome> {
    let mut outcome = Outcome::default();
    if opts.require_all && !inputs.skipped.is_empty() {
        let list: Vec<String> = inputs
            .skipped
            .iter()
            .map(|(s, why)| format!("{} ({why})", s.name))
            .collect();
        return Err(Error::new(format!("these ABIs have no headers in this input: {}", list.join(", ")))
            .file(&opts.out_dir)
            .hint("writing the crate's tables must not drop an ABI: use --out DIR to generate only what this input has"));
    }
    if inputs.abis.is_empty() {
        return Err(Error::new("no ABI has headers in this input")
            .hint("check the path given with --kernel/--headers"));
    }

    let t = Instant::now();
    opts.progress.step(format!(
        "evaluating {} ABIs with {}",
        inputs.abis.len(),
        libclang.path().display()
    ));
    let (tables, constants) =
        evaluate_all(inputs, libclang, opts.uapi, opts.kernel_source.as_deref())?;
    outcome.timings.push(("evaluate", t.elapsed()));

    let t = Instant::now();
    let uapi = constants.as_deref().map(|c| (c, &tables[0]));
    let files = render_all(opts.specs, &tables, uapi);
    outcome.timings.push(("render", t.elapsed()));

    let t = Instant::now();
    let committed = match read_dir(&opts.out_dir) {
        Ok(committed) => committed,
        Err(e) => {
            // The summary compares with what is on disk; unreadable files are replaced anyway.
            outcome
                .summary
                .push(format!("  (the files on disk cannot be read back: {e})"));
            Default::default()
        }
    };
    for table in &tables {
        outcome
            .summary
            .push(summary_line(table, committed.get(&table.abi)));
    }
    for (spec, why) in &inputs.skipped {
        outcome
            .summary
            .push(format!("  {:<12} skipped: {why}", spec.name));
    }
    outcome.changed = changed_files(&files, &opts.out_dir)?;
    outcome.changes = describe_changes(&outcome.changed, &committed, &tables);
    if !opts.check {
        write_files(&files, &outcome.changed, &opts.out_dir)?;
    }
    outcome
        .timings
        .push((if opts.check { "check" } else { "write" }, t.elapsed()));
    Ok(outcome)
}

fn summary_line(table: &AbiTables, committed: Option<&CommittedTable>) -> String {
    let change = match committed {
        None => "new".to_string(),
        Some(old) => {
            let diff = TableDiff::between(&old.syscalls, &table.syscalls);
            if diff.is_empty() && old.linux != table.linux.short() {
                format!(
                    "no syscall changes (Linux {} -> {})",
                    old.linux,
                    table.linux.short()
                )
            } else {
                diff.to_string()
            }
        }
    };
    format!(
        "  {:<12} Linux {:<5} {:>4} syscalls {:>4} errno  {change}",
        table.abi,
        table.linux.short(),
        table.syscalls.len(),
        table.errnos.len()
    )
}

/// Files whose content differs from `files`, plus generated files on disk that would no
/// longer be generated.
fn changed_files(files: &Files, out_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut changed = Vec::new();
    for (rel, text) in files {
        let path = out_dir.join(rel);
        if std::fs::read(&path).ok().as_deref() != Some(text.as_bytes()) {
            changed.push(rel.clone());
        }
    }
    for rel in generated_on_disk(out_dir)? {
        if !files.contains_key(&rel) {
            changed.push(rel);
        }
    }
    Ok(changed)
}

/// Generated files (by marker) under `<out_dir>/abi/` and `uapi.rs`, relative to `out_dir`.
fn generated_on_disk(out_dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut candidates = vec![PathBuf::from("uapi.rs")];
    if let Ok(entries) = std::fs::read_dir(out_dir.join("abi")) {
        for entry in entries.flatten() {
            candidates.push(Path::new("abi").join(entry.file_name()));
        }
    }
    for rel in candidates {
        let path = out_dir.join(&rel);
        if path.is_file() && std::fs::read_to_string(&path).is_ok_and(|t| t.starts_with(MARKER)) {
            found.push(rel);
        }
    }
    found.sort();
    Ok(found)
}

fn write_files(files: &Files, changed: &[PathBuf], out_dir: &Path) -> Result<()> {
    for rel in changed {
        let path = out_dir.join(rel);
        match files.get(rel) {
            Some(text) => write_atomic(&path, text.as_bytes())?,
            None => std::fs::remove_file(&path)
                .map_err(|e| Error::io("remove the stale generated file", &path, e))?,
        }
    }
    Ok(())
}

/// A per-file account of what differs between the disk and the new tables.
fn describe_changes(
    changed: &[PathBuf],
    committed: &std::collections::BTreeMap<String, CommittedTable>,
    new_tables: &[AbiTables],
) -> Vec<String> {
    changed
        .iter()
        .map(|rel| {
            let abi = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            let is_module = rel.starts_with("abi")
                && !matches!(abi, "mod" | "shared")
                && !abi.starts_with("native_errno");
            let new = new_tables.iter().find(|t| t.abi == abi);
            if !is_module {
                return format!("  {}: stale", rel.display());
            }
            match (committed.get(abi), new) {
                (Some(old), Some(new)) => {
                    let diff = TableDiff::between(&old.syscalls, &new.syscalls);
                    if !diff.is_empty() {
                        format!("  {}: {diff}", rel.display())
                    } else if old.errnos != new.errnos {
                        format!("  {}: errno values or descriptions changed", rel.display())
                    } else {
                        format!("  {}: stale (header line or formatting)", rel.display())
                    }
                }
                (None, Some(_)) => format!("  {}: missing", rel.display()),
                (Some(_), None) => format!("  {}: no longer generated", rel.display()),
                (None, None) => format!("  {}: stale", rel.display()),
            }
        })
        .collect()
}
