//! The generated tables: lookups round-trip on every ABI, the native re-export is the right
//! ABI, x86_64 agrees with the `libc` crate, and per-ABI errno values differ where the
//! kernel's headers say so.

use syscalls_sys::{abi, Abi, ABIS};

#[test]
fn there_are_31_distinct_abis_with_their_own_names() {
    assert_eq!(ABIS.len(), 31);
    let mut names: Vec<&str> = ABIS.iter().map(|abi| abi.name()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 31, "ABI names must be distinct: {names:?}");
    for abi in ABIS {
        assert!(
            abi.syscalls().len() > 250,
            "{} has only {} syscalls",
            abi.name(),
            abi.syscalls().len()
        );
        assert!(
            abi.errnos().len() > 120,
            "{} has too few errno names",
            abi.name()
        );
        let version = abi.linux_version();
        // The exact kernel release the table was generated from; s390's 31-bit ABI was
        // removed in Linux 6.19, so its last table is 6.12's.
        let expected = if abi.name() == "s390" {
            "6.12.117"
        } else {
            "7.3.4"
        };
        assert_eq!(version, expected, "{}", abi.name());
    }
    // Each module's ABI is the one listed under its name.
    let by_module: [(&str, &Abi); 6] = [
        ("x86_64", &abi::x86_64::ABI),
        ("x32", &abi::x32::ABI),
        ("mips_n32", &abi::mips_n32::ABI),
        ("arm_oabi", &abi::arm_oabi::ABI),
        ("parisc64", &abi::parisc64::ABI),
        ("xtensa", &abi::xtensa::ABI),
    ];
    for (name, abi) in by_module {
        assert_eq!(abi.name(), name);
        assert!(ABIS.contains(&abi));
    }
}

#[test]
fn syscall_lookups_round_trip_on_every_abi() {
    let mut aliases = 0;
    for abi in ABIS {
        let mut previous = None;
        for (name, nr) in abi.syscalls() {
            assert!(
                previous <= Some(nr),
                "{}: iter() is not in number order",
                abi.name()
            );
            previous = Some(nr);
            assert_eq!(
                abi.syscall_number(name),
                Some(nr),
                "{}: syscall_number({name})",
                abi.name()
            );
            let canonical = abi.syscall_name(nr).unwrap_or_else(|| {
                panic!(
                    "{}: syscall_name({nr}) is None but {name} has that number",
                    abi.name()
                )
            });
            assert_eq!(
                abi.syscall_number(canonical),
                Some(nr),
                "{}: {canonical}",
                abi.name()
            );
            if canonical != name {
                aliases += 1;
            }
        }
        // Names that are not syscalls.
        for missing in ["", "SYS_read", "not_a_syscall", "read\0", "zzzzzz"] {
            assert_eq!(
                abi.syscall_number(missing),
                None,
                "{}: number({missing:?})",
                abi.name()
            );
        }
        let highest = abi.syscalls().map(|(_, nr)| nr).max().unwrap();
        assert_eq!(abi.syscall_name(highest + 1), None);
        assert_eq!(abi.syscall_name(usize::MAX), None);
    }
    // Aliases (alpha's getxpid/getpid and the like) exist but are rare.
    assert!(aliases < 100, "{aliases} aliases");
}

#[test]
fn errno_lookups_round_trip_on_every_abi() {
    for abi in ABIS {
        for (name, code, description) in abi.errnos() {
            assert_eq!(abi.errno_number(name), Some(code), "{}: {name}", abi.name());
            let canonical = abi.errno_name(code).unwrap();
            assert_eq!(abi.errno_number(canonical), Some(code));
            assert!(!abi.errno_description(code).unwrap().is_empty());
            assert!(
                !description.is_empty(),
                "{}: {name} has no description",
                abi.name()
            );
        }
        assert_eq!(abi.errno_name(0), None);
        assert_eq!(abi.errno_name(-1), None);
        assert_eq!(abi.errno_number("ENOTANERROR"), None);
    }
}

#[test]
fn lookups_are_const() {
    const MEMFD: Option<usize> = abi::x86_64::ABI.syscall_number("memfd_create");
    const NAME: Option<&str> = abi::aarch64::ABI.syscall_name(abi::aarch64::SYS_openat);
    const EDEADLK_MIPS: Option<i32> = abi::mips_n64::ABI.errno_number("EDEADLK");
    assert_eq!(MEMFD, Some(abi::x86_64::SYS_memfd_create));
    assert_eq!(NAME, Some("openat"));
    assert_eq!(EDEADLK_MIPS, Some(abi::mips_n64::EDEADLK));
}

