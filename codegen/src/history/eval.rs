//! Each sample's syscall table per ABI, evaluated by clang from the sample's headers: a
//! kernel source's generated tree ([`super::tree`]) or a zig wheel's installed headers.
//!
//! Every ABI of every sample ends up as one [`Status`]: its table, known to be absent (a
//! whole kernel source that lacks the arch or does not generate the ABI's file), or unknown
//! (a zig wheel that carries only some arches). Results are cached per sample.

use super::pins::{HistoryPin, PinKind};
use super::tree;
use crate::abi::{AbiSpec, SYSCALL_PREFIXES};
use crate::error::{Error, Result};
use crate::evaluate::{evaluate, Unit};
use crate::libclang::Libclang;
use crate::tables::{LinuxVersion, Syscall};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Bumped whenever the evaluation changes, so that cached results are redone.
const EVAL_FORMAT: u32 = 2;

/// The ABIs whose numbers came from `asm-generic/unistd.h` before Linux 6.11 (no table
/// file): every ABI of the generic arches except loongarch32, which no kernel before 7.x
/// had (Linux 6.12's loongarch generates only `unistd_64.h`).
pub const LEGACY_GENERIC: &[&str] = &[
    "aarch64",
    "riscv64",
    "riscv32",
    "loongarch64",
    "arc",
    "csky",
    "hexagon",
    "nios2",
    "openrisc",
];

/// What one sample says about one ABI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The ABI's syscalls, `(name, number)` in number order.
    Table(Vec<(String, u64)>),
    /// The sample is a whole kernel and this ABI is not in it (why).
    Absent(String),
    /// The sample does not carry this ABI's headers (why): it says nothing.
    Unknown(String),
}

/// One sample: its version and what it says about each ABI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// The pin's id.
    pub id: String,
    /// The Linux version inside, as the headers say.
    pub version: (u32, u32, u32),
    /// Whether the sample is a whole kernel source (its absences are facts).
    pub whole_kernel: bool,
    /// By ABI name.
    pub abis: BTreeMap<String, Status>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Cached {
    stamp: String,
    sample: Sample,
}

/// How clang must select the ABI's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `asm/unistd.h` includes the ABI's `unistd_*.h`.
    Table,
    /// `asm/unistd.h` includes `asm-generic/unistd.h` (a generic arch before 6.11).
    Generic { bits: u32 },
}

struct Job<'a> {
    spec: &'a AbiSpec,
    include_dirs: Vec<PathBuf>,
    mode: Mode,
}

/// What a cached evaluation must carry to be reused: the pin, the evaluation code's format
/// and the ABI table.
fn stamp(pin: &HistoryPin, specs: &[AbiSpec]) -> String {
    format!(
        "{} eval {EVAL_FORMAT} abis {}",
        super::samples::stamp_text(pin).trim(),
        specs.iter().map(|s| s.name).collect::<Vec<_>>().join(",")
    )
}

/// The sample of a prepared pin (from its cache when the stamp matches).
pub fn sample(
    pin: &HistoryPin,
    dir: &Path,
    specs: &[AbiSpec],
    libclang: &Libclang,
) -> Result<Sample> {
    if let Some(sample) = cached(pin, dir, specs) {
        return Ok(sample);
    }
    let sample = evaluate_sample(pin, dir, specs, libclang).map_err(|e| e.abi(&pin.id))?;
    let text = serde_json::to_string(&Cached {
        stamp: stamp(pin, specs),
        sample: sample.clone(),
    })
    .expect("plain data serializes");
    crate::fsutil::write_atomic(&dir.join("tables.json"), text.as_bytes())?;
    Ok(sample)
}

/// The sample's cached evaluation, if its stamp matches (no libclang needed).
pub fn cached(pin: &HistoryPin, dir: &Path, specs: &[AbiSpec]) -> Option<Sample> {
    let text = std::fs::read_to_string(dir.join("tables.json")).ok()?;
    let c = serde_json::from_str::<Cached>(&text).ok()?;
    (c.stamp == stamp(pin, specs)).then_some(c.sample)
}

