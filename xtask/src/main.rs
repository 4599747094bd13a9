//! `cargo xtask`: the workspace's thin command line. Arguments are parsed here; everything
//! else is `codegen`'s.

mod site;

use clap::{Args, Parser, Subcommand};
use codegen::abi::ABIS;
use codegen::committed::read_dir;
use codegen::error::{Error, Result};
use codegen::fsutil::Progress;
use codegen::generate::{generate, Options};
use codegen::libclang::{self, Search};
use codegen::lock::{Lock, LOCK_PATH};
use codegen::sources::{self, Cache, Inputs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

mod history;

/// `cargo xtask`: regenerate, check and export syscalls-sys's tables.
#[derive(Debug, Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    version,
    about = "Regenerate, check and export syscalls-sys's tables from the pinned kernel sources",
    after_help = "Examples:\n  cargo xtask gen                 # fetch the pinned sources (cached) and regenerate\n  cargo xtask gen --check         # fail with a per-ABI diff when the tables are stale\n  cargo xtask export --json | jq '.x86_64.syscalls.memfd_create'\n  cargo xtask test --no-cross     # everything CI checks but the qemu cross tests"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate syscalls-sys's tables from the pinned kernel sources (fetched, checked and
    /// built into headers first; a quick no-op when cached).
    Gen(GenArgs),
    /// Fetch, verify (sha256) and extract the pinned sources, and list each ABI's headers.
    Headers(HeadersArgs),
    /// Print every committed ABI table.
    Export(ExportArgs),
    /// Check that no syscall number in the tables generated into OLDER was reassigned in the
    /// committed tables (or in --newer DIR).
    Compare(CompareArgs),
    /// Write the syscall table page, DIR/index.html: one self-contained file (no external
    /// resource, works from file://) built from syscalls-sys's tables.
    Site(SiteArgs),
    /// Everything CI checks, in order, stopping at the first failure: fmt, clippy, the
    /// workspace's tests on both syscall backends (which include `gen --check`), the
    /// renumbering checks against Linux 6.12 and the zig 7.2 headers, and the
    /// cross-architecture tests under qemu (scripts/cross-test.sh, which installs its
    /// toolchains when run as root).
    Test(TestArgs),
    /// Since which Linux each syscall of each ABI exists: fetch the [[history]] samples of
    /// headers/headers.lock (cached), write syscalls-sys/src/history/data.rs, print the
    /// per-ABI counts and every contradiction.
    History(HistoryArgs),
}

