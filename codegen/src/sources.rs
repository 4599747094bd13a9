//! Header trees: where each ABI's installed UAPI headers are, obtained from the pinned lock
//! file sources, from a kernel source tree or tarball (`--kernel`), or from folders of already
//! installed headers (`--headers`). Fetched and extracted trees live in a git-ignored cache.

use crate::abi::{is_known_kernel_arch, AbiSpec};
use crate::error::{Error, Result};
use crate::fetch::ensure_artifact;
use crate::fsutil::{run, sha256_file, Progress};
use crate::lock::{HeaderSource, Layout, Lock};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where one ABI's headers are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderTree {
    /// `-I` directories, searched in order.
    pub include_dirs: Vec<PathBuf>,
    /// Where the headers came from, for the `@generated` line: `ziglang 0.17.0 from PyPI`.
    pub origin: String,
    /// The Linux version the source is pinned as, checked against `linux/version.h`.
    pub expected_linux: Option<String>,
}

/// The ABIs to generate, each with its tree, and the ABIs the input does not have.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// ABIs with headers, in ABI-table order.
    pub abis: Vec<(&'a AbiSpec, HeaderTree)>,
    /// ABIs without headers in this input, with the reason.
    pub skipped: Vec<(&'a AbiSpec, String)>,
}

/// The cache folder: downloads, extracted trees, installed kernel headers, a fetched libclang.
#[derive(Debug, Clone)]
pub struct Cache {
    /// Its root (`<workspace>/.cache`, or `$SYSCALLS_SYS_CACHE`).
    pub root: PathBuf,
}

impl Cache {
    /// The default cache of a workspace.
    pub fn for_workspace(workspace: &Path) -> Cache {
        let root = std::env::var_os("SYSCALLS_SYS_CACHE")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace.join(".cache"));
        Cache { root }
    }

    /// Downloaded artifacts.
    pub fn downloads(&self) -> PathBuf {
        self.root.join("downloads")
    }

    /// Extracted tree of a pinned source.
    pub fn tree(&self, id: &str) -> PathBuf {
        self.root.join("trees").join(id)
    }

    /// Holds the cache for this process until the guard is dropped: concurrent runs (tests,
    /// two terminals) wait instead of extracting into the same folders at once.
    pub fn lock(&self) -> Result<std::fs::File> {
        std::fs::create_dir_all(&self.root)
            .map_err(|e| Error::io("create the cache folder", &self.root, e))?;
        let path = self.root.join(".lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| Error::io("open the cache lock", &path, e))?;
        file.lock()
            .map_err(|e| Error::io("lock the cache", &path, e))?;
        Ok(file)
    }

    /// Headers installed from a `--kernel` tree, by key.
    pub fn kernel(&self, key: &str) -> PathBuf {
        self.root.join("kernels").join(key)
    }
}

const STAMP: &str = ".stamp";
const MAKE_INSTALL: &str = "apt-get install -y make gcc";
const TAR_INSTALL: &str = "apt-get install -y tar xz-utils";

fn stamp_matches(dir: &Path, content: &str) -> bool {
    std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|s| s == content)
}

fn write_stamp(dir: &Path, content: &str) -> Result<()> {
    crate::fsutil::write_atomic(&dir.join(STAMP), content.as_bytes())
}

fn fresh_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io("remove the stale folder", dir, e))?;
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create the folder", dir, e))
}

/// Obtains (or finds in the cache) the trees of every pinned source, and maps ABIs to them.
/// A quick no-op when the cache is valid.
pub fn pinned<'a>(
    lock: &Lock,
    specs: &'a [AbiSpec],
    cache: &Cache,
    progress: Progress,
) -> Result<Inputs<'a>> {
    let _guard = cache.lock()?;
    let mut abis = Vec::new();
    for (i, source) in lock.sources.iter().enumerate() {
        let prefix = format!("[{}/{}]", i + 1, lock.sources.len());
        abis.extend(prepare_source(source, specs, cache, &prefix, progress)?);
    }
    abis.sort_by_key(|(spec, _)| specs.iter().position(|s| s.name == spec.name));
    Ok(Inputs {
        abis,
        skipped: Vec::new(),
    })
}

