//! `cargo xtask history [--check] [--quiet]`: since which Linux each syscall of each ABI
//! exists, from the `[[history]]` pins of headers/headers.lock, into
//! syscalls-sys/src/history/data.rs.

use codegen::abi::ABIS;
use codegen::error::{Error, Result};
use codegen::fsutil::Progress;
use codegen::history::{self, data};
use codegen::libclang::{self, Search};
use codegen::lock::{Lock, LOCK_PATH};
use codegen::sources::Cache;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

/// Runs the command: regenerate (or, with `check`, compare) the committed history, print the
/// per-ABI counts and every contradiction, and check it against the committed tables.
pub fn run(root: &Path, check: bool, quiet: bool) -> Result<ExitCode> {
    let progress = Progress { quiet };
    let t = Instant::now();
    let lock = Lock::read(&root.join(LOCK_PATH), ABIS)?;
    let cache = Cache::for_workspace(root);
    let out = root.join(data::PATH);
    let pinned = lock.libclang.clone();
    let cache_root = cache.root.clone();
    let mut load = || {
        let search = Search::from_env(pinned.as_ref(), &cache_root);
        libclang::load(&search, progress)
    };
    let outcome = history::run(&lock, ABIS, &cache, &mut load, &out, check, progress)?;
    println!(
        "since which Linux, per ABI (samples: {}):",
        outcome
            .history
            .samples
            .iter()
            .map(|v| history::model::show(*v))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for line in &outcome.summary {
        println!("{line}");
    }
    println!(
        "the man pages give a Linux version for {} names",
        outcome.man_versions
    );
    if outcome.history.contradictions.is_empty() {
        println!("no contradiction between the samples and the man pages");
    } else {
        println!(
            "{} contradictions (recorded in {}):",
            outcome.history.contradictions.len(),
            data::PATH
        );
        for c in &outcome.history.contradictions {
            println!("  {c}");
        }
    }
    let tables = codegen::committed::read_dir(&root.join("syscalls-sys/src"))?;
    let problems = history::check::problems(&outcome.history, &tables, &lock.history);
    for p in &problems {
        println!("  inconsistent with the committed tables: {p}");
    }
    let timings: Vec<String> = outcome
        .timings
        .iter()
        .map(|(n, d)| format!("{n} {:.2}s", d.as_secs_f64()))
        .collect();
    println!(
        "timings: {}, total {:.1}s",
        timings.join(", "),
        t.elapsed().as_secs_f64()
    );
    if outcome.changed && check {
        println!("{} is stale: run `cargo xtask history`", data::PATH);
        return Ok(ExitCode::FAILURE);
    }
    if outcome.changed {
        println!("wrote {}", data::PATH);
    } else {
        println!("{} is up to date", data::PATH);
    }
    if !problems.is_empty() {
        return Err(Error::new(format!(
            "the history does not cover the committed tables ({} problems)",
            problems.len()
        ))
        .hint("pin a sample at the tables' Linux version in [[history]] and run `cargo xtask history`"));
    }
    Ok(ExitCode::SUCCESS)
}

/// The export JSON with each ABI's `"since"` (and `"removed"`, `"ends"`) from the committed
/// history file; unchanged when there is no history file.
pub fn with_since(root: &Path, json: String) -> Result<String> {
    let path = root.join(data::PATH);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(json);
    };
    let history = data::parse(&text).map_err(|e| e.file(&path))?;
    history::export::with_since(&json, &history)
}
