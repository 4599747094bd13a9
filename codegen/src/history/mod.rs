//! `cargo xtask history`: since which Linux version each syscall of each ABI exists.
//!
//! The inputs are the `[[history]]` pins of `headers/headers.lock` ([`pins`]): whole kernel
//! sources from Debian and zig wheels' installed headers (the samples), and the man pages.
//! [`samples`] fetches and partially extracts them, [`tree`] turns a kernel source into
//! headers without `make`, [`eval`] has clang evaluate every ABI of every sample, [`manpages`]
//! reads the documented versions, [`model`] derives one answer per (ABI, syscall) and lists
//! every contradiction, [`data`] writes the committed file that `syscalls-sys` reads, and
//! [`check`] holds it against the committed tables and the pins without fetching anything.

pub mod check;
pub mod data;
pub mod eval;
pub mod export;
pub mod manpages;
pub mod model;
pub mod pins;
pub mod samples;
pub mod tree;

use crate::abi::AbiSpec;
use crate::error::{Error, Result};
use crate::fsutil::{write_atomic, Progress};
use crate::libclang::Libclang;
use crate::lock::Lock;
use crate::sources::Cache;
use model::{History, Since};
use pins::PinKind;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a run found and did.
#[derive(Debug)]
pub struct Outcome {
    /// The derived history.
    pub history: History,
    /// Whether the committed file differs from it (in check mode: is stale).
    pub changed: bool,
    /// Per-ABI lines: counts of exact / interval / at-or-before.
    pub summary: Vec<String>,
    /// How many syscall names the man pages give a version.
    pub man_versions: usize,
    /// Per-phase wall time.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Fetches and evaluates every pin (cached), derives the history and writes the data file
/// (or, with `check`, only compares). `libclang` is called only when some sample is not
/// cached yet.
pub fn run(
    lock: &Lock,
    specs: &[AbiSpec],
    cache: &Cache,
    libclang: &mut dyn FnMut() -> Result<Libclang>,
    out: &Path,
    check: bool,
    progress: Progress,
) -> Result<Outcome> {
    if lock.history.is_empty() {
        return Err(Error::new("headers/headers.lock has no [[history]] pins")
            .hint("add the sample kernels and the man pages as [[history]] entries"));
    }
    let mut timings = Vec::new();
    let _guard = cache.lock()?;
    let t = Instant::now();
    let mut prepared = Vec::new();
    for (i, pin) in lock.history.iter().enumerate() {
        progress.step(format!(
            "[{}/{}] {} ({})",
            i + 1,
            lock.history.len(),
            pin.id,
            pin.artifact.describe()
        ));
        prepared.push((pin, samples::prepare(cache, pin, progress)?));
    }
    timings.push(("fetch+extract", t.elapsed()));

    let t = Instant::now();
    let mut loaded: Option<Libclang> = None;
    let mut sampled = Vec::new();
    let mut man = None;
    for (pin, dir) in &prepared {
        match pin.kind()? {
            PinKind::ManPages => man = Some(manpages::read_dir(&dir.join("man2"))?),
            _ => {
                if let Some(s) = eval::cached(pin, dir, specs) {
                    sampled.push(s);
                    continue;
                }
                if loaded.is_none() {
                    loaded = Some(libclang()?);
                }
                progress.step(format!("  evaluating the ABIs of {}", pin.id));
                let lib = loaded.as_ref().expect("just loaded");
                sampled.push(eval::sample(pin, dir, specs, lib)?);
            }
        }
    }
    let man = man.expect("validation requires one man-pages pin");
    timings.push(("evaluate", t.elapsed()));

    let t = Instant::now();
    let names: Vec<&str> = specs.iter().map(|s| s.name).collect();
    let history = model::build(&names, &sampled, &man);
    let inputs: Vec<String> = lock
        .history
        .iter()
        .map(|p| match &p.linux {
            Some(l) => format!("Linux {l} ({})", p.artifact.describe()),
            None => p.artifact.describe(),
        })
        .collect();
    let text = data::render(&history, &inputs.join(", "));
    let changed = std::fs::read(out).ok().as_deref() != Some(text.as_bytes());
    if changed && !check {
        write_atomic(out, text.as_bytes())?;
    }
    timings.push(("render", t.elapsed()));
    let summary = summary(&history);
    Ok(Outcome {
        history,
        changed,
        summary,
        man_versions: man.len(),
        timings,
    })
}

/// `  x86_64        exact  41  interval  30  <=5.10 314  removed 0`.
pub fn summary(history: &History) -> Vec<String> {
    history
        .abis
        .iter()
        .map(|abi| {
            let (mut exact, mut range, mut before, mut removed) = (0, 0, 0, 0);
            for e in abi.entries.values() {
                match e.since {
                    Since::Exact { .. } => exact += 1,
                    Since::Range { .. } => range += 1,
                    Since::AtOrBefore { .. } => before += 1,
                }
                removed += usize::from(e.removed.is_some());
            }
            let oldest = history.samples.first().copied().unwrap_or_default();
            let mut line = format!(
                "  {:<12} {:>4} names: exact {exact:>3}, interval {range:>3}, <= {} {before:>3}, removed {removed}, newest table {}",
                abi.abi,
                abi.entries.len(),
                model::show(oldest),
                model::show(abi.last)
            );
            if let Some((a, b)) = abi.ends {
                line.push_str(&format!(", ABI gone after {}, by {}", model::show(a), model::show(b)));
            }
            line
        })
        .collect()
}
