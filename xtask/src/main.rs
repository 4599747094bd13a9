//! `cargo xtask`: the workspace's thin command line. Arguments are parsed here; everything
//! else is `codegen`'s.

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

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  gen                 regenerate syscalls-sys's tables from the pinned UAPI headers
                      (fetches and checks the headers first; a no-op when cached)
    --check           write nothing; fail with a per-ABI diff when the tables are stale
    --kernel PATH     take the headers from a kernel source tree or tarball instead
    --headers DIR     take already-installed headers instead: DIR/<arch>/ per kernel arch
    --out DIR         write into DIR instead of syscalls-sys/src (required when the input
                      lacks some ABIs)
  headers             fetch, verify (sha256) and extract the pinned header sources
    --update          re-pin every source to what the registries serve now
    --kernel PATH     install the headers of every arch of a kernel tree or tarball
  export --json       print every committed ABI table as JSON
    --from DIR        read the tables generated into DIR instead
  compare DIR         check that no syscall number in the tables generated into DIR was
                      reassigned in the committed tables (or in --newer DIR)
  test                everything CI checks, in order, stopping at the first failure:
                      fmt, clippy, the workspace's tests on both syscall backends (which
                      include `gen --check`), the Linux 6.12 renumbering check, and the
                      cross-architecture tests under qemu (scripts/cross-test.sh, which
                      installs its toolchains when run as root)
    --no-cross        leave out the cross-architecture tests (a quick local run)
  help                this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
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

/// Parsed options: flags and `--name value` pairs, plus positional arguments.
struct Args {
    flags: Vec<String>,
    values: Vec<(String, String)>,
    positional: Vec<String>,
}

impl Args {
    fn parse(args: &[String], flags: &[&str], valued: &[&str]) -> Result<Args> {
        let mut out = Args {
            flags: Vec::new(),
            values: Vec::new(),
            positional: Vec::new(),
        };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if flags.contains(&a.as_str()) {
                out.flags.push(a.clone());
            } else if valued.contains(&a.as_str()) {
                let v = it
                    .next()
                    .ok_or_else(|| Error::new(format!("{a} needs a value")).hint(usage_hint()))?;
                out.values.push((a.clone(), v.clone()));
            } else if a.starts_with('-') {
                return Err(Error::new(format!("unknown option {a}")).hint(usage_hint()));
            } else {
                out.positional.push(a.clone());
            }
        }
        Ok(out)
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }

    fn path(&self, name: &str) -> Option<PathBuf> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| PathBuf::from(v))
    }
}

fn usage_hint() -> String {
    "run `cargo xtask help`".to_string()
}

fn run(args: &[String]) -> Result<ExitCode> {
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return Ok(ExitCode::FAILURE);
    };
    match command.as_str() {
        "gen" => gen(&Args::parse(
            rest,
            &["--check", "--quiet"],
            &["--kernel", "--headers", "--out"],
        )?),
        "headers" => headers(&Args::parse(rest, &["--update", "--quiet"], &["--kernel"])?),
        "export" => export(&Args::parse(rest, &["--json"], &["--from"])?),
        "compare" => compare(&Args::parse(rest, &[], &["--newer"])?),
        "test" => test(&Args::parse(rest, &["--no-cross"], &[])?),
        "help" | "--help" | "-h" => {
            print!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(Error::new(format!("unknown command `{other}`")).hint(usage_hint())),
    }
}

fn read_lock(root: &Path) -> Result<Lock> {
    Lock::read(&root.join(LOCK_PATH), ABIS)
}

/// The header trees the options ask for.
fn inputs(args: &Args, lock: &Lock, cache: &Cache, progress: Progress) -> Result<Inputs<'static>> {
    match (args.path("--kernel"), args.path("--headers")) {
        (Some(_), Some(_)) => Err(Error::new("--kernel and --headers exclude each other")),
        (Some(kernel), None) => sources::kernel(&kernel, ABIS, cache, progress),
        (None, Some(dir)) => sources::installed(&dir, ABIS),
        (None, None) => sources::pinned(lock, ABIS, cache, progress),
    }
}

