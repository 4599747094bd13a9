//! Obtaining pinned artifacts with the ordinary package clients (`pip download`, and
//! `apt-get download` through a private apt state: see [`crate::apt`]; neither needs root) and
//! checking them against their sha256.

use crate::apt::PrivateApt;
use crate::error::{Error, Result};
use crate::fsutil::{run, sha256_file, Progress};
use crate::lock::{Artifact, Origin};
use std::path::{Path, PathBuf};
use std::process::Command;

const PIP_INSTALL: &str = "install pip: apt-get install -y python3-pip";

/// Returns the path of `artifact` in `downloads`, downloading it first if it is not there, and
/// verifies its sha256 (a mismatch is an error, never silently re-downloaded).
pub fn ensure_artifact(
    artifact: &Artifact,
    downloads: &Path,
    progress: Progress,
) -> Result<PathBuf> {
    let path = downloads.join(&artifact.file);
    if !path.is_file() {
        progress.step(format!(
            "  downloading {} with {}",
            artifact.describe(),
            client(artifact.origin)
        ));
        let started = std::time::Instant::now();
        let fetched = download(
            artifact.origin,
            &artifact.package,
            Some(&artifact.version),
            artifact.suite.as_deref(),
            downloads,
            &platforms(&artifact.file),
            progress,
        )?;
        if fetched.file_name().and_then(|n| n.to_str()) != Some(artifact.file.as_str()) {
            return Err(Error::new(format!(
                "{} served {} instead of the pinned {}",
                client(artifact.origin),
                fetched.display(),
                artifact.file
            ))
            .hint("re-pin with `cargo xtask headers --update`"));
        }
        let size = std::fs::metadata(&fetched).map_or(0, |m| m.len());
        progress.step(format!(
            "  downloaded {} MB in {:.1}s",
            size >> 20,
            started.elapsed().as_secs_f64()
        ));
    }
    progress.step(format!("  verifying sha256 of {}", artifact.file));
    verify(artifact, &path)?;
    Ok(path)
}

/// Checks `path` against the pinned sha256.
pub fn verify(artifact: &Artifact, path: &Path) -> Result<()> {
    let actual = sha256_file(path)?;
    if actual != artifact.sha256 {
        return Err(Error::new(format!(
            "sha256 mismatch for {}: the lock file pins {}, the file has {actual}",
            artifact.describe(),
            artifact.sha256
        ))
        .file(path)
        .hint("the download is corrupt or was replaced: delete the file and run `cargo xtask headers` again; if the registry really changed it, re-pin with `cargo xtask headers --update` and review the diff"));
    }
    Ok(())
}

/// The newest version of an artifact's package the registry serves now, downloaded into
/// `downloads`: `(package, version, file)`. For `--update`. A Debian kernel source moves to
/// the newest `linux-source-X.Y` its suite serves (the package name changes with the series);
/// a wheel stays the same package.
pub fn download_latest(
    current: &Artifact,
    downloads: &Path,
    progress: Progress,
) -> Result<(String, String, PathBuf)> {
    let origin = current.origin;
    let suite = current.suite.as_deref();
    let (package, version) = match (origin, suite) {
        (Origin::Debian, Some(suite)) if current.package.starts_with("linux-source-") => {
            let apt = PrivateApt::new(apt_root(downloads), suite)?;
            apt.update(progress)?;
            let (package, version) = apt.newest_kernel_source()?;
            (package, Some(version))
        }
        _ => (current.package.clone(), None),
    };
    let path = download(
        origin,
        &package,
        version.as_deref(),
        suite,
        downloads,
        &platforms(&current.file),
        progress,
    )?;
    let version = match origin {
        Origin::Pypi => {
            // name-version-pytag-abitag-platform.whl
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            name.split('-').nth(1).map(str::to_string).ok_or_else(|| {
                Error::new(format!("cannot read the version from wheel name {name}")).file(&path)
            })?
        }
        Origin::Debian => run(
            Command::new("dpkg-deb").arg("-f").arg(&path).arg("Version"),
            "apt-get install -y dpkg",
        )?
        .trim()
        .to_string(),
    };
    Ok((package, version, path))
}

/// The private apt states live beside the downloads folder, in the cache.
fn apt_root(downloads: &Path) -> &Path {
    downloads.parent().unwrap_or(downloads)
}

fn client(origin: Origin) -> &'static str {
    match origin {
        Origin::Pypi => "pip download",
        Origin::Debian => "apt-get download",
    }
}

/// The platform tags of a wheel file name (`…-manylinux_2_12_x86_64.manylinux2010_x86_64.whl`),
/// so that `pip download` fetches that exact wheel whatever the host is.
pub fn platforms(file: &str) -> Vec<String> {
    let stem = file.strip_suffix(".whl").unwrap_or("");
    match stem.rsplit('-').next() {
        Some(tags) if !stem.is_empty() && tags != "any" => {
            tags.split('.').map(str::to_string).collect()
        }
        _ => Vec::new(),
    }
}

