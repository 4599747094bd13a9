//! Finding and loading libclang at run time (bindgen's `runtime` feature), so the generator
//! builds anywhere and says what to do when libclang is missing.
//!
//! Search order: `LIBCLANG_PATH` if set (and only there), then the system's usual places, then
//! the libclang wheel pinned in the lock file (x86_64 hosts), fetched into the cache.

use crate::error::{Error, Result};
use crate::fetch::ensure_artifact;
use crate::fsutil::Progress;
use crate::lock::Artifact;
use clang_sys::SharedLibrary;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The one command that installs libclang on Debian.
pub const INSTALL: &str = "apt-get install -y libclang-dev";

/// A loaded libclang, shareable with worker threads.
#[derive(Clone)]
pub struct Libclang {
    library: Arc<SharedLibrary>,
}

impl std::fmt::Debug for Libclang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Libclang")
            .field("path", &self.path())
            .finish()
    }
}

impl Libclang {
    /// Makes this libclang the one bindgen uses on the calling thread.
    pub fn activate(&self) {
        clang_sys::set_library(Some(self.library.clone()));
    }

    /// Where it was loaded from.
    pub fn path(&self) -> &Path {
        self.library.path()
    }

    /// Its version, as clang reports it (`clang version 14.0.6`).
    pub fn version(&self) -> String {
        self.activate();
        // SAFETY: the library is loaded on this thread (just above) and clang_getClangVersion
        // takes no arguments; the returned CXString is disposed of by `cx_string`.
        unsafe { cx_string(clang_sys::clang_getClangVersion()) }
    }
}

/// # Safety
/// `s` must be a CXString returned by libclang and not yet disposed of.
unsafe fn cx_string(s: clang_sys::CXString) -> String {
    // SAFETY: the caller passes a live CXString; clang_getCString returns a C string owned by
    // it (or null), which is copied before clang_disposeString frees it.
    unsafe {
        let c = clang_sys::clang_getCString(s);
        let text = if c.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(c).to_string_lossy().into_owned()
        };
        clang_sys::clang_disposeString(s);
        text
    }
}

/// Where to look for libclang.
#[derive(Debug, Clone)]
pub struct Search<'a> {
    /// Try clang-sys's own search: only `LIBCLANG_PATH` when it is set, else the system's
    /// usual places.
    pub environment: bool,
    /// The pinned wheel to fetch when nothing else is found, and the cache to fetch it into.
    pub fallback: Option<(&'a Artifact, PathBuf)>,
}

impl<'a> Search<'a> {
    /// The search for this process: the environment, then the pinned wheel if the host can
    /// run it. `SYSCALLS_SYS_LIBCLANG=pinned` skips the environment, so that the pinned
    /// libclang can be tried (and its output compared) on a machine that has another one.
    pub fn from_env(pinned: Option<&'a Artifact>, cache_root: &Path) -> Search<'a> {
        let host_ok = cfg!(all(target_os = "linux", target_arch = "x86_64"));
        let only_pinned = std::env::var_os("SYSCALLS_SYS_LIBCLANG").is_some_and(|v| v == "pinned");
        Search {
            environment: !only_pinned,
            fallback: pinned
                .filter(|_| host_ok)
                .map(|a| (a, cache_root.to_path_buf())),
        }
    }
}

/// Loads libclang following `search`.
///
/// Using the pinned wheel sets `LIBCLANG_PATH` for this process (clang-sys reads the path
/// nowhere else): call this before starting threads.
pub fn load(search: &Search<'_>, progress: Progress) -> Result<Libclang> {
    let mut tried = Vec::new();
    if search.environment {
        match clang_sys::load_manually() {
            Ok(library) => {
                return Ok(Libclang {
                    library: Arc::new(library),
                })
            }
            Err(why) => {
                if let Some(path) = std::env::var_os("LIBCLANG_PATH") {
                    // The user chose this place: do not silently use another libclang.
                    return Err(Error::new(format!(
                        "LIBCLANG_PATH={} holds no usable libclang: {why}",
                        Path::new(&path).display()
                    ))
                    .hint(format!(
                        "point LIBCLANG_PATH at the folder holding libclang.so, or unset it; to install one: {INSTALL}"
                    )));
                }
                tried.push(format!("system: {why}"));
            }
        }
    }
    if let Some((artifact, cache_root)) = &search.fallback {
        let why = if search.environment {
            "none on this machine"
        } else {
            "SYSCALLS_SYS_LIBCLANG=pinned"
        };
        progress.step(format!(
            "libclang: {why}, using the pinned {}",
            artifact.describe()
        ));
        let dir = cache_root.join("libclang").join(&artifact.version);
        let loaded = fetch_wheel(artifact, cache_root, &dir, progress).and_then(|()| {
            std::env::set_var("LIBCLANG_PATH", &dir);
            clang_sys::load_manually().map_err(|why| Error::new(why).file(&dir))
        });
        match loaded {
            Ok(library) => {
                return Ok(Libclang {
                    library: Arc::new(library),
                })
            }
            Err(e) => tried.push(format!("pinned wheel: {e}")),
        }
    }
    Err(
        Error::new(format!("libclang not found ({})", tried.join("; "))).hint(format!(
            "install it with `{INSTALL}` (or set LIBCLANG_PATH to the folder holding libclang.so)"
        )),
    )
}

/// Extracts `libclang.so` from the pinned wheel into `dir` (once).
fn fetch_wheel(
    artifact: &Artifact,
    cache_root: &Path,
    dir: &Path,
    progress: Progress,
) -> Result<()> {
    let target = dir.join("libclang.so");
    if target.is_file() {
        return Ok(());
    }
    let wheel = ensure_artifact(artifact, &cache_root.join("downloads"), progress)?;
    let file = std::fs::File::open(&wheel).map_err(|e| Error::io("open", &wheel, e))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| Error::new(format!("not a wheel: {e}")).file(&wheel))?;
    let index = (0..zip.len())
        .find(|&i| {
            zip.by_index(i)
                .is_ok_and(|e| e.name().ends_with("/libclang.so"))
        })
        .ok_or_else(|| Error::new("the wheel holds no libclang.so").file(&wheel))?;
    let mut entry = zip
        .by_index(index)
        .map_err(|e| Error::new(format!("corrupt wheel: {e}")).file(&wheel))?;
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir, e))?;
    let tmp = dir.join(format!(".libclang.so.tmp{}", std::process::id()));
    let mut out = std::fs::File::create(&tmp).map_err(|e| Error::io("create", &tmp, e))?;
    std::io::copy(&mut entry, &mut out).map_err(|e| Error::io("extract", &tmp, e))?;
    std::fs::rename(&tmp, &target).map_err(|e| Error::io("rename into place", &target, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_libclang_says_how_to_get_it() {
        let search = Search {
            environment: false,
            fallback: None,
        };
        let e = load(&search, Progress { quiet: true }).unwrap_err();
        assert!(e.message.starts_with("libclang not found"), "{e}");
        assert!(e.hint.unwrap().contains(INSTALL));
    }
}