/// The trees of one pinned input (a `[[source]]` or a `[[crosscheck]]` of the lock file) by id,
/// for the ABIs it lists; the other ABIs of the table are skipped.
pub fn pinned_input<'a>(
    lock: &Lock,
    id: &str,
    specs: &'a [AbiSpec],
    cache: &Cache,
    progress: Progress,
) -> Result<Inputs<'a>> {
    let source = lock.input(id).ok_or_else(|| {
        let ids: Vec<&str> = lock
            .sources
            .iter()
            .chain(&lock.crosschecks)
            .map(|s| s.id.as_str())
            .collect();
        Error::new(format!("the lock file pins no input `{id}`"))
            .hint(format!("pinned inputs: {}", ids.join(", ")))
    })?;
    let _guard = cache.lock()?;
    let abis = prepare_source(source, specs, cache, "", progress)?;
    let skipped = specs
        .iter()
        .filter(|s| !abis.iter().any(|(a, _)| a.name == s.name))
        .map(|s| (s, format!("{id} does not supply it")))
        .collect();
    Ok(Inputs { abis, skipped })
}

/// Fetches, checks and extracts one pinned input, and maps the ABIs it lists to their trees.
fn prepare_source<'a>(
    source: &HeaderSource,
    specs: &'a [AbiSpec],
    cache: &Cache,
    prefix: &str,
    progress: Progress,
) -> Result<Vec<(&'a AbiSpec, HeaderTree)>> {
    let prefix = format!(
        "{prefix}{}{} from {}",
        if prefix.is_empty() { "" } else { " " },
        source.id,
        source.artifact.describe()
    );
    // An artifact problem concerns every ABI the source supplies: say which.
    let supplied = source.abis.join(", ");
    let layout = source.layout()?;
    let t = std::time::Instant::now();
    let root = match layout {
        Layout::ZigWheel => prepare_zig(source, cache, &prefix, progress),
        Layout::DebianKernelSource => prepare_debian(source, cache, &prefix, progress),
    }
    .map_err(|e| e.abi(&supplied))?;
    if t.elapsed().as_secs_f64() > 1.0 {
        progress.step(format!(
            "  {} ready in {:.1}s",
            source.id,
            t.elapsed().as_secs_f64()
        ));
    }
    let mut abis = Vec::new();
    for name in &source.abis {
        let spec = specs
            .iter()
            .find(|s| s.name == name.as_str())
            .ok_or_else(|| Error::new(format!("input {} lists unknown ABI {name}", source.id)))?;
        let include_dirs = match layout {
            Layout::ZigWheel => {
                let dir = spec.zig_dir.ok_or_else(|| {
                    Error::new(format!(
                        "zig's headers have no folder for kernel arch {}",
                        spec.kernel_arch
                    ))
                    .abi(name)
                    .hint("move this ABI to another source in headers/headers.lock")
                })?;
                vec![
                    root.join(format!("{dir}-linux-any")),
                    root.join("any-linux-any"),
                ]
            }
            Layout::DebianKernelSource => vec![root.join(spec.kernel_arch).join("usr/include")],
        };
        abis.push((
            spec,
            HeaderTree {
                include_dirs,
                origin: source.artifact.describe(),
                expected_linux: Some(source.linux.clone()),
            },
        ));
    }
    Ok(abis)
}

/// The extracted full source tree of the pinned kernel-source package that supplies the most
/// ABIs (Linux 7.3), once [`pinned`] has prepared it: what headers do not hold (the syscall
/// tables with their entry points, `include/linux/errno.h`, the syscall definitions).
pub fn pinned_kernel_tree(lock: &Lock, cache: &Cache) -> Option<PathBuf> {
    kernel_tree_of(lock.main_kernel_source()?, cache)
}

