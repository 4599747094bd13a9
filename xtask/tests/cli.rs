//! The generator's command line, end to end: `gen --check` on the committed tables, and bad
//! input (small fixture headers written here) giving a clear error, a non-zero exit, and
//! output folders left byte-identical.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.args(args);
    cmd
}

fn run(cmd: &mut Command) -> (bool, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("xtask runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&stdout),
        String::from_utf8_lossy(&stderr)
    );
    (status.success(), text)
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every file under `dir`, with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A small installed-headers tree for kernel arch x86, written for these tests: x86_64 and
/// x32 (no unistd_32.h, so the i386 ABI is skipped).
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let x86 = dir.path().join("x86");
    for (rel, text) in [
        ("linux/version.h", "#define LINUX_VERSION_CODE 459264\n"),
        (
            "asm/unistd.h",
            "#ifdef __i386__\n#include <asm/unistd_32.h>\n#elif defined(__ILP32__)\n#include <asm/unistd_x32.h>\n#else\n#include <asm/unistd_64.h>\n#endif\n",
        ),
        ("asm/unistd_64.h", "#define __NR_read 0\n#define __NR_write 1\n#define __NR_close 3\n"),
        ("asm/unistd_x32.h", "#define __NR_read (0x40000000 + 0)\n#define __NR_write (0x40000000 + 1)\n"),
        ("asm/errno.h", "#define EPERM 1 /* Not allowed here */\n#define EBADF 9 /* Bad number */\n"),
        ("linux/memfd.h", "#define MFD_CLOEXEC 1U\n"),
        (
            "linux/audit.h",
            "#define EM_386 3\n#define EM_X86_64 62\n#define __AUDIT_ARCH_64BIT 0x80000000\n#define __AUDIT_ARCH_LE 0x40000000\n#define __AUDIT_ARCH_CONVENTION_MASK 0x30000000\n#define AUDIT_ARCH_I386 (EM_386|__AUDIT_ARCH_LE)\n#define AUDIT_ARCH_X86_64 (EM_X86_64|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE)\n",
        ),
        ("linux/fcntl.h", "#define F_ADD_SEALS 1033\n#define F_GET_SEALS 1034\n#define F_SEAL_SEAL 1\n"),
    ] {
        write(&x86, rel, text);
    }
    dir
}

/// An output folder holding a copy of the committed generated files.
fn committed_copy() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let src = workspace().join("syscalls-sys/src");
    for (rel, bytes) in snapshot(&src.join("abi")) {
        let path = out.path().join("abi").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    std::fs::copy(src.join("uapi.rs"), out.path().join("uapi.rs")).unwrap();
    out
}

fn gen_fixture(headers: &Path, out: &Path, extra: &[&str]) -> (bool, String) {
    let mut args = vec![
        "gen",
        "--quiet",
        "--headers",
        headers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    run(&mut xtask(&args))
}

#[test]
fn committed_tables_are_up_to_date() {
    // Fetches and checks the pinned headers first when the cache is cold.
    let (ok, text) = run(&mut xtask(&["gen", "--check", "--quiet"]));
    assert!(
        ok,
        "the committed tables are stale; run `cargo xtask gen`:\n{text}"
    );
    assert!(text.contains("is up to date"), "{text}");
}

/// The pinned libclang (a PyPI wheel, a different major version than Debian's) must produce
/// byte-identical tables: the output depends on the headers, not on the C front end's version.
#[test]
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
fn pinned_libclang_gives_the_same_tables() {
    let (ok, text) = run(xtask(&["gen", "--check"]).env("SYSCALLS_SYS_LIBCLANG", "pinned"));
    assert!(ok, "{text}");
    assert!(text.contains("libclang: clang version 18"), "{text}");
    assert!(text.contains("is up to date"), "{text}");
}

#[test]
fn fixture_generates_and_check_reports_the_diff() {
    let headers = fixture();
    let out = tempfile::tempdir().unwrap();
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(ok, "{text}");
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("x86_64 "))
        .unwrap_or_default();
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        words,
        ["x86_64", "Linux", "7.2", "3", "syscalls", "2", "errno", "new"],
        "{text}"
    );
    assert!(text.contains("x86          skipped"), "{text}");
    let x86_64 = std::fs::read_to_string(out.path().join("abi/x86_64.rs")).unwrap();
    assert!(
        x86_64.contains("pub const SYS_close: usize = 3;"),
        "{x86_64}"
    );

    // A second run changes nothing.
    let before = snapshot(out.path());
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(ok && text.contains("is up to date"), "{text}");
    assert_eq!(snapshot(out.path()), before);

    // The headers gain a syscall: --check fails, says what changed, writes nothing.
    write(&headers.path().join("x86"), "asm/unistd_64.h", "#define __NR_read 0\n#define __NR_write 1\n#define __NR_close 3\n#define __NR_memfd_create 319\n");
    let (ok, text) = gen_fixture(headers.path(), out.path(), &["--check"]);
    assert!(!ok, "{text}");
    assert!(text.contains("abi/x86_64.rs: +1 (memfd_create)"), "{text}");
    assert!(text.contains("run `cargo xtask gen`"), "{text}");
    assert_eq!(snapshot(out.path()), before);
}