fn evaluate_sample(
    pin: &HistoryPin,
    dir: &Path,
    specs: &[AbiSpec],
    libclang: &Libclang,
) -> Result<Sample> {
    let kind = pin.kind()?;
    let mut abis = BTreeMap::new();
    let mut jobs = Vec::new();
    let version;
    match kind {
        PinKind::KernelSource => {
            let src = dir.join("src");
            version = tree::kernel_version(&src)?;
            let gen = dir.join("gen");
            let mut arches: Vec<&str> = specs.iter().map(|s| s.kernel_arch).collect();
            arches.dedup();
            arches.sort();
            arches.dedup();
            for arch in arches {
                let of_arch = specs.iter().filter(|s| s.kernel_arch == arch);
                if !src.join("arch").join(arch).join("include").is_dir() {
                    for spec in of_arch {
                        abis.insert(
                            spec.name.to_string(),
                            Status::Absent(format!("no arch/{arch} in this kernel")),
                        );
                    }
                    continue;
                }
                let t = tree::prepare_arch(&src, arch, &gen.join(arch))?;
                for spec in of_arch {
                    let own = t.generated.iter().any(|f| f == spec.unistd_header);
                    let mode = mode_for(spec, own, t.generated.is_empty());
                    match mode {
                        Some(mode) => jobs.push(Job {
                            spec,
                            include_dirs: t.include_dirs.clone(),
                            mode,
                        }),
                        None => {
                            abis.insert(
                                spec.name.to_string(),
                                Status::Absent(format!(
                                    "this kernel generates no asm/{} for arch {arch}",
                                    spec.unistd_header
                                )),
                            );
                        }
                    }
                }
            }
        }
        PinKind::ZigHeaders => {
            let include = dir.join("include");
            version = zig_version(&include)?;
            for spec in specs {
                let Some(zig) = zig_dir(specs, spec.kernel_arch) else {
                    abis.insert(
                        spec.name.to_string(),
                        Status::Unknown("zig has no headers for this arch".into()),
                    );
                    continue;
                };
                let arch_dir = include.join(format!("{zig}-linux-any"));
                let asm = arch_dir.join("asm");
                let legacy = asm.join("unistd.h").is_file() && !has_unistd_variant(&asm);
                let mode = mode_for(spec, asm.join(spec.unistd_header).is_file(), legacy);
                match mode {
                    Some(mode) => jobs.push(Job {
                        spec,
                        include_dirs: vec![arch_dir, include.join("any-linux-any")],
                        mode,
                    }),
                    None => {
                        abis.insert(
                            spec.name.to_string(),
                            Status::Unknown(format!(
                                "zig's {zig}-linux-any has no asm/{}",
                                spec.unistd_header
                            )),
                        );
                    }
                }
            }
        }
        PinKind::ManPages => return Err(Error::new("the man pages are not a kernel sample")),
    }
    let pinned = pin.linux.clone().unwrap_or_default();
    for (name, result) in run_jobs(&jobs, libclang, &pinned) {
        abis.insert(name, Status::Table(result?));
    }
    Ok(Sample {
        id: pin.id.clone(),
        version,
        whole_kernel: kind == PinKind::KernelSource,
        abis,
    })
}

/// How to evaluate `spec`: from its own `unistd_*.h` when the headers have it, from
/// `asm-generic/unistd.h` when the arch has no table files at all (a generic arch before
/// 6.11), or not at all.
fn mode_for(spec: &AbiSpec, own_file: bool, no_table_files: bool) -> Option<Mode> {
    if own_file {
        Some(Mode::Table)
    } else if no_table_files && LEGACY_GENERIC.contains(&spec.name) {
        Some(Mode::Generic {
            bits: word_size(spec),
        })
    } else {
        None
    }
}

/// The word size of an ABI, from the file its arch's table goes to.
fn word_size(spec: &AbiSpec) -> u32 {
    if spec.unistd_header.contains("64") {
        64
    } else {
        32
    }
}

fn zig_dir(specs: &[AbiSpec], arch: &str) -> Option<&'static str> {
    specs
        .iter()
        .filter(|s| s.kernel_arch == arch)
        .find_map(|s| s.zig_dir)
}

fn has_unistd_variant(asm: &Path) -> bool {
    std::fs::read_dir(asm).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("unistd") && n != "unistd.h"
        })
    })
}

fn zig_version(include: &Path) -> Result<(u32, u32, u32)> {
    let path = include.join("any-linux-any/linux/version.h");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let code = text
        .lines()
        .find_map(|l| l.strip_prefix("#define LINUX_VERSION_CODE"))
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| Error::new("no LINUX_VERSION_CODE").file(&path))?;
    let v = LinuxVersion::from_code(code);
    Ok((v.major, v.minor, v.patch))
}

/// One ABI's evaluated `(name, number)` rows.
type Rows = Result<Vec<(String, u64)>>;