/// The extracted full source tree of a pinned kernel-source input, once prepared.
pub fn kernel_tree_of(source: &HeaderSource, cache: &Cache) -> Option<PathBuf> {
    let src = cache.tree(&source.id).join("src");
    let stamp = extraction_stamp(&source.artifact.sha256);
    stamp_matches(&src, &stamp).then_some(src)
}

/// What a finished extraction of the artifact with sha256 `sha` is stamped with: the sha and
/// the extraction's own version (a change of what is extracted invalidates old trees).
fn extraction_stamp(sha: &str) -> String {
    format!("{sha}\n{EXTRACT_VERSION}\n")
}

/// Bumped whenever [`extract_tarball`] extracts something else.
const EXTRACT_VERSION: &str = "extract 2: all but Documentation/ and sound/";

/// zig's wheel: extract every `<arch>-linux-any` header folder.
fn prepare_zig(
    source: &HeaderSource,
    cache: &Cache,
    prefix: &str,
    progress: Progress,
) -> Result<PathBuf> {
    let root = cache.tree(&source.id);
    let stamp = format!("{}\n", source.artifact.sha256);
    if stamp_matches(&root, &stamp) {
        progress.step(format!("{prefix}: cached"));
        return Ok(root);
    }
    progress.step(format!("{prefix}:"));
    let wheel = ensure_artifact(&source.artifact, &cache.downloads(), progress)?;
    progress.step("  extracting the kernel headers from the wheel");
    fresh_dir(&root)?;
    let count = extract_zig_headers(&wheel, &root, |_| true)?;
    if count == 0 {
        return Err(
            Error::new("the wheel holds no lib/libc/include/*-linux-any headers").file(&wheel),
        );
    }
    write_stamp(&root, &stamp)?;
    progress.step(format!(
        "  {count} headers extracted into {}",
        root.display()
    ));
    Ok(root)
}

/// Extracts the header files of the wheel's `lib/libc/include/<arch>-linux-any` folders that
/// `keep` accepts (it sees the path's components below `include/`, the `*-linux-any` folder
/// first) into `root`; returns how many.
pub(crate) fn extract_zig_headers(
    wheel: &Path,
    root: &Path,
    keep: impl Fn(&[&str]) -> bool,
) -> Result<usize> {
    let file = std::fs::File::open(wheel).map_err(|e| Error::io("open", wheel, e))?;
    let mut zip = zip::ZipArchive::new(file)
        .map_err(|e| Error::new(format!("not a wheel (zip): {e}")).file(wheel))?;
    let mut count = 0;
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| Error::new(format!("corrupt wheel: {e}")).file(wheel))?;
        let Some(name) = entry.enclosed_name() else {
            continue;
        };
        let Ok(rel) = name.strip_prefix("ziglang/lib/libc/include") else {
            continue;
        };
        let parts: Vec<&str> = rel.iter().filter_map(|c| c.to_str()).collect();
        let in_arch_folder = parts.first().is_some_and(|top| top.ends_with("-linux-any"));
        if !in_arch_folder || !entry.is_file() || !keep(&parts) {
            continue;
        }
        let dest = root.join(rel);
        std::fs::create_dir_all(dest.parent().expect("a file has a parent"))
            .map_err(|e| Error::io("create a folder for", &dest, e))?;
        let mut out = std::fs::File::create(&dest).map_err(|e| Error::io("create", &dest, e))?;
        std::io::copy(&mut entry, &mut out).map_err(|e| Error::io("extract", &dest, e))?;
        count += 1;
    }
    Ok(count)
}