/// Runs `gen` on a fixture broken by `breakage`, and checks the error names `abi` and
/// `file`, the exit is non-zero, and the output folder (a copy of the committed tables) is
/// untouched.
fn assert_refused(breakage: impl FnOnce(&Path), abi: &str, file: &str, message: &str) {
    let headers = fixture();
    breakage(headers.path());
    let out = committed_copy();
    let before = snapshot(out.path());
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(!ok, "expected a failure:\n{text}");
    let error = text
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no error line:\n{text}"));
    assert!(error.contains(&format!("ABI {abi}: ")), "{error}");
    assert!(error.contains(file), "{error}");
    assert!(text.contains(message), "{text}");
    assert_eq!(snapshot(out.path()), before, "the output folder changed");
}

#[test]
fn missing_header() {
    assert_refused(
        |h| std::fs::remove_file(h.join("x86/asm/errno.h")).unwrap(),
        "x86_64",
        "asm/errno.h",
        "no asm/errno.h in the include path",
    );
}

#[test]
fn unparsable_header() {
    assert_refused(
        |h| {
            write(
                &h.join("x86"),
                "asm/unistd_64.h",
                "#define __NR_read 0\nint broken = ;\n",
            )
        },
        "x86_64",
        "asm/unistd_64.h",
        "clang could not evaluate the headers",
    );
}

#[test]
fn duplicate_number() {
    assert_refused(
        |h| {
            write(
                &h.join("x86"),
                "asm/unistd_x32.h",
                "#define __NR_read (0x40000000 + 0)\n#define __NR_write (0x40000000 + 0)\n",
            )
        },
        "x32",
        "asm/unistd_x32.h",
        "duplicate syscall number 0x40000000 (1073741824): read, write",
    );
}

#[test]
fn number_out_of_range() {
    assert_refused(
        |h| {
            write(
                &h.join("x86"),
                "asm/unistd_64.h",
                "#define __NR_read 0\n#define __NR_far_away 5000\n",
            )
        },
        "x86_64",
        "asm/unistd_64.h",
        "__NR_far_away = 0x1388 is outside the ABI's ranges 0x0..0x400",
    );
}

#[test]
fn wrong_file_selected() {
    // x32 must come from unistd_x32.h; a tree whose asm/unistd.h ignores __ILP32__ gives the
    // 64-bit table, plausible but wrong: refused.
    assert_refused(
        |h| {
            write(
                &h.join("x86"),
                "asm/unistd.h",
                "#include <asm/unistd_64.h>\n",
            )
        },
        "x32",
        "asm/unistd.h",
        "included unistd_64.h, expected asm/unistd_x32.h",
    );
}

#[test]
fn unknown_arch_directory() {
    let headers = fixture();
    write(headers.path(), "ia64/asm/unistd.h", "#define __NR_read 0\n");
    let out = committed_copy();
    let before = snapshot(out.path());
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(!ok, "{text}");
    assert!(
        text.contains("kernel arch `ia64` is not in the ABI table"),
        "{text}"
    );
    assert!(text.contains("ia64"), "{text}");
    assert_eq!(snapshot(out.path()), before);
}

