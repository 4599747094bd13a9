//! `headers/headers.lock`: the pinned header sources ([`HeaderSource`]) and the pinned fallback
//! libclang, each an [`Artifact`] named by package, exact version, file and sha256.

use crate::abi::AbiSpec;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// The lock file's path relative to the workspace root.
pub const LOCK_PATH: &str = "headers/headers.lock";

const LOCK_PREAMBLE: &str = "\
# Pinned inputs of `cargo xtask gen`: where every ABI's UAPI headers come from.
# [[source]] entries feed the tables (each ABI in exactly one); [[crosscheck]] entries are
# independent inputs that `cargo xtask test` regenerates into a scratch folder to check that no
# syscall number was reassigned. Debian packages are fetched through a private apt state under
# the cache (its own lists for the `suite` named here; the system's apt is never touched).
# Checked by `cargo xtask headers` (sha256 of each downloaded artifact); rewritten only by
# `cargo xtask headers --update`, which re-pins every artifact to what the registries serve now.
";

/// The whole lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Header sources, in order of preference when listed for humans (each ABI is in exactly one).
    #[serde(rename = "source")]
    pub sources: Vec<HeaderSource>,
    /// Independent inputs for the renumbering check of `cargo xtask test` (never feed a table).
    #[serde(rename = "crosscheck", default, skip_serializing_if = "Vec::is_empty")]
    pub crosschecks: Vec<HeaderSource>,
    /// The libclang used when the machine has none (a PyPI wheel that carries `libclang.so`).
    pub libclang: Option<Artifact>,
    /// The sample kernels and man pages of `cargo xtask history` (never read by `gen`).
    #[serde(default, rename = "history", skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<crate::history::pins::HistoryPin>,
}

/// One pinned source of installed UAPI headers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSource {
    /// Short name, also the cache directory: `linux-7.2`.
    pub id: String,
    /// The Linux version the headers are from, as `linux/version.h` says (`7.2`, `6.12.117`).
    pub linux: String,
    /// Kernel arches (`ARCH=`) this source supplies.
    pub arches: Vec<String>,
    /// ABIs this source supplies.
    pub abis: Vec<String>,
    /// The downloaded file.
    pub artifact: Artifact,
}

/// A file obtained with an ordinary package client and checked by sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Artifact {
    /// Which registry and client: `pypi` (`pip download`) or `debian` (`apt-get download`).
    pub origin: Origin,
    /// Package name: `ziglang`, `linux-source-6.12`, `libclang`.
    pub package: String,
    /// Exact package version.
    pub version: String,
    /// The Debian suite that serves it (`trixie-backports`, `bookworm-security`): the private
    /// apt state fetches from exactly this suite. Debian artifacts only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suite: Option<String>,
    /// The file the client saves.
    pub file: String,
    /// Lowercase hex sha256 of that file.
    pub sha256: String,
}

/// Where an [`Artifact`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// PyPI, through `pip download`.
    Pypi,
    /// Debian's archive, through `apt-get download`.
    Debian,
}

/// How a header source's artifact is laid out, which decides how it is turned into trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// zig's bundled headers: `lib/libc/include/<zig-arch>-linux-any` over `any-linux-any`.
    ZigWheel,
    /// A kernel source package: `make ARCH=<arch> headers` per arch.
    DebianKernelSource,
}

impl Artifact {
    /// `ziglang 0.17.0 from PyPI`.
    pub fn describe(&self) -> String {
        let registry = match self.origin {
            Origin::Pypi => "PyPI",
            Origin::Debian => "Debian",
        };
        match &self.suite {
            Some(suite) => format!("{} {} from {registry} {suite}", self.package, self.version),
            None => format!("{} {} from {registry}", self.package, self.version),
        }
    }
}

impl HeaderSource {
    /// The layout, from origin and package.
    pub fn layout(&self) -> Result<Layout> {
        match (self.artifact.origin, self.artifact.package.as_str()) {
            (Origin::Pypi, "ziglang") => Ok(Layout::ZigWheel),
            (Origin::Debian, p) if p.starts_with("linux-source-") => Ok(Layout::DebianKernelSource),
            (origin, package) => Err(Error::new(format!(
                "source {}: unsupported package {package} from {origin:?}",
                self.id
            ))
            .hint("header sources are the `ziglang` wheel (pypi) or a `linux-source-*` package (debian)")),
        }
    }
}