/// Debian's kernel source package: extract the source once, then `make headers` for each arch
/// the source supplies.
fn prepare_debian(
    source: &HeaderSource,
    cache: &Cache,
    prefix: &str,
    progress: Progress,
) -> Result<PathBuf> {
    let root = cache.tree(&source.id);
    let stamp = format!("{}\n", source.artifact.sha256);
    let missing: Vec<&String> = source
        .arches
        .iter()
        .filter(|a| !stamp_matches(&root.join(a), &stamp))
        .collect();
    // The full source tree is an input too (syscall tables, definitions, `linux/errno.h`):
    // it must be there, extracted by this version of the extraction, even when every arch's
    // headers are cached.
    let src = root.join("src");
    let src_stamp = extraction_stamp(&source.artifact.sha256);
    if missing.is_empty() && stamp_matches(&src, &src_stamp) {
        progress.step(format!("{prefix}: cached"));
        return Ok(root);
    }
    progress.step(format!("{prefix}:"));
    if !stamp_matches(&src, &src_stamp) {
        let deb = ensure_artifact(&source.artifact, &cache.downloads(), progress)?;
        let t = std::time::Instant::now();
        progress.step("  unpacking the kernel source from the package");
        fresh_dir(&src)?;
        let unpacked = tempfile::tempdir_in(&root)
            .map_err(|e| Error::io("create a temporary folder in", &root, e))?;
        run(
            Command::new("dpkg-deb")
                .arg("-x")
                .arg(&deb)
                .arg(unpacked.path()),
            "apt-get install -y dpkg",
        )?;
        let tarball = find_tarball(&unpacked.path().join("usr/src")).map_err(|e| e.file(&deb))?;
        extract_tarball(&tarball, &src)?;
        write_stamp(&src, &src_stamp)?;
        progress.step(format!(
            "  extracted in {:.1}s into {}",
            t.elapsed().as_secs_f64(),
            src.display()
        ));
    }
    install_arches(&src, &root, &missing, Some(&stamp), progress)?;
    Ok(root)
}

fn find_tarball(dir: &Path) -> Result<PathBuf> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("list", dir, e))?;
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.to_string_lossy().contains(".tar"))
        .ok_or_else(|| {
            Error::new("the package holds no kernel source tarball under usr/src").file(dir)
        })
}

/// Extracts a kernel tarball (any compression tar detects) into `dest`, dropping the top folder.
fn extract_tarball(tarball: &Path, dest: &Path) -> Result<()> {
    run(
        Command::new("tar")
            .arg("-xf")
            .arg(tarball)
            .arg("-C")
            .arg(dest)
            .arg("--strip-components=1")
            // Folders that neither `make headers` nor the readers of the full source (syscall
            // tables, definitions, `linux/errno.h`) need. `drivers/` stays: `getrandom` is
            // defined in drivers/char/random.c.
            .args(["--exclude=*/Documentation", "--exclude=*/sound"]),
        TAR_INSTALL,
    )
    .map(drop)
    .map_err(|e| e.file(tarball))
}

/// `make ARCH=<arch> O=<root>/<arch> headers` for each arch, two at a time.
fn install_arches(
    src: &Path,
    root: &Path,
    arches: &[&String],
    stamp: Option<&str>,
    progress: Progress,
) -> Result<()> {
    let total = arches.len();
    let mut done = 0;
    for pair in arches.chunks(2) {
        let mut running = Vec::new();
        for arch in pair {
            let out = root.join(arch);
            fresh_dir(&out)?;
            let log = out.join("make.log");
            let log_file = std::fs::File::create(&log).map_err(|e| Error::io("create", &log, e))?;
            let err_file = log_file
                .try_clone()
                .map_err(|e| Error::io("reopen", &log, e))?;
            let child = Command::new("make")
                .current_dir(src)
                .arg("-s")
                .arg(format!("ARCH={arch}"))
                .arg(format!("O={}", out.display()))
                .arg("headers")
                .stdout(log_file)
                .stderr(err_file)
                .spawn()
                .map_err(|e| {
                    if e.kind() == std::io::ErrorKind::NotFound {
                        Error::new(
                            "`make` is not installed (needed for the kernel's `make headers`)",
                        )
                        .hint(MAKE_INSTALL)
                    } else {
                        Error::new(format!("cannot run make: {e}"))
                    }
                })?;
            running.push((arch, out, log, child, std::time::Instant::now()));
        }
        for (arch, out, log, mut child, started) in running {
            let status = child
                .wait()
                .map_err(|e| Error::new(format!("waiting for make: {e}")))?;
            if !status.success() {
                let text = std::fs::read_to_string(&log).unwrap_or_default();
                return Err(Error::new(format!(
                    "`make ARCH={arch} headers` failed ({status}):\n{}",
                    crate::fsutil::tail(&text, 12)
                ))
                .file(&log)
                .hint(format!(
                    "the kernel build needs make and a host C compiler ({MAKE_INSTALL})"
                )));
            }
            if let Some(stamp) = stamp {
                write_stamp(&out, stamp)?;
            }
            done += 1;
            progress.step(format!(
                "  make ARCH={arch} headers ({done}/{total}, {:.1}s)",
                started.elapsed().as_secs_f64()
            ));
        }
    }
    Ok(())
}