/// Downloads into a fresh temporary folder under `downloads`, then moves the one file into
/// `downloads`; returns its final path.
#[allow(clippy::too_many_arguments)]
fn download(
    origin: Origin,
    package: &str,
    version: Option<&str>,
    suite: Option<&str>,
    downloads: &Path,
    platforms: &[String],
    progress: Progress,
) -> Result<PathBuf> {
    std::fs::create_dir_all(downloads)
        .map_err(|e| Error::io("create the downloads folder", downloads, e))?;
    let tmp = tempfile::Builder::new()
        .prefix(".download")
        .tempdir_in(downloads)
        .map_err(|e| Error::io("create a temporary folder in", downloads, e))?;
    let spec = match (origin, version) {
        (Origin::Pypi, Some(v)) => format!("{package}=={v}"),
        (Origin::Debian, Some(v)) => format!("{package}={v}"),
        (_, None) => package.to_string(),
    };
    let result = match origin {
        Origin::Pypi => {
            let mut cmd = Command::new("python3");
            cmd.args([
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
            ]);
            for p in platforms {
                cmd.args(["--platform", p]);
            }
            cmd.arg("--dest").arg(tmp.path()).arg(&spec);
            run(&mut cmd, PIP_INSTALL)
        }
        Origin::Debian => {
            let suite = suite.ok_or_else(|| {
                Error::new(format!("{package}: a Debian artifact needs its suite"))
                    .hint("add `suite = \"...\"` to its entry in headers/headers.lock")
            })?;
            PrivateApt::new(apt_root(downloads), suite)?
                .download(&spec, tmp.path(), progress)
                .map(|()| String::new())
        }
    };
    if let Err(mut e) = result {
        if e.message.contains("No matching distribution") {
            e = e.hint(format!(
                "{spec} is no longer served; `cargo xtask headers --update` re-pins to what is served now"
            ));
        }
        return Err(e);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .map_err(|e| Error::io("list", tmp.path(), e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    if files.len() != 1 {
        return Err(Error::new(format!(
            "{} of {spec} left {} files, expected one",
            client(origin),
            files.len()
        )));
    }
    let file = files.remove(0);
    let dest = downloads.join(file.file_name().expect("a listed file has a name"));
    std::fs::rename(&file, &dest).map_err(|e| Error::io("move the download into", &dest, e))?;
    Ok(dest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn artifact(sha: &str) -> Artifact {
        Artifact {
            origin: Origin::Pypi,
            package: "fixture".into(),
            version: "1.0".into(),
            suite: None,
            file: "fixture-1.0-py3-none-any.whl".into(),
            sha256: sha.into(),
        }
    }

    #[test]
    fn sha256_mismatch_is_a_hard_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fixture-1.0-py3-none-any.whl");
        std::fs::write(&path, b"not what was pinned").unwrap();
        let e = ensure_artifact(
            &artifact(&"0".repeat(64)),
            dir.path(),
            Progress { quiet: true },
        )
        .unwrap_err();
        assert!(
            e.message
                .contains("sha256 mismatch for fixture 1.0 from PyPI"),
            "{e}"
        );
        assert_eq!(e.file.as_deref(), Some(path.as_path()));
        assert!(e.hint.unwrap().contains("delete the file"));
        // The file is left for inspection, not replaced.
        assert_eq!(std::fs::read(&path).unwrap(), b"not what was pinned");
    }

    #[test]
    fn matching_sha256_is_accepted_without_download() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("fixture-1.0-py3-none-any.whl"), b"abc").unwrap();
        let sha = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        ensure_artifact(&artifact(sha), dir.path(), Progress { quiet: true }).unwrap();
    }

    /// Asks the real registries (CI reaches PyPI and Debian's archive) for versions that do
    /// not exist: the error must say the pin is no longer served and how to re-pin. The Debian
    /// case goes through the private apt state, so it works without the system's lists.
    #[test]
    fn a_version_no_longer_served_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let downloads = dir.path().join("downloads");
        let mut gone = artifact(&"0".repeat(64));
        gone.package = "ziglang".into();
        gone.version = "0.0.1".into();
        gone.file = "ziglang-0.0.1-py3-none-manylinux_2_12_x86_64.whl".into();
        let e = ensure_artifact(&gone, &downloads, Progress { quiet: true }).unwrap_err();
        assert!(e.message.contains("pip"), "{e}");
        assert!(
            e.hint
                .as_deref()
                .unwrap_or("")
                .contains("ziglang==0.0.1 is no longer served"),
            "{e}"
        );
        assert!(e.hint.unwrap().contains("cargo xtask headers --update"));

        if which("apt-get") {
            let gone = Artifact {
                origin: Origin::Debian,
                package: "linux-source-6.12".into(),
                version: "0.0-never".into(),
                suite: Some("bookworm-security".into()),
                file: "linux-source-6.12_0.0-never_all.deb".into(),
                sha256: "0".repeat(64),
            };
            let e = ensure_artifact(&gone, &downloads, Progress { quiet: true }).unwrap_err();
            let hint = e.hint.unwrap_or_default();
            assert!(
                hint.contains(
                    "linux-source-6.12=0.0-never is no longer served by bookworm-security"
                ),
                "{}: {hint}",
                e.message
            );
            assert!(hint.contains("cargo xtask headers --update"), "{hint}");
            // The private lists were fetched into the cache, not the system's.
            assert!(dir.path().join("apt/bookworm-security/lists").is_dir());
        }
        // Nothing half-downloaded is left behind.
        assert_eq!(std::fs::read_dir(&downloads).unwrap().count(), 0);
    }

    fn which(program: &str) -> bool {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
    }

    #[test]
    fn wheel_platform_tags() {
        assert_eq!(
            platforms("ziglang-0.17.0-py3-none-manylinux_2_12_x86_64.manylinux2010_x86_64.musllinux_1_1_x86_64.whl"),
            ["manylinux_2_12_x86_64", "manylinux2010_x86_64", "musllinux_1_1_x86_64"]
        );
        assert!(platforms("x-1-py3-none-any.whl").is_empty());
        assert!(platforms("linux.deb").is_empty());
    }
}