#[derive(Debug, Args)]
struct HistoryArgs {
    /// Write nothing; fail when the committed file is stale.
    #[arg(long)]
    check: bool,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

/// Where the headers come from (at most one; default: the pinned sources).
#[derive(Debug, Args)]
#[group(multiple = false)]
struct InputArgs {
    /// A kernel source tree or tarball: the headers of every arch, by its own `make headers`.
    #[arg(long, value_name = "PATH")]
    kernel: Option<PathBuf>,
    /// Already-installed headers: DIR/<arch>/ per kernel arch.
    #[arg(long, value_name = "DIR")]
    headers: Option<PathBuf>,
    /// One pinned input of headers/headers.lock by id (a source or a cross-check).
    #[arg(long, value_name = "ID")]
    source: Option<String>,
}

#[derive(Debug, Args)]
struct GenArgs {
    /// Write nothing; fail with a per-ABI diff when the tables are stale.
    #[arg(long)]
    check: bool,
    #[command(flatten)]
    input: InputArgs,
    /// Write into DIR instead of syscalls-sys/src. Writing into syscalls-sys/src (by default
    /// or named here) needs every ABI; another folder takes what the input has.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct HeadersArgs {
    /// Re-pin every artifact to what the registries serve now (the newest linux-source-X.Y of
    /// each Debian suite) and say what changed.
    #[arg(long, conflicts_with = "kernel")]
    update: bool,
    /// Install the headers of every arch of a kernel source tree or tarball instead.
    #[arg(long, value_name = "PATH")]
    kernel: Option<PathBuf>,
    /// No progress lines.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// As JSON: {"<abi>": {"linux": "7.3.4", "syscalls": {"read": 0, ...}, "since": {"read":
    /// {"by": "5.10", "generic": "1.0"}, ...}, ...}, ...} (since: see `cargo xtask history`).
    #[arg(long, required = true)]
    json: bool,
    /// Read the tables generated into DIR instead of the committed ones.
    #[arg(long, value_name = "DIR")]
    from: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct CompareArgs {
    /// A folder of generated tables (the older generation), as `gen --out` writes it.
    older: PathBuf,
    /// The newer generation (default: the committed tables).
    #[arg(long, value_name = "DIR")]
    newer: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct SiteArgs {
    /// The folder to write index.html into (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
}

#[derive(Debug, Args)]
struct TestArgs {
    /// Leave out the cross-architecture tests (a quick local run).
    #[arg(long)]
    no_cross: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Gen(args) => gen(&args),
        Command::Headers(args) => headers(&args),
        Command::Export(args) => export(&args),
        Command::Compare(args) => compare(&args),
        Command::Site(args) => site::site(&args.out).map(|path| {
            println!("wrote {}", path.display());
            ExitCode::SUCCESS
        }),
        Command::Test(args) => test(&args),
        Command::History(args) => history::run(&root(), args.check, args.quiet),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

/// The committed tables' folder.
fn committed_dir() -> PathBuf {
    root().join("syscalls-sys/src")
}

/// Whether `dir` is the committed tables' folder, however it is spelled.
fn is_committed_dir(dir: &Path) -> bool {
    match (dir.canonicalize(), committed_dir().canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn read_lock(root: &Path) -> Result<Lock> {
    Lock::read(&root.join(LOCK_PATH), ABIS)
}

/// The header trees the options ask for.
fn inputs(
    input: &InputArgs,
    lock: &Lock,
    cache: &Cache,
    progress: Progress,
) -> Result<Inputs<'static>> {
    if let Some(kernel) = &input.kernel {
        sources::kernel(kernel, ABIS, cache, progress)
    } else if let Some(dir) = &input.headers {
        sources::installed(dir, ABIS)
    } else if let Some(id) = &input.source {
        sources::pinned_input(lock, id, ABIS, cache, progress)
    } else {
        sources::pinned(lock, ABIS, cache, progress)
    }
}

fn gen(args: &GenArgs) -> Result<ExitCode> {
    let root = root();
    let progress = Progress { quiet: args.quiet };
    let check = args.check;
    let lock = read_lock(&root)?;
    let cache = Cache::for_workspace(&root);
    let out_dir = args.out.clone().unwrap_or_else(committed_dir);
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Error::new("--out is not a folder").file(&out_dir));
    }

    let t = Instant::now();
    progress.step("headers:");
    let inputs = inputs(&args.input, &lock, &cache, progress)?;
    let headers_time = t.elapsed();

    let t = Instant::now();
    let search = Search::from_env(lock.libclang.as_ref(), &cache.root);
    let clang = libclang::load(&search, progress)?;
    let libclang_time = t.elapsed();

    // Signatures come from the pinned kernel sources only (not --kernel/--headers/--source).
    let pinned_input =
        args.input.kernel.is_none() && args.input.headers.is_none() && args.input.source.is_none();
    let accept_unresolved =
        !check && std::env::var_os(codegen::signatures::ACCEPT_UNRESOLVED_ENV).is_some();
    let signatures = if pinned_input {
        Some(codegen::signatures::pinned_inputs(
            &lock,
            &cache,
            &root,
            accept_unresolved,
        )?)
    } else {
        None
    };
    // The kernel-internal error codes come from a full kernel source: the pinned one, a
    // pinned kernel-source input, or the tree given with --kernel (not a tarball, nor
    // installed headers).
    let kernel_source = if pinned_input {
        sources::pinned_kernel_tree(&lock, &cache)
    } else if let Some(tree) = args.input.kernel.as_ref().filter(|t| t.is_dir()) {
        Some(tree.clone())
    } else if let Some(id) = &args.input.source {
        lock.input(id)
            .and_then(|source| sources::kernel_tree_of(source, &cache))
    } else {
        None
    };
    let opts = Options {
        specs: ABIS,
        out_dir: out_dir.clone(),
        check,
        uapi: true,
        // The committed tables must never lose an ABI, whichever way the folder is named.
        require_all: args.out.is_none() || is_committed_dir(&out_dir),
        kernel_source,
        progress,
        signatures,
    };
    let mut outcome = generate(&inputs, &clang, &opts)?;
    outcome.timings.insert(0, ("libclang", libclang_time));
    outcome.timings.insert(0, ("headers", headers_time));

    println!(
        "{} ABIs generated, {} skipped (libclang: {}):",
        inputs.abis.len(),
        inputs.skipped.len(),
        clang.version()
    );
    for line in &outcome.summary {
        println!("{line}");
    }
    if !outcome.signatures.is_empty() {
        println!("signatures:");
        for line in &outcome.signatures {
            println!("{line}");
        }
    }
    let code = if outcome.changed.is_empty() {
        println!("{} is up to date", out_dir.display());
        ExitCode::SUCCESS
    } else if check {
        println!("stale generated files in {}:", out_dir.display());
        for line in &outcome.changes {
            println!("{line}");
        }
        println!("run `cargo xtask gen` to regenerate them");
        ExitCode::FAILURE
    } else {
        println!(
            "wrote {} files into {}",
            outcome.changed.len(),
            out_dir.display()
        );
        ExitCode::SUCCESS
    };
    println!("timings: {}", outcome.timings_text());
    Ok(code)
}

fn headers(args: &HeadersArgs) -> Result<ExitCode> {
    let root = root();
    let progress = Progress { quiet: args.quiet };
    let cache = Cache::for_workspace(&root);
    if args.update {
        let lock_path = root.join(LOCK_PATH);
        let lock = read_lock(&root)?;
        let updated = codegen::update::repin(&lock, &cache, progress)?;
        for line in &updated.summary {
            println!("{line}");
        }
        if updated.lock == lock {
            println!(
                "{} already pins what the registries serve",
                lock_path.display()
            );
        } else {
            updated
                .lock
                .validate(ABIS)
                .map_err(|e| e.file(&lock_path))?;
            updated.lock.write(&lock_path)?;
            println!(
                "rewrote {}; now run `cargo xtask gen` and review the diff",
                lock_path.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let lock = read_lock(&root)?;
    let input = InputArgs {
        kernel: args.kernel.clone(),
        headers: None,
        source: None,
    };
    let inputs = inputs(&input, &lock, &cache, progress)?;
    for (spec, tree) in &inputs.abis {
        let dirs: Vec<String> = tree
            .include_dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect();
        println!("  {:<12} {}", spec.name, dirs.join(" "));
    }
    for (spec, why) in &inputs.skipped {
        println!("  {:<12} skipped: {why}", spec.name);
    }
    Ok(ExitCode::SUCCESS)
}

fn export(args: &ExportArgs) -> Result<ExitCode> {
    debug_assert!(args.json, "clap requires --json");
    let dir = args.from.clone().unwrap_or_else(committed_dir);
    if !dir.is_dir() {
        return Err(Error::new("no such folder of generated tables").file(&dir));
    }
    let tables = read_dir(&dir)?;
    if tables.is_empty() {
        return Err(Error::new("no generated ABI tables here")
            .file(dir.join("abi"))
            .hint("run `cargo xtask gen` first"));
    }
    let sigdata_path = dir.join(codegen::sigdata::SIGDATA_PATH);
    let signatures = match std::fs::read_to_string(&sigdata_path) {
        Ok(text) => Some(codegen::sigdata::read(&text).map_err(|e| e.file(&sigdata_path))?),
        Err(_) => None,
    };
    let json = codegen::export::to_json(ABIS, &tables, signatures.as_deref());
    print!("{}", history::with_since(&root(), json)?);
    Ok(ExitCode::SUCCESS)
}

fn compare(args: &CompareArgs) -> Result<ExitCode> {
    let newer_dir = args.newer.clone().unwrap_or_else(committed_dir);
    let older_dir = args.older.as_path();
    let mut loaded = Vec::new();
    for (what, dir) in [("older", older_dir), ("newer", newer_dir.as_path())] {
        if !dir.is_dir() {
            return Err(
                Error::new(format!("no such folder of generated tables ({what})")).file(dir),
            );
        }
        let tables = read_dir(dir)?;
        if tables.is_empty() {
            return Err(Error::new(format!("no generated ABI tables here ({what})"))
                .file(dir.join("abi"))
                .hint("give a folder that `cargo xtask gen --out DIR` wrote"));
        }
        loaded.push(tables);
    }
    let (older, newer) = (&loaded[0], &loaded[1]);
    let comparison = codegen::export::compare(ABIS, older, newer);
    for line in &comparison.summary {
        println!("{line}");
    }
    if comparison.summary.is_empty() {
        let names = |t: &std::collections::BTreeMap<String, _>| {
            t.keys().cloned().collect::<Vec<String>>().join(", ")
        };
        return Err(Error::new(format!(
            "nothing to compare: no ABI of the table is in both folders (older has: {}; newer has: {})",
            names(older),
            names(newer)
        ))
        .file(older_dir));
    }
    if comparison.reassigned.is_empty() {
        println!(
            "no syscall number was reassigned ({} ABIs compared)",
            comparison.summary.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!("REASSIGNED syscall numbers (each is a bug in one of the two generations):");
        for line in &comparison.reassigned {
            println!("  {line}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// One step of `cargo xtask test`: a command line, run from the workspace root.
fn step(name: &str, program: &Path, args: &[&str]) -> Result<()> {
    let line = format!("{} {}", program.display(), args.join(" "));
    println!("\n==> {name}: {line}");
    let t = Instant::now();
    let status = std::process::Command::new(program)
        .args(args)
        .current_dir(root())
        .status()
        .map_err(|e| Error::new(format!("cannot run `{line}`: {e}")))?;
    if !status.success() {
        return Err(
            Error::new(format!("step `{name}` failed ({status}): {line}"))
                .hint("fix it and run `cargo xtask test` again"),
        );
    }
    println!("<== {name}: ok in {:.1}s", t.elapsed().as_secs_f64());
    Ok(())
}

fn test(args: &TestArgs) -> Result<ExitCode> {
    let root = root();
    let cargo = PathBuf::from(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    let me = std::env::current_exe()
        .map_err(|e| Error::new(format!("cannot find xtask itself: {e}")))?;
    let t = Instant::now();
    step("format", &cargo, &["fmt", "--all", "--", "--check"])?;
    // The asm backends are included with `#[path]` from inside a macro, where `cargo fmt`
    // does not follow: check them by name.
    let backends: Vec<String> = std::fs::read_dir(root.join("syscalls-sys/src/backend"))
        .map_err(|e| Error::io("list", root.join("syscalls-sys/src/backend"), e))?
        .filter_map(|e| e.ok().map(|e| e.path().to_string_lossy().into_owned()))
        .filter(|p| p.ends_with(".rs"))
        .collect();
    let mut rustfmt_args = vec!["--edition", "2021", "--check"];
    rustfmt_args.extend(backends.iter().map(String::as_str));
    step("format (asm backends)", Path::new("rustfmt"), &rustfmt_args)?;
    step(
        "clippy",
        &cargo,
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    )?;
    // sysno and xtask turn on syscalls-sys's `signatures` and `history` features, and a
    // workspace build unifies them: the default build is tested on its own too.
    step(
        "tests (asm backend, all features the workspace uses; includes gen --check)",
        &cargo,
        &["test", "--workspace"],
    )?;
    step(
        "tests (syscalls-sys alone, default features)",
        &cargo,
        &["test", "-p", "syscalls-sys"],
    )?;
    step(
        "the syscall table page in headless Chromium",
        &cargo,
        &[
            "test",
            "-p",
            "xtask",
            "--test",
            "site_browser",
            "--",
            "--ignored",
        ],
    )?;
    step(
        "tests (libc backend)",
        &cargo,
        &["test", "-p", "syscalls-sys", "--features", "libc"],
    )?;
    step(
        "tests (history feature: Abi::introduced over the committed history)",
        &cargo,
        &["test", "-p", "syscalls-sys", "--features", "history"],
    )?;

    // Regenerate every ABI from two other inputs into temporary folders: every name each
    // shares with the committed (newer) tables must have the same number. Linux 6.12 (the
    // pinned Debian source of s390, every arch by its own `make headers`) and the Linux 7.2
    // headers inside the zig wheel (an independent distribution of the UAPI headers).
    let lock = read_lock(&root)?;
    let cache = Cache::for_workspace(&root);
    sources::pinned(&lock, ABIS, &cache, Progress { quiet: true })?;
    let old_source = lock
        .sources
        .iter()
        .filter(|s| Some(*s) != lock.main_kernel_source())
        .find(|s| s.artifact.package.starts_with("linux-source-"))
        .ok_or_else(|| {
            Error::new("the lock file pins no second kernel source package")
                .file(root.join(LOCK_PATH))
        })?;
    let tree = sources::kernel_tree_of(old_source, &cache).ok_or_else(|| {
        Error::new(format!("{} was not extracted", old_source.id)).file(cache.tree(&old_source.id))
    })?;
    let tree_str = tree.to_string_lossy().into_owned();
    let mut checks: Vec<(String, Vec<String>)> = vec![(
        format!("Linux {}", old_source.linux),
        vec!["--kernel".into(), tree_str],
    )];
    for check in &lock.crosschecks {
        checks.push((
            format!("{} ({})", check.id, check.artifact.describe()),
            vec!["--source".into(), check.id.clone()],
        ));
    }
    for (what, input) in checks {
        let older = tempfile_dir(&root)?;
        let older_str = older.to_string_lossy().into_owned();
        let mut gen_args = vec!["gen", "--quiet"];
        gen_args.extend(input.iter().map(String::as_str));
        gen_args.extend(["--out", &older_str]);
        let result = step(&format!("regenerate from {what}"), &me, &gen_args).and_then(|()| {
            step(
                &format!("no syscall number reassigned since {what}"),
                &me,
                &["compare", &older_str],
            )
        });
        let _ = std::fs::remove_dir_all(&older);
        result?;
    }

    if args.no_cross {
        println!("\n(cross-architecture tests left out: --no-cross)");
    } else {
        step(
            "cross-architecture tests",
            Path::new("bash"),
            &["scripts/cross-test.sh"],
        )?;
    }
    println!("\nall checks passed in {:.0}s", t.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// A fresh folder under the workspace's target directory.
fn tempfile_dir(root: &Path) -> Result<PathBuf> {
    let dir = root
        .join("target")
        .join(format!("xtask-test-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    Ok(dir)
}