/// Installs the headers of every arch of a kernel source tree or tarball, and maps each ABI
/// of the table to them; ABIs the kernel has no header for are skipped.
pub fn kernel<'a>(
    path: &Path,
    specs: &'a [AbiSpec],
    cache: &Cache,
    progress: Progress,
) -> Result<Inputs<'a>> {
    let _guard = cache.lock()?;
    let (src, out_root, origin, stamp) = if path.is_file() {
        progress.step(format!("hashing {}", path.display()));
        let sha = sha256_file(path)?;
        let out_root = cache.kernel(&sha[..16]);
        let src = out_root.join("src");
        let stamp = extraction_stamp(&sha);
        if !stamp_matches(&src, &stamp) {
            progress.step(format!("extracting {}", path.display()));
            fresh_dir(&src)?;
            extract_tarball(path, &src)?;
            write_stamp(&src, &stamp)?;
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (src, out_root, format!("kernel tarball {name}"), Some(stamp))
    } else if path.is_dir() {
        let canonical = path
            .canonicalize()
            .map_err(|e| Error::io("resolve", path, e))?;
        let key: String = sha2_hex(canonical.to_string_lossy().as_bytes())[..16].to_string();
        let name = canonical
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // A tree this cache extracted carries the sha256 of its artifact: its installed headers
        // can be reused. Any other tree may have changed since: `make headers` runs again
        // (make itself skips what is up to date).
        let stamp = std::fs::read_to_string(canonical.join(STAMP)).ok();
        (
            canonical,
            cache.kernel(&key),
            format!("kernel tree {name}"),
            stamp,
        )
    } else {
        return Err(Error::new("no such kernel source tree or tarball").file(path));
    };
    if !src.join("Makefile").is_file() || !src.join("arch").is_dir() {
        return Err(
            Error::new("not a kernel source tree: no Makefile and arch/")
                .file(&src)
                .hint("--kernel takes the top folder of a Linux source tree, or its tarball"),
        );
    }
    let arches = kernel_arches(&src.join("arch"), specs)?;
    let wanted: Vec<&String> = arches
        .iter()
        .filter(|a| {
            stamp
                .as_deref()
                .is_none_or(|s| !stamp_matches(&out_root.join(a), s))
        })
        .collect();
    if !wanted.is_empty() {
        progress.step(format!(
            "installing the headers of {} arches from {}",
            wanted.len(),
            src.display()
        ));
        install_arches(&src, &out_root, &wanted, stamp.as_deref(), progress)?;
    }
    let version = kernel_version(&src)?;
    let trees = arches
        .iter()
        .map(|a| (a.clone(), out_root.join(a).join("usr/include")))
        .collect();
    map_trees(specs, trees, &origin, Some(version))
}