/// Known answers from the kernel's `errno.h` of each architecture (include/uapi/asm-generic,
/// arch/{alpha,mips,parisc,sparc}/include/uapi/asm): these four families renumber many
/// codes; everyone else uses the generic values.
#[test]
fn errno_values_differ_where_the_kernel_says_so() {
    /// Some ABIs, and `(errno name, code)` answers they all share.
    type Family<'a> = (&'a [&'a Abi], [(&'a str, i32); 4]);
    let families: [Family; 5] = [
        (
            &[
                &abi::x86_64::ABI,
                &abi::x86::ABI,
                &abi::aarch64::ABI,
                &abi::arm::ABI,
                &abi::riscv64::ABI,
                &abi::s390x::ABI,
                &abi::powerpc64::ABI,
            ],
            [
                ("EDEADLK", 35),
                ("ENOSYS", 38),
                ("EAGAIN", 11),
                ("ENOTEMPTY", 39),
            ],
        ),
        (
            &[&abi::alpha::ABI],
            [
                ("EDEADLK", 11),
                ("ENOSYS", 78),
                ("EAGAIN", 35),
                ("ENOTEMPTY", 66),
            ],
        ),
        (
            &[
                &abi::mips_o32::ABI,
                &abi::mips_n32::ABI,
                &abi::mips_n64::ABI,
            ],
            [
                ("EDEADLK", 45),
                ("ENOSYS", 89),
                ("EAGAIN", 11),
                ("ENOTEMPTY", 93),
            ],
        ),
        (
            &[&abi::parisc::ABI, &abi::parisc64::ABI],
            [
                ("EDEADLK", 45),
                ("ENOSYS", 251),
                ("EAGAIN", 11),
                ("ENOTEMPTY", 247),
            ],
        ),
        (
            &[&abi::sparc::ABI, &abi::sparc64::ABI],
            [
                ("EDEADLK", 78),
                ("ENOSYS", 90),
                ("EAGAIN", 11),
                ("ENOTEMPTY", 66),
            ],
        ),
    ];
    for (abis, answers) in families {
        for abi in abis {
            for (name, code) in answers {
                assert_eq!(abi.errno_number(name), Some(code), "{} {name}", abi.name());
            }
        }
    }
    // The constants agree with the tables.
    assert_eq!(abi::alpha::EDEADLK, 11);
    assert_eq!(abi::mips_o32::EDEADLK, 45);
    assert_eq!(abi::parisc::EDEADLK, 45);
    assert_eq!(abi::sparc64::EDEADLK, 78);
    assert_eq!(abi::x86_64::EDEADLK, 35);
    // Same code, different meaning: 35 is EDEADLK on x86_64 and EAGAIN on alpha.
    assert_eq!(abi::x86_64::ABI.errno_name(35), Some("EDEADLK"));
    assert_eq!(abi::alpha::ABI.errno_name(35), Some("EAGAIN"));
}

/// Known answers, stated once here and compared with the tables.
#[test]
fn numbers_that_differ_between_abis() {
    assert_eq!(abi::x86_64::SYS_memfd_create, 319);
    assert_eq!(abi::x86::SYS_memfd_create, 356);
    assert_eq!(abi::aarch64::SYS_memfd_create, 279);
    assert_eq!(abi::x32::SYS_memfd_create, 0x4000_0000 + 319);
    assert_eq!(abi::mips_o32::SYS_memfd_create, 4000 + 354);
    assert_eq!(abi::mips_n64::SYS_memfd_create, 5000 + 314);
    assert_eq!(abi::mips_n32::SYS_memfd_create, 6000 + 318);
    assert_eq!(
        abi::arm_oabi::ABI.syscall_number("memfd_create"),
        Some(0x90_0000 + 385)
    );
    assert_eq!(abi::aarch64::ABI.syscall_number("fork"), None);
    assert_eq!(abi::x86_64::ABI.syscall_number("socketcall"), None);
    assert_eq!(abi::x86::ABI.syscall_number("socketcall"), Some(102));
}

#[cfg(all(
    target_os = "linux",
    target_arch = "x86_64",
    target_pointer_width = "64"
))]
mod x86_64_native {
    use std::collections::BTreeMap;
    use std::path::PathBuf;
    use std::process::Command;

    use syscalls_sys::{abi, NATIVE};

    #[test]
    fn the_root_is_abi_x86_64() {
        assert_eq!(NATIVE, &abi::x86_64::ABI);
        assert_eq!(NATIVE.name(), "x86_64");
        assert_eq!(syscalls_sys::ABI, abi::x86_64::ABI);
        assert_eq!(syscalls_sys::SYS_read, abi::x86_64::SYS_read);
        assert_eq!(
            syscalls_sys::SYS_memfd_create,
            abi::x86_64::SYS_memfd_create
        );
        assert_eq!(
            syscalls_sys::SYS_copy_file_range,
            abi::x86_64::SYS_copy_file_range
        );
        assert_eq!(syscalls_sys::EBADF, abi::x86_64::EBADF);
        for (name, nr) in abi::x86_64::ABI.syscalls() {
            assert_eq!(NATIVE.syscall_number(name), Some(nr));
        }
    }