#[test]
fn sha256_mismatch_is_refused() {
    let lock = std::fs::read_to_string(workspace().join("headers/headers.lock")).unwrap();
    let file = lock
        .lines()
        .find_map(|l| {
            l.strip_prefix("file = \"")
                .and_then(|r| r.strip_suffix('"'))
        })
        .expect("the lock names a file");
    let cache = tempfile::tempdir().unwrap();
    write(
        cache.path(),
        &format!("downloads/{file}"),
        "not the pinned artifact",
    );
    let (ok, text) = run(xtask(&["headers", "--quiet"]).env("SYSCALLS_SYS_CACHE", cache.path()));
    assert!(!ok, "{text}");
    assert!(text.contains("sha256 mismatch"), "{text}");
    assert!(text.contains(file), "{text}");
    assert!(text.contains("ABI x86_64"), "{text}");
    // Nothing was extracted from the bad file.
    assert!(
        !cache.path().join("trees").exists() || snapshot(&cache.path().join("trees")).is_empty()
    );
}

#[test]
fn libclang_missing_says_how_to_install_it() {
    let crate_src = workspace().join("syscalls-sys/src");
    let before = snapshot(&crate_src);
    let empty = tempfile::tempdir().unwrap();
    let (ok, text) = run(xtask(&["gen", "--quiet"]).env("LIBCLANG_PATH", empty.path()));
    assert!(!ok, "{text}");
    assert!(text.contains("holds no usable libclang"), "{text}");
    assert!(text.contains("apt-get install -y libclang-dev"), "{text}");
    assert_eq!(snapshot(&crate_src), before, "the committed tables changed");
}

#[test]
fn usage_errors_are_not_panics() {
    let (ok, text) = run(&mut xtask(&["gen", "--frobnicate"]));
    assert!(
        !ok && text.contains("unexpected argument '--frobnicate'"),
        "{text}"
    );
    let (ok, text) = run(&mut xtask(&["export"]));
    assert!(!ok && text.contains("--json"), "{text}");
    let (ok, text) = run(&mut xtask(&["bogus"]));
    assert!(
        !ok && text.contains("unrecognized subcommand 'bogus'"),
        "{text}"
    );
}

/// Stray positional arguments and repeated options are usage errors, never ignored.
#[test]
fn stray_arguments_and_repeated_options_are_refused() {
    let crate_src = workspace().join("syscalls-sys/src");
    let before = snapshot(&crate_src);
    for args in [
        &["gen", "extra"][..],
        &["export", "--json", "junk"],
        &["gen", "--check", "--check"],
        &["gen", "--out", "/tmp/a", "--out", "/tmp/b"],
        &["gen", "--kernel", "/tmp/a", "--headers", "/tmp/b"],
        &["compare", "a", "b"],
        &["test", "--no-cross", "now"],
    ] {
        let (ok, text) = run(&mut xtask(args));
        assert!(!ok, "{args:?} was accepted:\n{text}");
        assert!(text.contains("Usage: cargo xtask"), "{args:?}:\n{text}");
    }
    assert_eq!(snapshot(&crate_src), before, "the committed tables changed");
}

/// Comparing nothing is a failure, not "0 ABIs compared".
#[test]
fn compare_refuses_to_compare_nothing() {
    let (ok, text) = run(&mut xtask(&[
        "compare",
        workspace().join("syscalls-sys/src").to_str().unwrap(),
        "--newer",
        "/nonexistent/tables",
    ]));
    assert!(!ok, "{text}");
    assert!(
        text.contains("no such folder of generated tables (newer)"),
        "{text}"
    );
    assert!(text.contains("/nonexistent/tables"), "{text}");

    let empty = tempfile::tempdir().unwrap();
    let (ok, text) = run(&mut xtask(&["compare", empty.path().to_str().unwrap()]));
    assert!(!ok, "{text}");
    assert!(
        text.contains("no generated ABI tables here (older)"),
        "{text}"
    );

    // A folder whose only table is of an ABI the table does not know.
    let out = tempfile::tempdir().unwrap();
    let (ok, text) = gen_fixture(fixture().path(), out.path(), &[]);
    assert!(ok, "{text}");
    std::fs::remove_file(out.path().join("abi/x32.rs")).unwrap();
    let module = out.path().join("abi/x86_64.rs");
    let text = std::fs::read_to_string(&module).unwrap();
    std::fs::write(
        out.path().join("abi/ia64.rs"),
        text.replace("\"x86_64\"", "\"ia64\""),
    )
    .unwrap();
    std::fs::remove_file(&module).unwrap();
    let (ok, text) = run(&mut xtask(&["compare", out.path().to_str().unwrap()]));
    assert!(!ok, "{text}");
    assert!(text.contains("nothing to compare"), "{text}");
}