fn sha2_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The `VERSION.PATCHLEVEL.SUBLEVEL` of a kernel source tree's Makefile.
fn kernel_version(src: &Path) -> Result<String> {
    let makefile = src.join("Makefile");
    let text = std::fs::read_to_string(&makefile).map_err(|e| Error::io("read", &makefile, e))?;
    let field = |key: &str| {
        text.lines().find_map(|l| {
            l.strip_prefix(key)
                .map(|rest| rest.trim_start_matches([' ', '=']).trim().to_string())
        })
    };
    match (field("VERSION"), field("PATCHLEVEL"), field("SUBLEVEL")) {
        (Some(v), Some(p), Some(s)) if !v.is_empty() => Ok(if s.is_empty() || s == "0" {
            format!("{v}.{p}")
        } else {
            format!("{v}.{p}.{s}")
        }),
        _ => Err(Error::new("no VERSION/PATCHLEVEL/SUBLEVEL in the top Makefile").file(&makefile)),
    }
}

/// The kernel arch folders under `arch/` that have ABIs; an unknown folder is an error.
fn kernel_arches(arch_dir: &Path, specs: &[AbiSpec]) -> Result<Vec<String>> {
    let mut arches = Vec::new();
    let entries = std::fs::read_dir(arch_dir).map_err(|e| Error::io("list", arch_dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("list", arch_dir, e))?;
        if !entry.path().is_dir() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if !is_known_kernel_arch(specs, &name) {
            return Err(Error::new(format!("kernel arch `{name}` is not in the ABI table"))
                .file(entry.path())
                .hint("add its ABIs to codegen/src/abi.rs (name, selecting macros, unistd file, ranges), or list it among the arches without an ABI"));
        }
        if specs.iter().any(|s| s.kernel_arch == name) {
            arches.push(name);
        }
    }
    arches.sort();
    Ok(arches)
}

/// Folders of already-installed headers: `<dir>/<arch>/` holds `make headers_install` output
/// for that arch (either directly, or under `usr/include`).
pub fn installed<'a>(dir: &Path, specs: &'a [AbiSpec]) -> Result<Inputs<'a>> {
    if !dir.is_dir() {
        return Err(Error::new("no such folder of installed headers").file(dir));
    }
    let arches = kernel_arches(dir, specs)?;
    let trees: Vec<(String, PathBuf)> = arches
        .iter()
        .map(|a| {
            let base = dir.join(a);
            let usr = base.join("usr/include");
            (a.clone(), if usr.is_dir() { usr } else { base })
        })
        .collect();
    // Someone else's folder: refuse FIFOs and absurd sizes before libclang reads anything
    // (the pinned trees are the generator's own `make headers` output).
    for (_, tree) in &trees {
        crate::fsutil::check_header_tree(tree)?;
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    map_trees(specs, trees, &format!("installed headers {name}"), None)
}