    /// The directory of the `libc` package this crate's tests were built with, found with
    /// `cargo metadata` (libc offers no list of its constants, so its source is read).
    fn libc_source_dir() -> PathBuf {
        let out = Command::new(env!("CARGO"))
            .args(["metadata", "--format-version", "1"])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run cargo metadata");
        assert!(
            out.status.success(),
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json = String::from_utf8(out.stdout).expect("cargo metadata prints UTF-8");
        // Every package object starts with its name and version; take the manifest_path
        // that follows the one libc 0.2.x package (Cargo unifies 0.2 versions into one).
        let mut dirs = Vec::new();
        for (at, _) in json.match_indices(r#"{"name":"libc","version":"0.2."#) {
            let rest = &json[at..];
            let key = r#""manifest_path":""#;
            let start = rest.find(key).expect("manifest_path after package name") + key.len();
            let end = start + rest[start..].find('"').expect("end of manifest_path");
            let manifest = PathBuf::from(&rest[start..end]);
            dirs.push(manifest.parent().unwrap().to_path_buf());
        }
        dirs.sort();
        dirs.dedup();
        assert_eq!(
            dirs.len(),
            1,
            "expected one libc 0.2 package, found {dirs:?}"
        );
        dirs.pop().unwrap()
    }

    /// `SYS_<name> = <number>` as the libc crate defines them for x86_64 linux-gnu (not x32).
    fn libc_x86_64_syscalls() -> BTreeMap<String, usize> {
        let file = libc_source_dir().join("src/unix/linux_like/linux/gnu/b64/x86_64/not_x32.rs");
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("read {}: {e} (did libc move its tables?)", file.display()));
        let mut syscalls = BTreeMap::new();
        for line in text.lines() {
            // pub const SYS_read: c_long = 0;
            let Some(rest) = line.trim().strip_prefix("pub const SYS_") else {
                continue;
            };
            let (name, rest) = rest.split_once(':').expect("`:` after the name");
            let (_, value) = rest.split_once('=').expect("`=` before the value");
            let value = value.trim().trim_end_matches(';').trim();
            let nr = value
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("libc's SYS_{name} = {value:?} is not a plain number"));
            syscalls.insert(name.trim().to_string(), nr);
        }
        syscalls
    }

    #[test]
    fn x86_64_agrees_with_the_libc_crate() {
        let libc = libc_x86_64_syscalls();
        let mut shared = 0;
        let mut only_libc = Vec::new();
        for (name, &nr) in &libc {
            match abi::x86_64::ABI.syscall_number(name) {
                Some(ours) => {
                    assert_eq!(ours, nr, "SYS_{name}: ours {ours}, libc {nr}");
                    shared += 1;
                }
                None => only_libc.push(name.as_str()),
            }
        }
        eprintln!("{shared} names shared with libc; only in libc: {only_libc:?}");
        assert!(
            shared >= 300,
            "only {shared} names shared with libc: the test would be vacuous"
        );
        // libc may lag the kernel, but must not know syscalls the kernel's table lacks,
        // apart from the few it keeps for old kernels.
        assert!(only_libc.len() < 10, "names only libc has: {only_libc:?}");
        // Spot-check the comparison against libc's own constants too.
        assert_eq!(abi::x86_64::SYS_memfd_create as i64, libc::SYS_memfd_create);
        assert_eq!(abi::x86_64::SYS_getppid as i64, libc::SYS_getppid);
        assert_eq!(
            libc.get("memfd_create"),
            Some(&abi::x86_64::SYS_memfd_create)
        );
    }

    #[test]
    fn errno_agrees_with_the_libc_crate() {
        macro_rules! same {
            ($($name:ident),*) => {$(
                assert_eq!(abi::x86_64::$name, libc::$name, stringify!($name));
                assert_eq!(NATIVE.errno_number(stringify!($name)), Some(libc::$name));
            )*};
        }
        // Every code of the x86_64 errno range has a name: glibc's strerror knows 1..=133
        // except 41 and 58 (which Linux never assigned).
        for code in (1..=133).filter(|c| ![41, 58].contains(c)) {
            assert!(
                abi::x86_64::ABI.errno_name(code).is_some(),
                "errno {code} unnamed"
            );
        }
        same!(
            EPERM,
            E2BIG,
            ENOENT,
            EINTR,
            EIO,
            EBADF,
            EAGAIN,
            EWOULDBLOCK,
            ENOMEM,
            EACCES,
            EFAULT,
            EBUSY,
            EEXIST,
            EINVAL,
            ENOSPC,
            EPIPE,
            ERANGE,
            EDEADLK,
            EDEADLOCK,
            ENAMETOOLONG,
            ENOSYS,
            ENOTEMPTY,
            ELOOP,
            ENODATA,
            ETIME,
            EOVERFLOW,
            EILSEQ,
            ENOTSOCK,
            EOPNOTSUPP,
            EADDRINUSE,
            ECONNRESET,
            ETIMEDOUT,
            ECONNREFUSED,
            EINPROGRESS,
            ESTALE,
            EDQUOT,
            ECANCELED,
            EOWNERDEAD,
            ENOTRECOVERABLE,
            ERFKILL,
            EHWPOISON
        );
    }
}