impl Lock {
    /// Reads and validates the lock file against the ABI table.
    pub fn read(path: &Path, specs: &[AbiSpec]) -> Result<Lock> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::io("read the lock file", path, e)
                .hint("headers/headers.lock pins the header sources; restore it from git")
        })?;
        let lock = Lock::parse(&text).map_err(|e| e.file(path))?;
        lock.validate(specs).map_err(|e| e.file(path))?;
        Ok(lock)
    }

    /// Parses lock file text (no validation against the ABI table).
    pub fn parse(text: &str) -> Result<Lock> {
        toml::from_str(text).map_err(|e| {
            Error::new(format!("malformed lock file: {e}"))
                .hint("fix the TOML, or restore the file from git")
        })
    }

    /// The lock file text: a fixed preamble and the TOML.
    pub fn to_text(&self) -> String {
        let body = toml::to_string(self).expect("a lock file always serializes");
        format!("{LOCK_PREAMBLE}\n{body}")
    }

    /// Writes the lock file atomically.
    pub fn write(&self, path: &Path) -> Result<()> {
        crate::fsutil::write_atomic(path, self.to_text().as_bytes())
    }

    /// A pinned source or cross-check input by id.
    pub fn input(&self, id: &str) -> Option<&HeaderSource> {
        self.sources
            .iter()
            .chain(&self.crosschecks)
            .find(|s| s.id == id)
    }

    /// The kernel-source package that supplies the most ABIs (the full source tree that
    /// also holds what headers do not: `linux/errno.h`'s internal codes, the syscall tables).
    pub fn main_kernel_source(&self) -> Option<&HeaderSource> {
        self.sources
            .iter()
            .filter(|s| s.layout().ok() == Some(Layout::DebianKernelSource))
            .max_by_key(|s| s.abis.len())
    }

    /// The source supplying ABI `abi`.
    pub fn source_of(&self, abi: &str) -> Option<&HeaderSource> {
        self.sources
            .iter()
            .find(|s| s.abis.iter().any(|a| a == abi))
    }

    /// Checks that every ABI of the table is supplied by exactly one source, that each source's
    /// arches are those of its ABIs, and that the fields are well formed.
    pub fn validate(&self, specs: &[AbiSpec]) -> Result<()> {
        let fix = "edit headers/headers.lock so that each ABI of codegen/src/abi.rs is in exactly one source";
        let mut ids = BTreeSet::new();
        for source in &self.sources {
            if !ids.insert(&source.id) {
                return Err(Error::new(format!("source id {} appears twice", source.id)).hint(fix));
            }
            source.layout()?;
            check_artifact(&source.artifact)?;
            let mut arches = BTreeSet::new();
            for abi in &source.abis {
                let spec = specs
                    .iter()
                    .find(|s| s.name == abi.as_str())
                    .ok_or_else(|| {
                        Error::new(format!("source {} lists unknown ABI {abi}", source.id))
                            .hint(fix)
                    })?;
                arches.insert(spec.kernel_arch.to_string());
            }
            let listed: BTreeSet<String> = source.arches.iter().cloned().collect();
            if listed != arches {
                return Err(Error::new(format!(
                    "source {} lists arches {listed:?}, but its ABIs are of arches {arches:?}",
                    source.id
                ))
                .hint(fix));
            }
        }
        for spec in specs {
            let n = self
                .sources
                .iter()
                .filter(|s| s.abis.iter().any(|a| a == spec.name))
                .count();
            if n != 1 {
                return Err(
                    Error::new(format!("ABI {} is supplied by {n} sources", spec.name)).hint(fix),
                );
            }
        }
        for check in &self.crosschecks {
            if !ids.insert(&check.id) {
                return Err(Error::new(format!("input id {} appears twice", check.id)).hint(fix));
            }
            check.layout()?;
            check_artifact(&check.artifact)?;
            if let Some(abi) = check
                .abis
                .iter()
                .find(|a| !specs.iter().any(|s| s.name == a.as_str()))
            {
                return Err(Error::new(format!(
                    "cross-check {} lists unknown ABI {abi}",
                    check.id
                ))
                .hint(fix));
            }
        }
        if let Some(libclang) = &self.libclang {
            check_artifact(libclang)?;
        }
        crate::history::pins::validate(&self.history)?;
        Ok(())
    }
}