fn map_trees<'a>(
    specs: &'a [AbiSpec],
    trees: Vec<(String, PathBuf)>,
    origin: &str,
    linux: Option<String>,
) -> Result<Inputs<'a>> {
    let mut inputs = Inputs {
        abis: Vec::new(),
        skipped: Vec::new(),
    };
    for spec in specs {
        match trees.iter().find(|(arch, _)| arch == spec.kernel_arch) {
            None => inputs
                .skipped
                .push((spec, format!("no arch/{} in this input", spec.kernel_arch))),
            Some((_, dir)) if !dir.join("asm").join(spec.unistd_header).is_file() => {
                inputs.skipped.push((
                    spec,
                    format!(
                        "this kernel has no asm/{} for arch {}",
                        spec.unistd_header, spec.kernel_arch
                    ),
                ))
            }
            Some((_, dir)) => inputs.abis.push((
                spec,
                HeaderTree {
                    include_dirs: vec![dir.clone()],
                    origin: origin.to_string(),
                    expected_linux: linux.clone(),
                },
            )),
        }
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ABIS;
    use crate::testutil::fixture_dir;

    #[test]
    fn unknown_arch_directory_is_an_error_naming_it() {
        let dir = fixture_dir(&[("x86/asm/unistd.h", ""), ("ia64/asm/unistd.h", "")]);
        let e = installed(dir.path(), ABIS).unwrap_err();
        assert!(
            e.message
                .contains("kernel arch `ia64` is not in the ABI table"),
            "{e}"
        );
        assert!(e.file.unwrap().ends_with("ia64"));
        assert!(e.hint.unwrap().contains("codegen/src/abi.rs"));
    }

    #[test]
    fn installed_maps_abis_and_skips_what_the_tree_lacks() {
        let dir = fixture_dir(&[
            ("x86/usr/include/asm/unistd_64.h", ""),
            ("x86/usr/include/asm/unistd_32.h", ""),
            ("um/README", ""),
        ]);
        let inputs = installed(dir.path(), ABIS).unwrap();
        let names: Vec<_> = inputs.abis.iter().map(|(s, _)| s.name).collect();
        assert_eq!(names, ["x86_64", "x86"]);
        assert!(inputs
            .skipped
            .iter()
            .any(|(s, why)| s.name == "x32" && why.contains("unistd_x32.h")));
        assert!(inputs
            .skipped
            .iter()
            .any(|(s, why)| s.name == "alpha" && why.contains("no arch/alpha")));
        assert!(inputs.abis[0].1.include_dirs[0].ends_with("x86/usr/include"));
    }

    #[test]
    fn kernel_rejects_what_is_not_a_kernel_tree() {
        let dir = fixture_dir(&[("README", "")]);
        let cache = Cache {
            root: dir.path().join("cache"),
        };
        let e = kernel(dir.path(), ABIS, &cache, Progress { quiet: true }).unwrap_err();
        assert!(e.message.contains("not a kernel source tree"), "{e}");
        let e = kernel(
            &dir.path().join("nope"),
            ABIS,
            &cache,
            Progress { quiet: true },
        )
        .unwrap_err();
        assert!(e.message.contains("no such kernel"), "{e}");
    }

    #[test]
    fn kernel_tarball_is_extracted_once_and_mapped() {
        // A tiny "kernel": only arch/um (no ABI, so no `make headers` to run).
        let dir = fixture_dir(&[
            (
                "linux-9.9/Makefile",
                "VERSION = 9\nPATCHLEVEL = 9\nSUBLEVEL = 1\n",
            ),
            ("linux-9.9/arch/um/Makefile", ""),
        ]);
        let tarball = dir.path().join("linux-9.9.tar.gz");
        let status = Command::new("tar")
            .arg("-czf")
            .arg(&tarball)
            .arg("-C")
            .arg(dir.path())
            .arg("linux-9.9")
            .status()
            .unwrap();
        assert!(status.success());
        let cache = Cache {
            root: dir.path().join("cache"),
        };
        let quiet = Progress { quiet: true };
        let inputs = kernel(&tarball, ABIS, &cache, quiet).unwrap();
        assert!(inputs.abis.is_empty());
        assert_eq!(inputs.skipped.len(), ABIS.len());
        let extracted = std::fs::read_dir(cache.root.join("kernels"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let makefile = extracted.join("src/Makefile");
        assert!(makefile.is_file() && extracted.join("src").join(STAMP).is_file());
        // The second run finds the stamp and does not extract again.
        std::fs::write(&makefile, "VERSION = 9\nPATCHLEVEL = 9\nSUBLEVEL = 2\n").unwrap();
        kernel(&tarball, ABIS, &cache, quiet).unwrap();
        assert!(std::fs::read_to_string(&makefile)
            .unwrap()
            .contains("SUBLEVEL = 2"));
    }

    #[test]
    fn kernel_version_from_makefile() {
        let dir = fixture_dir(&[(
            "Makefile",
            "# x\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 117\nEXTRAVERSION =\n",
        )]);
        assert_eq!(kernel_version(dir.path()).unwrap(), "6.12.117");
        let dir = fixture_dir(&[("Makefile", "VERSION = 7\nPATCHLEVEL = 2\nSUBLEVEL = 0\n")]);
        assert_eq!(kernel_version(dir.path()).unwrap(), "7.2");
    }
}