/// `--out` naming the committed folder (however spelled) obeys the rules of a plain `gen`:
/// an input lacking ABIs is refused instead of deleting their tables.
#[test]
fn out_naming_the_committed_folder_cannot_drop_abis() {
    let crate_src = workspace().join("syscalls-sys/src");
    let before = snapshot(&crate_src);
    let headers = fixture();
    for spelling in [
        crate_src.clone(),
        workspace().join("syscalls-sys/../syscalls-sys/src/"),
    ] {
        let (ok, text) = gen_fixture(headers.path(), &spelling, &[]);
        assert!(!ok, "{text}");
        assert!(
            text.contains("these ABIs have no headers in this input"),
            "{text}"
        );
        assert!(text.contains("syscalls-sys"), "{text}");
    }
    assert_eq!(snapshot(&crate_src), before, "the committed tables changed");
}

/// A FIFO would block libclang forever and a huge file would take minutes and gigabytes:
/// both are refused before anything is read, naming the file.
#[test]
#[cfg(unix)]
fn fifo_and_oversized_headers_are_refused() {
    let headers = fixture();
    let fifo = headers.path().join("x86/asm/unistd_64.h");
    std::fs::remove_file(&fifo).unwrap();
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let out = committed_copy();
    let before = snapshot(out.path());
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("not a regular file"), "{text}");
    assert!(text.contains("asm/unistd_64.h"), "{text}");
    assert_eq!(snapshot(out.path()), before);

    let headers = fixture();
    let big = std::fs::File::create(headers.path().join("x86/linux/huge.h")).unwrap();
    big.set_len(200 << 20).unwrap(); // sparse: costs no disk
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("a 200 MB file in a header folder"), "{text}");
    assert!(text.contains("linux/huge.h"), "{text}");
    assert_eq!(snapshot(out.path()), before);
}

/// When one output file cannot be replaced (a folder stands where `uapi.rs` goes), no other
/// file is replaced either.
#[test]
fn output_files_are_replaced_all_or_nothing() {
    let headers = fixture();
    let out = committed_copy();
    std::fs::remove_file(out.path().join("uapi.rs")).unwrap();
    write(out.path(), "uapi.rs/blocker", "a folder where a file goes");
    let before = snapshot(out.path());
    let (ok, text) = gen_fixture(headers.path(), out.path(), &[]);
    assert!(!ok, "{text}");
    assert!(text.contains("uapi.rs"), "{text}");
    assert!(text.contains("nothing was written"), "{text}");
    assert_eq!(snapshot(out.path()), before, "some files were replaced");
    // No staged or backup file is left behind.
    assert!(snapshot(out.path())
        .keys()
        .all(|p| !p.to_string_lossy().contains(".new")));
}

#[test]
fn export_json_lists_every_abi_with_its_linux_version() {
    let (ok, text) = run(&mut xtask(&["export", "--json"]));
    assert!(ok, "{text}");
    let json: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(json.len(), 31);
    for (abi, value) in &json {
        // s390's 31-bit ABI was removed in Linux 6.19: its last obtainable table is 6.12's.
        let expected = if abi == "s390" { "6.12.117" } else { "7.3.4" };
        assert_eq!(value["linux"], expected, "{abi}");
        // Linux 7.3 added fchroot on every ABI.
        assert_eq!(
            value["syscalls"].get("fchroot").is_some(),
            abi != "s390",
            "{abi}"
        );
    }
    // Numbers exactly as the kernel uses them.
    assert_eq!(json["mips_n32"]["syscalls"]["read"], 6000);
    assert_eq!(json["x32"]["syscalls"]["read"], 0x4000_0000);
    assert_eq!(json["arm_oabi"]["syscalls"]["read"], 0x90_0003);
    assert_eq!(json["arm"]["syscalls"]["breakpoint"], 0x0f_0001);
    assert_eq!(json["alpha"]["syscalls"]["getpid"], 20);
    assert!(json["csky"]["syscalls"].get("sync_file_range").is_none());
    assert_eq!(json["csky"]["syscalls"]["sync_file_range2"], 84);
}