fn gen(args: &Args) -> Result<ExitCode> {
    let root = root();
    let progress = Progress {
        quiet: args.flag("--quiet"),
    };
    let check = args.flag("--check");
    let lock = read_lock(&root)?;
    let cache = Cache::for_workspace(&root);

    let t = Instant::now();
    progress.step("headers:");
    let inputs = inputs(args, &lock, &cache, progress)?;
    let headers_time = t.elapsed();

    let t = Instant::now();
    let search = Search::from_env(lock.libclang.as_ref(), &cache.root);
    let clang = libclang::load(&search, progress)?;
    let libclang_time = t.elapsed();

    let out_dir = args
        .path("--out")
        .unwrap_or_else(|| root.join("syscalls-sys/src"));
    // The kernel-internal error codes come from a full kernel source: the pinned one, or the
    // tree given with --kernel (not a tarball, nor installed headers).
    let kernel_source = match (args.path("--kernel"), args.path("--headers")) {
        (None, None) => sources::pinned_kernel_tree(&lock, &cache),
        (Some(tree), None) if tree.is_dir() => Some(tree),
        _ => None,
    };
    let opts = Options {
        specs: ABIS,
        out_dir: out_dir.clone(),
        check,
        uapi: true,
        require_all: args.path("--out").is_none(),
        kernel_source,
        progress,
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

fn headers(args: &Args) -> Result<ExitCode> {
    let root = root();
    let progress = Progress {
        quiet: args.flag("--quiet"),
    };
    let cache = Cache::for_workspace(&root);
    if args.flag("--update") {
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
    let inputs = inputs(args, &lock, &cache, progress)?;
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

fn export(args: &Args) -> Result<ExitCode> {
    if !args.flag("--json") {
        return Err(Error::new("export needs a format: --json").hint(usage_hint()));
    }
    let dir = args
        .path("--from")
        .unwrap_or_else(|| root().join("syscalls-sys/src"));
    let tables = read_dir(&dir)?;
    if tables.is_empty() {
        return Err(Error::new("no generated ABI tables here")
            .file(dir.join("abi"))
            .hint("run `cargo xtask gen` first"));
    }
    print!("{}", codegen::export::to_json(ABIS, &tables));
    Ok(ExitCode::SUCCESS)
}

fn compare(args: &Args) -> Result<ExitCode> {
    let [older] = args.positional.as_slice() else {
        return Err(Error::new(
            "compare takes one folder of generated tables (the older generation)",
        )
        .hint(usage_hint()));
    };
    let newer_dir = args
        .path("--newer")
        .unwrap_or_else(|| root().join("syscalls-sys/src"));
    let older_dir = Path::new(older);
    let older = read_dir(older_dir)?;
    let newer = read_dir(&newer_dir)?;
    if older.is_empty() {
        return Err(Error::new("no generated ABI tables here").file(older_dir.join("abi")));
    }
    let comparison = codegen::export::compare(ABIS, &older, &newer);
    for line in &comparison.summary {
        println!("{line}");
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

fn test(args: &Args) -> Result<ExitCode> {
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
    step(
        "tests (asm backend; includes gen --check)",
        &cargo,
        &["test", "--workspace"],
    )?;
    step(
        "tests (libc backend)",
        &cargo,
        &["test", "-p", "syscalls-sys", "--features", "libc"],
    )?;

    // Regenerate every ABI from the pinned Linux 6.12 source into a temporary folder: every
    // name it shares with the committed (newer) tables must have the same number.
    let lock = read_lock(&root)?;
    let cache = Cache::for_workspace(&root);
    sources::pinned(&lock, ABIS, &cache, Progress { quiet: true })?;
    let tree = sources::pinned_kernel_tree(&lock, &cache).ok_or_else(|| {
        Error::new("the lock file pins no kernel source package").file(root.join(LOCK_PATH))
    })?;
    let older = tempfile_dir(&root)?;
    let older_str = older.to_string_lossy().into_owned();
    let tree_str = tree.to_string_lossy().into_owned();
    let generated = step(
        "regenerate from Linux 6.12",
        &me,
        &["gen", "--quiet", "--kernel", &tree_str, "--out", &older_str],
    )
    .and_then(|()| {
        step(
            "no syscall number reassigned since 6.12",
            &me,
            &["compare", &older_str],
        )
    });
    let _ = std::fs::remove_dir_all(&older);
    generated?;

    if args.flag("--no-cross") {
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
