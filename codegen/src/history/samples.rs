//! Obtaining the history pins: download (checked by sha256) and the partial extraction each
//! kind needs, cached under `<cache>/history/<id>/` with a stamp, so a warm run does nothing.
//!
//! - A kernel source package: only the files that decide the syscall tables (the `.tbl`
//!   files and their Makefiles, the UAPI `asm/` folders, `asm-generic/`, the top Makefile),
//!   a few MB out of the 1 GB tree.
//! - A zig wheel: the `asm/`, `asm-generic/` and `linux/version.h` headers of every
//!   `<arch>-linux-any` folder.
//! - `manpages-dev`: the section 2 pages.

use super::pins::{HistoryPin, PinKind};
use crate::error::{Error, Result};
use crate::fetch::ensure_artifact;
use crate::fsutil::{run, Progress};
use crate::sources::Cache;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Bumped whenever what is extracted changes, so that stale cached trees are redone.
const EXTRACT_FORMAT: u32 = 1;

/// Folders of the history cache.
pub fn root(cache: &Cache) -> PathBuf {
    cache.root.join("history")
}

/// The prepared folder of one pin: the partial kernel tree (`src/`), the zig headers
/// (`include/`) or the man pages (`man2/`).
pub fn prepared(cache: &Cache, pin: &HistoryPin) -> PathBuf {
    root(cache).join(&pin.id)
}

/// The stamp a prepared folder carries: the artifact and the extraction format.
pub fn stamp_text(pin: &HistoryPin) -> String {
    format!("{} format {EXTRACT_FORMAT}\n", pin.artifact.sha256)
}

/// Whether `dir` holds a stamp equal to `stamp`.
pub fn stamp_matches(dir: &Path, stamp: &str) -> bool {
    std::fs::read_to_string(dir.join(".stamp")).is_ok_and(|s| s == stamp)
}

/// Writes the stamp of `dir`.
pub fn write_stamp(dir: &Path, stamp: &str) -> Result<()> {
    crate::fsutil::write_atomic(&dir.join(".stamp"), stamp.as_bytes())
}

/// Downloads (if needed), verifies and extracts `pin`; returns its prepared folder. A no-op
/// when the stamp matches.
pub fn prepare(cache: &Cache, pin: &HistoryPin, progress: Progress) -> Result<PathBuf> {
    let dir = prepared(cache, pin);
    let stamp = stamp_text(pin);
    if stamp_matches(&dir, &stamp) {
        return Ok(dir);
    }
    let file = obtain(cache, pin, progress)?;
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io("remove the stale folder", &dir, e))?;
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", &dir, e))?;
    progress.step(format!("  extracting {}", pin.artifact.file));
    match pin.kind()? {
        PinKind::KernelSource => extract_kernel(&file, &dir.join("src"))?,
        PinKind::ZigHeaders => extract_zig(&file, &dir.join("include"))?,
        PinKind::ManPages => extract_man(&file, &dir)?,
    }
    write_stamp(&dir, &stamp)?;
    Ok(dir)
}

/// The verified download of `pin` (Debian packages through the private apt state of
/// [`crate::apt`], for the pin's suite).
fn obtain(cache: &Cache, pin: &HistoryPin, progress: Progress) -> Result<PathBuf> {
    ensure_artifact(&pin.artifact, &cache.downloads(), progress).map_err(|e| e.abi(&pin.id))
}

/// The members of a kernel tarball the tables depend on (`*` does not cross `/`).
const KERNEL_MEMBERS: &[&str] = &[
    "*/Makefile",
    "*/arch/*/include/uapi/asm/*",
    "*/arch/*/kernel/syscalls/*",
    "*/arch/*/entry/syscalls/*",
    "*/arch/*/tools/*",
    "*/arch/*/kernel/Makefile.syscalls",
    "*/include/uapi/asm-generic/*",
    "*/scripts/syscall.tbl",
];

/// Streams the kernel tarball out of the package and extracts only [`KERNEL_MEMBERS`].
fn extract_kernel(deb: &Path, dest: &Path) -> Result<()> {
    std::fs::create_dir_all(dest).map_err(|e| Error::io("create", dest, e))?;
    let spawn_err = |what: &str, e: std::io::Error| {
        Error::new(format!("cannot run {what}: {e}")).hint("apt-get install -y dpkg tar xz-utils")
    };
    let mut package = Command::new("dpkg-deb")
        .arg("--fsys-tarfile")
        .arg(deb)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_err("dpkg-deb", e))?;
    let mut tarball = Command::new("tar")
        .args(["-xO", "--wildcards", "*usr/src/linux-source-*.tar.*"])
        .stdin(package.stdout.take().expect("piped"))
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| spawn_err("tar", e))?;
    let inner = Command::new("tar")
        .arg("-xJ")
        .arg("-C")
        .arg(dest)
        .args([
            "--strip-components=1",
            "--wildcards",
            "--no-wildcards-match-slash",
        ])
        .args(KERNEL_MEMBERS)
        .stdin(tarball.stdout.take().expect("piped"))
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| spawn_err("tar", e))?;
    let a = package.wait().map_err(|e| spawn_err("dpkg-deb", e))?;
    let b = tarball.wait().map_err(|e| spawn_err("tar", e))?;
    // The inner tar reports members that match nothing (no Makefile.syscalls before 6.11):
    // that is expected; anything else is not.
    let stderr = String::from_utf8_lossy(&inner.stderr);
    let real_errors: Vec<&str> = stderr
        .lines()
        .filter(|l| !l.contains("Not found in archive") && !l.contains("Exiting with failure"))
        .collect();
    if !a.success() || !b.success() || !real_errors.is_empty() {
        return Err(Error::new(format!(
            "extracting the kernel source failed:\n{}",
            real_errors.join("\n")
        ))
        .file(deb)
        .hint("the package is corrupt: delete it from the downloads folder and run again"));
    }
    if !dest.join("Makefile").is_file() || !dest.join("arch").is_dir() {
        return Err(Error::new("the package holds no kernel source tree").file(deb));
    }
    Ok(())
}

/// The `asm/`, `asm-generic/` and `linux/version.h` headers of every `*-linux-any` folder.
fn extract_zig(wheel: &Path, dest: &Path) -> Result<()> {
    let count = crate::sources::extract_zig_headers(wheel, dest, |parts| {
        matches!(
            parts,
            [_, "asm" | "asm-generic", ..] | [_, "linux", "version.h"]
        )
    })?;
    if count == 0 {
        return Err(Error::new("the wheel holds no */asm headers").file(wheel));
    }
    Ok(())
}

/// The section 2 pages of `manpages-dev`, as `man2/*.2.gz`.
fn extract_man(deb: &Path, dest: &Path) -> Result<()> {
    let tmp = tempfile::tempdir_in(dest).map_err(|e| Error::io("create a folder in", dest, e))?;
    run(
        Command::new("dpkg-deb").arg("-x").arg(deb).arg(tmp.path()),
        "apt-get install -y dpkg",
    )?;
    let man2 = tmp.path().join("usr/share/man/man2");
    if !man2.is_dir() {
        return Err(Error::new("the package holds no usr/share/man/man2").file(deb));
    }
    let out = dest.join("man2");
    std::fs::rename(&man2, &out).map_err(|e| Error::io("move", &out, e))
}
