//! File helpers: atomic writes, sha256 of files, running external tools with useful errors,
//! and progress lines.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;
use std::process::Command;

/// Writes `bytes` to `path` through a temporary sibling and a rename, so that a reader (or a
/// crash) never sees a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the directory", dir, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("out");
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| Error::io("write", &tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("rename into place", path, e)
    })
}

/// The largest header the generator reads. The biggest UAPI header of Linux 7.3 is about
/// 0.3 MB; anything far larger is not a header (a runaway file, a mistaken path) and would
/// take libclang minutes and gigabytes.
pub const MAX_HEADER_BYTES: u64 = 16 << 20;

/// Checks every entry under a header folder before libclang reads it: only folders and
/// regular files of at most [`MAX_HEADER_BYTES`] (following symlinks). A FIFO would block the
/// reader forever, a device or socket cannot be a header.
pub fn check_header_tree(dir: &Path) -> Result<()> {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(entries) => entries,
            // A missing include folder is reported by the evaluation, with its context.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io("list", &d, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| Error::io("list", &d, e))?.path();
            let meta = std::fs::metadata(&path).map_err(|e| Error::io("inspect", &path, e))?;
            if meta.is_dir() {
                stack.push(path);
            } else if !meta.is_file() {
                return Err(Error::new(
                    "not a regular file (a FIFO, socket or device) in a header folder",
                )
                .file(&path)
                .hint("remove it or point the generator at a real header tree"));
            } else if meta.len() > MAX_HEADER_BYTES {
                return Err(Error::new(format!(
                    "a {} MB file in a header folder: headers are far smaller (limit {} MB)",
                    meta.len() >> 20,
                    MAX_HEADER_BYTES >> 20
                ))
                .file(&path)
                .hint("remove it or point the generator at a real header tree"));
            }
        }
    }
    Ok(())
}

/// Lowercase hex sha256 of a file's contents.
pub fn sha256_file(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io("open", path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .map_err(|e| Error::io("read", path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs a command to completion and returns its stdout; a failure (or a missing program)
/// becomes an error carrying the command line, the tail of its output and `install` as the
/// hint for a missing program.
pub fn run(cmd: &mut Command, install: &str) -> Result<String> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let line = format!(
        "{program} {}",
        cmd.get_args()
            .map(|a| a.to_string_lossy())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let out = cmd.output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::new(format!(
                "`{program}` is not installed (needed for `{line}`)"
            ))
            .hint(install.to_string())
        } else {
            Error::new(format!("cannot run `{line}`: {e}"))
        }
    })?;
    if !out.status.success() {
        let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
        text.push_str(&String::from_utf8_lossy(&out.stdout));
        return Err(Error::new(format!(
            "`{line}` failed ({}):\n{}",
            out.status,
            tail(&text, 15)
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The last `n` non-empty lines of `text`, indented.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where progress lines go: stderr, unless quiet (tests).
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Print nothing.
    pub quiet: bool,
}

impl Progress {
    /// One line of progress.
    pub fn step(&self, message: impl AsRef<str>) {
        if !self.quiet {
            eprintln!("{}", message.as_ref());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/f.rs");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub")).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn sha256_of_known_input() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("abc");
        std::fs::write(&path, b"abc").unwrap();
        assert_eq!(
            sha256_file(&path).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn missing_program_names_the_install() {
        let e = run(
            &mut Command::new("surely-not-a-program-xyz"),
            "apt-get install -y xyz",
        )
        .unwrap_err();
        assert!(e.message.contains("is not installed"), "{e}");
        assert_eq!(e.hint.as_deref(), Some("apt-get install -y xyz"));
    }

    #[test]
    fn failing_program_shows_its_output() {
        let e = run(Command::new("sh").args(["-c", "echo boom >&2; exit 3"]), "").unwrap_err();
        assert!(e.message.contains("boom"), "{e}");
    }
}
