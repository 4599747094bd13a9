//! The pipeline: header trees → evaluation (libclang) → validated tables → rendered files →
//! written atomically, or compared with what is on disk (`--check`).
//!
//! Nothing is written until every ABI has evaluated, validated and rendered: a broken header
//! anywhere leaves every committed file byte-identical.

use crate::abi::AbiSpec;
use crate::committed::{read_dir, CommittedTable};
use crate::error::{Context, Error, Result};
use crate::evaluate::{evaluate, Unit};
use crate::fsutil::Progress;
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
    /// Also generate the syscall signatures (`sigdata/`) from these kernel sources.
    pub signatures: Option<crate::signatures::SignatureInputs>,
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
    /// One line per ABI: signature coverage (when signatures were generated).
    pub signatures: Vec<String>,
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
    let results = parallel_map(&inputs.abis, libclang, |i, (spec, tree)| {
        evaluate_one(spec, tree, uapi && i == 0, kernel_errno).abi(spec.name)
    });
    let mut tables = Vec::with_capacity(results.len());
    let mut constants = None;
    for result in results {
        let (t, c) = result?;
        tables.push(t);
        constants = constants.or(c);
    }
    Ok((tables, constants))
}

/// `f` over every item, on up to four threads that each activate libclang (evaluations are
/// independent translation units); results in item order.
pub(crate) fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    libclang: &Libclang,
    f: impl Fn(usize, &T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .clamp(1, 4)
        .min(items.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                libclang.activate();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else {
                        break;
                    };
                    let result = f(i, item);
                    results.lock().expect("workers do not panic holding it")[i] = Some(result);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("workers are done")
        .into_iter()
        .map(|r| r.expect("every item ran"))
        .collect()
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
    let mut files = render_all(opts.specs, &tables, uapi);
    outcome.timings.push(("render", t.elapsed()));

    if let Some(inputs) = &opts.signatures {
        let t = Instant::now();
        opts.progress.step("signatures:");
        let generated = crate::signatures::generate(opts.specs, &tables, inputs, opts.progress)?;
        let stored: Vec<(String, crate::sigdata::StoredAbi)> = generated
            .abis
            .iter()
            .map(|a| (a.abi.clone(), crate::sigdata::to_stored(a)))
            .collect();
        files.insert(
            PathBuf::from(crate::sigdata::SIGDATA_PATH),
            crate::sigdata::render(opts.specs, &stored, &generated.origin),
        );
        outcome.signatures = generated.summary;
        outcome.timings.push(("signatures", t.elapsed()));
    }

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
            if diff.is_empty() && old.linux != table.linux.to_string() {
                format!(
                    "no syscall changes (Linux {} -> {})",
                    old.linux, table.linux
                )
            } else {
                diff.to_string()
            }
        }
    };
    format!(
        "  {:<12} Linux {:<8} {:>4} syscalls {:>4} errno  {change}",
        table.abi,
        table.linux.to_string(),
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
    // `sigdata/` is left out: a run without the signature step (`--kernel`, `--headers`)
    // leaves it alone instead of deleting it.
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

/// Replaces the changed files as one set: every new file is staged beside its destination
/// first, then each destination is moved aside and the staged file renamed into place; if any
/// step fails, what was already moved is put back, so the folder is either wholly old or
/// wholly new.
fn write_files(files: &Files, changed: &[PathBuf], out_dir: &Path) -> Result<()> {
    let pid = std::process::id();
    let sibling = |path: &Path, what: &str| {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
        path.with_file_name(format!(".{name}.{what}{pid}"))
    };
    // 1. Stage: nothing visible changes; a failure removes what was staged.
    let mut staged: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let cleanup = |staged: &[(PathBuf, Option<PathBuf>)]| {
        for (_, tmp) in staged {
            if let Some(tmp) = tmp {
                let _ = std::fs::remove_file(tmp);
            }
        }
    };
    for rel in changed {
        let path = out_dir.join(rel);
        if let Ok(meta) = std::fs::symlink_metadata(&path) {
            if !meta.is_file() {
                cleanup(&staged);
                return Err(Error::new(
                    "something other than a regular file stands where a generated file goes",
                )
                .file(&path)
                .hint("move it away and run the generator again; nothing was written"));
            }
        }
        let tmp = match files.get(rel) {
            Some(text) => {
                let tmp = sibling(&path, "new");
                let written = path
                    .parent()
                    .map_or(Ok(()), std::fs::create_dir_all)
                    .and_then(|()| std::fs::write(&tmp, text.as_bytes()));
                if let Err(e) = written {
                    cleanup(&staged);
                    let _ = std::fs::remove_file(&tmp);
                    return Err(Error::io("write", &tmp, e).hint("nothing was replaced"));
                }
                Some(tmp)
            }
            None => None,
        };
        staged.push((path, tmp));
    }
    // 2. Swap: move each old file aside, then the new one in; undo everything on failure.
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    let undo = |done: &[(PathBuf, Option<PathBuf>)]| {
        for (path, backup) in done.iter().rev() {
            match backup {
                Some(backup) => {
                    let _ = std::fs::rename(backup, path);
                }
                None => {
                    let _ = std::fs::remove_file(path);
                }
            }
        }
    };
    for (i, (path, tmp)) in staged.iter().enumerate() {
        let backup = if path.exists() {
            let backup = sibling(path, "old");
            if let Err(e) = std::fs::rename(path, &backup) {
                undo(&done);
                cleanup(&staged[i..]);
                return Err(Error::io("move aside", path, e).hint("nothing was replaced"));
            }
            Some(backup)
        } else {
            None
        };
        if let Some(tmp) = tmp {
            if let Err(e) = std::fs::rename(tmp, path) {
                done.push((path.clone(), backup));
                undo(&done);
                cleanup(&staged[i..]);
                return Err(Error::io("rename into place", path, e).hint("nothing was replaced"));
            }
        }
        done.push((path.clone(), backup));
    }
    // 3. Commit: drop the old files.
    for (_, backup) in done {
        if let Some(backup) = backup {
            let _ = std::fs::remove_file(backup);
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
