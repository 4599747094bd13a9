//! `cargo xtask headers --update`: re-pin every artifact of the lock file to what the
//! registries serve now (newest version, its file and sha256, and the Linux version inside).

use crate::error::{Error, Result};
use crate::fetch::download_latest;
use crate::fsutil::{sha256_file, Progress};
use crate::lock::{Artifact, Layout, Lock};
use crate::sources::Cache;
use crate::tables::LinuxVersion;
use std::io::Read;
use std::path::Path;

/// The re-pinned lock file and a line per artifact saying what changed.
#[derive(Debug)]
pub struct Repinned {
    /// The new lock (equal to the old one when nothing changed).
    pub lock: Lock,
    /// `ziglang 0.17.0 -> 0.18.0 (Linux 7.2 -> 7.3)`.
    pub summary: Vec<String>,
}

/// Downloads the newest version of every artifact and returns the lock that pins them.
pub fn repin(lock: &Lock, cache: &Cache, progress: Progress) -> Result<Repinned> {
    let mut new = lock.clone();
    let mut summary = Vec::new();
    for source in new.sources.iter_mut().chain(new.crosschecks.iter_mut()) {
        progress.step(format!(
            "asking {} for the newest {}",
            client_name(&source.artifact),
            match &source.artifact.suite {
                Some(suite) => format!("linux-source-X.Y of {suite}"),
                None => source.artifact.package.clone(),
            }
        ));
        let (artifact, path) = latest(&source.artifact, cache, progress)?;
        let layout = source.layout()?;
        let linux = match layout {
            Layout::ZigWheel => zig_linux_version(&path)?.to_string(),
            Layout::DebianKernelSource => artifact
                .version
                .split('-')
                .next()
                .unwrap_or_default()
                .to_string(),
        };
        if artifact == source.artifact {
            summary.push(format!(
                "  {}: {} {} unchanged (Linux {})",
                source.id, artifact.package, artifact.version, source.linux
            ));
            continue;
        }
        summary.push(format!(
            "  {}: {} {} -> {} {} (Linux {} -> {linux})",
            source.id,
            source.artifact.package,
            source.artifact.version,
            artifact.package,
            artifact.version,
            source.linux
        ));
        let short: Vec<&str> = linux.split('.').take(2).collect();
        let prefix = match layout {
            Layout::ZigWheel => "zig",
            Layout::DebianKernelSource => "linux",
        };
        source.id = format!("{prefix}-{}", short.join("."));
        source.linux = linux;
        source.artifact = artifact;
    }
    if let Some(libclang) = &mut new.libclang {
        progress.step("asking PyPI for the newest libclang");
        let (artifact, _) = latest(libclang, cache, progress)?;
        summary.push(if artifact == *libclang {
            format!("  libclang {} unchanged", libclang.version)
        } else {
            format!("  libclang {} -> {}", libclang.version, artifact.version)
        });
        *libclang = artifact;
    }
    Ok(Repinned { lock: new, summary })
}

fn client_name(a: &Artifact) -> &'static str {
    match a.origin {
        crate::lock::Origin::Pypi => "PyPI",
        crate::lock::Origin::Debian => "Debian",
    }
}

/// The newest artifact of the same package (for wheels, the same platform; for Debian kernel
/// sources, the newest `linux-source-X.Y` of the same suite).
fn latest(
    current: &Artifact,
    cache: &Cache,
    progress: Progress,
) -> Result<(Artifact, std::path::PathBuf)> {
    let (package, version, path) = download_latest(current, &cache.downloads(), progress)?;
    let file = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let sha256 = sha256_file(&path)?;
    Ok((
        Artifact {
            origin: current.origin,
            package,
            version,
            suite: current.suite.clone(),
            file,
            sha256,
        },
        path,
    ))
}

/// The Linux version of the headers inside a ziglang wheel.
fn zig_linux_version(wheel: &Path) -> Result<LinuxVersion> {
    let file = std::fs::File::open(wheel).map_err(|e| Error::io("open", wheel, e))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| Error::new(format!("not a wheel: {e}")).file(wheel))?;
    let mut text = String::new();
    zip.by_name("ziglang/lib/libc/include/any-linux-any/linux/version.h")
        .map_err(|e| Error::new(format!("no linux/version.h in the wheel: {e}")).file(wheel))?
        .read_to_string(&mut text)
        .map_err(|e| Error::io("read linux/version.h from", wheel, e))?;
    linux_version_code(&text)
        .map(LinuxVersion::from_code)
        .ok_or_else(|| Error::new("linux/version.h has no LINUX_VERSION_CODE").file(wheel))
}

/// `LINUX_VERSION_CODE` of a `linux/version.h` text (a plain number in installed headers).
fn linux_version_code(text: &str) -> Option<i64> {
    text.lines().find_map(|l| {
        let rest = l
            .trim()
            .strip_prefix("#define")?
            .trim_start()
            .strip_prefix("LINUX_VERSION_CODE")?;
        rest.trim().parse().ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_code_from_installed_header() {
        let text = "#define LINUX_VERSION_CODE 459264\n#define KERNEL_VERSION(a,b,c) x\n";
        assert_eq!(
            linux_version_code(text)
                .map(LinuxVersion::from_code)
                .unwrap()
                .to_string(),
            "7.2"
        );
        assert_eq!(linux_version_code("#define OTHER 1\n"), None);
    }
}