fn check_artifact(a: &Artifact) -> Result<()> {
    let hex = a.sha256.len() == 64
        && a.sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !hex {
        return Err(Error::new(format!(
            "{}: sha256 {:?} is not 64 lowercase hex digits",
            a.package, a.sha256
        ))
        .hint("re-pin with `cargo xtask headers --update`"));
    }
    let ext_ok = match a.origin {
        Origin::Pypi => a.file.ends_with(".whl"),
        Origin::Debian => a.file.ends_with(".deb"),
    };
    match (a.origin, &a.suite) {
        (Origin::Debian, None) => {
            return Err(Error::new(format!(
            "{}: a Debian artifact needs `suite` (the suite that serves it, e.g. trixie-backports)",
            a.package
        )))
        }
        (Origin::Debian, Some(suite))
            if suite.is_empty()
                || !suite
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
        {
            return Err(Error::new(format!(
                "{}: suite {suite:?} is not a Debian suite name",
                a.package
            )))
        }
        (Origin::Pypi, Some(_)) => {
            return Err(Error::new(format!(
                "{}: `suite` is for Debian artifacts only",
                a.package
            )))
        }
        _ => {}
    }
    if !ext_ok || a.file.contains('/') {
        return Err(Error::new(format!(
            "{}: {:?} is not a plain wheel/deb file name",
            a.package, a.file
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ABIS;

    fn sample() -> Lock {
        let zig: Vec<&AbiSpec> = ABIS.iter().filter(|a| a.zig_dir.is_some()).collect();
        let rest: Vec<&AbiSpec> = ABIS.iter().filter(|a| a.zig_dir.is_none()).collect();
        let arches = |v: &[&AbiSpec]| {
            v.iter()
                .map(|a| a.kernel_arch.to_string())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        Lock {
            sources: vec![
                HeaderSource {
                    id: "linux-7.2".into(),
                    linux: "7.2".into(),
                    arches: arches(&zig),
                    abis: zig.iter().map(|a| a.name.to_string()).collect(),
                    artifact: Artifact {
                        origin: Origin::Pypi,
                        package: "ziglang".into(),
                        version: "0.17.0".into(),
                        suite: None,
                        file: "ziglang-0.17.0-py3-none-manylinux_2_12_x86_64.whl".into(),
                        sha256: "a".repeat(64),
                    },
                },
                HeaderSource {
                    id: "linux-6.12".into(),
                    linux: "6.12.117".into(),
                    arches: arches(&rest),
                    abis: rest.iter().map(|a| a.name.to_string()).collect(),
                    artifact: Artifact {
                        origin: Origin::Debian,
                        package: "linux-source-6.12".into(),
                        version: "6.12.117-1~deb12u1".into(),
                        suite: Some("bookworm-security".into()),
                        file: "linux-source-6.12_6.12.117-1~deb12u1_all.deb".into(),
                        sha256: "b".repeat(64),
                    },
                },
            ],
            crosschecks: Vec::new(),
            libclang: None,
            history: Vec::new(),
        }
    }

    #[test]
    fn round_trips_through_text() {
        let lock = sample();
        lock.validate(ABIS).unwrap();
        let text = lock.to_text();
        assert!(text.starts_with("# Pinned inputs"));
        assert_eq!(Lock::parse(&text).unwrap(), lock);
    }

    #[test]
    fn rejects_an_abi_in_two_sources_or_none() {
        let mut lock = sample();
        lock.sources[1].abis.push("x86_64".into());
        lock.sources[1].arches.push("x86".into());
        lock.sources[1].arches.sort();
        let e = lock.validate(ABIS).unwrap_err();
        assert!(
            e.message.contains("ABI x86_64 is supplied by 2 sources"),
            "{e}"
        );

        let mut lock = sample();
        lock.sources[0].abis.retain(|a| a != "m68k");
        lock.sources[0].arches.retain(|a| a != "m68k");
        let e = lock.validate(ABIS).unwrap_err();
        assert!(
            e.message.contains("ABI m68k is supplied by 0 sources"),
            "{e}"
        );
    }

    #[test]
    fn rejects_unknown_abi_bad_sha_and_arch_mismatch() {
        let mut lock = sample();
        lock.sources[0].abis.push("ia64".into());
        assert!(lock
            .validate(ABIS)
            .unwrap_err()
            .message
            .contains("unknown ABI ia64"));

        let mut lock = sample();
        lock.sources[0].artifact.sha256 = "XYZ".into();
        assert!(lock
            .validate(ABIS)
            .unwrap_err()
            .message
            .contains("not 64 lowercase hex"));

        let mut lock = sample();
        lock.sources[0].arches.push("sh".into());
        assert!(lock
            .validate(ABIS)
            .unwrap_err()
            .message
            .contains("lists arches"));
    }

    #[test]
    fn malformed_text_is_an_error_not_a_panic() {
        assert!(Lock::parse("[[source]]\nid = ").is_err());
        assert!(Lock::parse("[[source]]\nid = \"x\"\nbogus = 1\n").is_err());
    }
}