fn run_jobs(jobs: &[Job<'_>], libclang: &Libclang, pinned: &str) -> Vec<(String, Rows)> {
    crate::generate::parallel_map(jobs, libclang, |_, job| {
        let rows = evaluate_job(job, pinned).map_err(|e| e.abi(job.spec.name));
        (job.spec.name.to_string(), rows)
    })
}

fn evaluate_job(job: &Job<'_>, pinned: &str) -> Result<Vec<(String, u64)>> {
    let mut args: Vec<&str> = job.spec.clang_args.to_vec();
    if let Mode::Generic { bits } = job.mode {
        // The host triple is LP64: asm-generic/bitsperlong.h may read __SIZEOF_LONG__, and
        // riscv's asm/unistd.h wants the 64-bit-only calls (new stat, rlimit) under __LP64__.
        if bits == 32 {
            args.extend([
                "-U__SIZEOF_LONG__",
                "-D__SIZEOF_LONG__=4",
                "-U__LP64__",
                "-U_LP64",
            ]);
        } else {
            args.extend(["-U__SIZEOF_LONG__", "-D__SIZEOF_LONG__=8"]);
        }
    }
    let unit = Unit {
        headers: &["linux/version.h", "asm/unistd.h"],
        include_dirs: &job.include_dirs,
        clang_args: &args,
    };
    let eval = evaluate(&unit, |m| {
        m == "LINUX_VERSION_CODE"
            || m == "__BITS_PER_LONG"
            || SYSCALL_PREFIXES.iter().any(|p| m.starts_with(p))
    })?;
    let code = eval
        .values
        .get("LINUX_VERSION_CODE")
        .copied()
        .ok_or_else(|| Error::new("linux/version.h defines no LINUX_VERSION_CODE"))?;
    let linux = LinuxVersion::from_code(code);
    // LINUX_VERSION_CODE caps the patch level at 255 (5.10.262 reads 5.10.255).
    let capped: Vec<u32> = pinned
        .split('.')
        .filter_map(|p| p.parse().ok())
        .enumerate()
        .map(|(i, n): (usize, u32)| if i == 2 { n.min(255) } else { n })
        .collect();
    let ours = [linux.major, linux.minor, linux.patch];
    if capped.len() < 2
        || capped[..] != ours[..capped.len()]
        || (capped.len() == 2 && linux.patch != 0)
    {
        return Err(Error::new(format!(
            "the headers say Linux {linux}, but the history pin says {pinned}"
        ))
        .hint("fix the `linux` of this [[history]] entry in headers/headers.lock"));
    }
    check_selection(job, &eval)?;
    let syscalls: Vec<Syscall> = crate::tables::syscalls(&as_sampled(job.spec, &eval)?, &eval)?;
    Ok(syscalls.into_iter().map(|s| (s.name, s.number)).collect())
}

/// The ABI's row as this sample's headers can honour it. The row's `undefined` names are
/// what today's `asm/unistd.h` `#undef`s (csky's `sync_file_range`); an older header that
/// never defines nor undefines them (it picks `sync_file_range2` with a macro, or not at all)
/// is not an evaluation error, so the check applies only where the headers really `#undef`.
fn as_sampled(spec: &AbiSpec, eval: &crate::evaluate::Evaluation) -> Result<AbiSpec> {
    let mut undefines = false;
    for path in &eval.included {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        undefines |= spec
            .undefined
            .iter()
            .any(|n| text.contains(&format!("#undef __NR_{n}")));
    }
    Ok(AbiSpec {
        undefined: if undefines { spec.undefined } else { &[] },
        ..*spec
    })
}

/// The numbers must come from the ABI's own file (or, for a generic arch before 6.11, from
/// `asm-generic/unistd.h` at the ABI's word size), never from a sibling ABI's.
fn check_selection(job: &Job<'_>, eval: &crate::evaluate::Evaluation) -> Result<()> {
    let dir_of = |p: &Path| {
        p.parent()
            .and_then(|d| d.file_name())
            .and_then(|d| d.to_str())
            .map(str::to_string)
    };
    let name_of = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_string()
    };
    let variants: Vec<String> = eval
        .included
        .iter()
        .filter(|p| dir_of(p).as_deref() == Some("asm"))
        .map(|p| name_of(p))
        .filter(|n| n.starts_with("unistd") && n != "unistd.h")
        .collect();
    let generic = eval
        .included
        .iter()
        .any(|p| dir_of(p).as_deref() == Some("asm-generic") && name_of(p) == "unistd.h");
    match job.mode {
        Mode::Table => {
            let ok = variants.iter().any(|v| v == job.spec.unistd_header)
                && variants
                    .iter()
                    .all(|v| v == job.spec.unistd_header || v == "unistd-common.h");
            if !ok {
                return Err(Error::new(format!(
                    "asm/unistd.h included {variants:?}, expected asm/{}",
                    job.spec.unistd_header
                ))
                .hint("the ABI's selecting arguments did not take effect on this kernel"));
            }
        }
        Mode::Generic { bits } => {
            let per_long = eval.values.get("__BITS_PER_LONG").copied();
            if !generic || !variants.is_empty() || per_long != Some(i64::from(bits)) {
                return Err(Error::new(format!(
                    "expected asm-generic/unistd.h at {bits} bits, got {variants:?}, asm-generic/unistd.h {}, __BITS_PER_LONG {per_long:?}",
                    if generic { "included" } else { "not included" }
                ))
                .hint("a generic arch before 6.11 must be evaluated with its word size"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::find;
    use crate::testutil::{fixture_dir, with_libclang};

    /// A generic arch before 6.11, written for the test: riscv's `asm/unistd.h` keys the
    /// 64-bit-only calls on `__LP64__`, `asm-generic/unistd.h` on `__BITS_PER_LONG`.
    const RISCV_LIKE: &[(&str, &str)] = &[
        ("linux/version.h", "#define LINUX_VERSION_CODE 330240\n"),
        (
            "asm/unistd.h",
            "#ifdef __LP64__\n#define __ARCH_WANT_SET_GET_RLIMIT\n#endif\n#include <asm-generic/unistd.h>\n#define __NR_riscv_flush_icache (__NR_arch_specific_syscall + 15)\n",
        ),
        ("asm/bitsperlong.h", "#define __BITS_PER_LONG (__SIZEOF_POINTER__ * 8)\n"),
        (
            "asm-generic/unistd.h",
            "#include <asm/bitsperlong.h>\n#define __NR_read 63\n#ifdef __ARCH_WANT_SET_GET_RLIMIT\n#define __NR_getrlimit 163\n#endif\n#if __BITS_PER_LONG == 64\n#define __NR_fstat 80\n#else\n#define __NR_fstat64 80\n#endif\n#define __NR_arch_specific_syscall 244\n",
        ),
    ];

    fn names(abi: &str, files: &[(&str, &str)]) -> Result<Vec<String>> {
        let dir = fixture_dir(files);
        let spec = find(abi).unwrap();
        let job = Job {
            spec,
            include_dirs: vec![dir.path().to_path_buf()],
            mode: Mode::Generic {
                bits: word_size(spec),
            },
        };
        with_libclang(|| evaluate_job(&job, "5.10.0"))
            .map(|rows| rows.into_iter().map(|(n, _)| n).collect())
    }

    #[test]
    fn generic_arches_are_evaluated_at_the_abi_word_size() {
        let rv32 = names("riscv32", RISCV_LIKE).unwrap();
        assert_eq!(rv32, ["read", "fstat64", "riscv_flush_icache"]);
        let rv64 = names("riscv64", RISCV_LIKE).unwrap();
        assert_eq!(rv64, ["read", "fstat", "getrlimit", "riscv_flush_icache"]);
    }

    #[test]
    fn a_word_size_that_did_not_take_effect_is_an_error() {
        // An arch whose bitsperlong ignores the ABI: 64 bits whatever the selection.
        let mut files = RISCV_LIKE.to_vec();
        files[2] = ("asm/bitsperlong.h", "#define __BITS_PER_LONG 64\n");
        let e = names("riscv32", &files).unwrap_err();
        assert!(
            e.message
                .contains("expected asm-generic/unistd.h at 32 bits"),
            "{e}"
        );
        assert!(e.message.contains("__BITS_PER_LONG Some(64)"), "{e}");
    }

    #[test]
    fn the_pinned_version_must_match_the_headers() {
        let mut files = RISCV_LIKE.to_vec();
        files[0] = ("linux/version.h", "#define LINUX_VERSION_CODE 393216\n");
        let e = names("riscv64", &files).unwrap_err();
        assert!(e.message.contains("the headers say Linux 6.0"), "{e}");
        assert!(e.message.contains("the history pin says 5.10.0"), "{e}");
    }
}
