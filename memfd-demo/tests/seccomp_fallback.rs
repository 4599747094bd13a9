//! The fallback when `memfd_create` is unavailable, forced with a seccomp filter that makes
//! it fail with `ENOSYS` (what a kernel before 3.17, or a sandbox that hides it, says).
//!
//! The filter is installed in a child process only: in the `memfd-demo` binary (through a
//! `pre_exec` hook), or in this test binary run again for one test (`LIB_CHILD`), so that the
//! library is checked in-process too.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use syscalls_sys::{
    syscall, SYS_clone, SYS_clone3, SYS_madvise, SYS_memfd_create, SYS_openat, SYS_prctl,
    SYS_seccomp,
};

const DEMO: &str = env!("CARGO_BIN_EXE_memfd-demo");
const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");
const HOSTILE: &str = env!("CARGO_BIN_EXE_memfd-demo-hostile");
/// Set in the environment of the re-run of this binary that checks the library.
const LIB_CHILD: &str = "MEMFD_DEMO_TEST_SECCOMP_CHILD";

/// `AUDIT_ARCH_*` of the native ABI, as seccomp reports it (a known answer of the kernel's
/// `linux/audit.h`; the libc crate has none). `None` where this test does not know it.
fn audit_arch() -> Option<u32> {
    const EM_X86_64: u32 = 62;
    const EM_AARCH64: u32 = 183;
    const EM_RISCV: u32 = 243;
    const ARCH_64BIT: u32 = 0x8000_0000;
    const ARCH_LE: u32 = 0x4000_0000;
    if cfg!(all(target_arch = "x86_64", target_pointer_width = "64")) {
        Some(EM_X86_64 | ARCH_64BIT | ARCH_LE)
    } else if cfg!(target_arch = "aarch64") {
        Some(EM_AARCH64 | ARCH_64BIT | ARCH_LE)
    } else if cfg!(target_arch = "riscv64") {
        Some(EM_RISCV | ARCH_64BIT | ARCH_LE)
    } else {
        None
    }
}

fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

/// Which syscalls the filter refuses.
#[derive(Clone, Copy)]
enum Refuse {
    /// `memfd_create` fails with ENOSYS.
    MemfdCreate,
    /// That, and `openat` with `O_TMPFILE` fails with EOPNOTSUPP (as on a file system
    /// without it), to reach the last fallback.
    MemfdCreateAndTmpfile,
    /// No new threads: `clone3` fails with ENOSYS (so that the C library falls back to
    /// `clone`), and `clone` with `CLONE_THREAD` with EAGAIN (as at a thread limit). New
    /// processes are allowed. Capture cannot start its mapper thread.
    Threads,
    /// `madvise(MADV_POPULATE_READ)` fails with EINVAL (Linux before 5.14): the same.
    PopulateRead,
}

/// A filter: other architectures and every other syscall are allowed.
fn filter(refuse: Refuse) -> Vec<libc::sock_filter> {
    use libc::{
        BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W,
        SECCOMP_RET_ALLOW, SECCOMP_RET_DATA, SECCOMP_RET_ERRNO,
    };
    let arch = audit_arch().expect("known architecture");
    let nr_offset = std::mem::offset_of!(libc::seccomp_data, nr) as u32;
    let arch_offset = std::mem::offset_of!(libc::seccomp_data, arch) as u32;
    // The low 32 bits of args[i] (clone's flags, openat's flags, madvise's advice).
    let low_half = if cfg!(target_endian = "big") { 4 } else { 0 };
    let arg_offset =
        |i: u32| std::mem::offset_of!(libc::seccomp_data, args) as u32 + i * 8 + low_half;
    let errno = |code: i32| SECCOMP_RET_ERRNO | (code as u32 & SECCOMP_RET_DATA);
    // Every rule starts and ends with the syscall number in the accumulator.
    let syscall = |nr: usize, code: i32| {
        vec![
            jump(BPF_JMP | BPF_JEQ | BPF_K, nr as u32, 0, 1),
            stmt(BPF_RET | BPF_K, errno(code)),
        ]
    };
    // The syscall `nr` when `args[i] & mask == value`.
    let with_arg = |nr: usize, i: u32, mask: u32, value: u32, code: i32| {
        vec![
            jump(BPF_JMP | BPF_JEQ | BPF_K, nr as u32, 0, 5),
            stmt(BPF_LD | BPF_W | BPF_ABS, arg_offset(i)),
            stmt(BPF_ALU | BPF_AND | BPF_K, mask),
            jump(BPF_JMP | BPF_JEQ | BPF_K, value, 0, 1),
            stmt(BPF_RET | BPF_K, errno(code)),
            stmt(BPF_LD | BPF_W | BPF_ABS, nr_offset),
        ]
    };
    let tmpfile = libc::O_TMPFILE as u32;
    let rules = match refuse {
        Refuse::MemfdCreate => syscall(SYS_memfd_create, syscalls_sys::ENOSYS),
        Refuse::MemfdCreateAndTmpfile => {
            let mut rules = syscall(SYS_memfd_create, syscalls_sys::ENOSYS);
            rules.extend(with_arg(
                SYS_openat,
                2,
                tmpfile,
                tmpfile,
                syscalls_sys::EOPNOTSUPP,
            ));
            rules
        }
        Refuse::Threads => {
            let thread = libc::CLONE_THREAD as u32;
            let mut rules = syscall(SYS_clone3, syscalls_sys::ENOSYS);
            rules.extend(with_arg(SYS_clone, 0, thread, thread, syscalls_sys::EAGAIN));
            rules
        }
        Refuse::PopulateRead => with_arg(
            SYS_madvise,
            2,
            u32::MAX,
            libc::MADV_POPULATE_READ as u32,
            syscalls_sys::EINVAL,
        ),
    };
    let mut program = vec![
        stmt(BPF_LD | BPF_W | BPF_ABS, arch_offset),
        jump(BPF_JMP | BPF_JEQ | BPF_K, arch, 1, 0),
        stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        stmt(BPF_LD | BPF_W | BPF_ABS, nr_offset),
    ];
    program.extend(rules);
    program.push(stmt(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    program
}

/// Installs `program` on the calling thread (and what it starts). Raw syscalls only: this
/// runs in `pre_exec`, between fork and exec.
fn install(program: &[libc::sock_filter]) -> io::Result<()> {
    let fprog = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_ptr() as *mut libc::sock_filter,
    };
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integers and touches no memory.
    unsafe { syscall!(SYS_prctl, libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) }
        .map_err(|e| io::Error::from_raw_os_error(e.raw()))?;
    // SAFETY: `fprog` points to `program`, both live for the call, which copies the filter.
    unsafe {
        syscall!(
            SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &fprog as *const libc::sock_fprog
        )
    }
    .map(|_| ())
    .map_err(|e| io::Error::from_raw_os_error(e.raw()))
}

/// Runs `memfd-demo ARGS` with debug messages on, under a filter.
fn demo_under(refuse: Refuse, args: &[&str]) -> Output {
    let program = filter(refuse);
    let mut cmd = Command::new(DEMO);
    cmd.args(args)
        .env("MEMFD_DEMO_DEBUG", "1")
        .stdin(Stdio::null());
    // SAFETY: the hook only makes two raw syscalls with data built before the fork (no
    // allocation, no lock), which is what a pre_exec hook may do.
    unsafe { cmd.pre_exec(move || install(&program)) };
    cmd.output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

macro_rules! require_known_arch {
    () => {
        if audit_arch().is_none() {
            eprintln!("skipped: no AUDIT_ARCH for this architecture in the test");
            return;
        }
    };
}

#[test]
fn the_filter_is_in_force() {
    require_known_arch!();
    let out = demo_under(
        Refuse::MemfdCreate,
        &["--", "grep", "^Seccomp:", "/proc/self/status"],
    );
    assert_eq!(text(&out.stdout).split_whitespace().nth(1), Some("2"));
}

#[test]
fn command_mode_falls_back_to_a_tmpfile_and_says_so() {
    require_known_arch!();
    let out = demo_under(
        Refuse::MemfdCreate,
        &["--", "sh", "-c", "echo out; echo err >&2; exit 5"],
    );
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.status.code(), Some(5));
    let stderr = text(&out.stderr);
    assert!(stderr.ends_with("err\n"), "{stderr}");
    assert!(
        stderr.contains("memfd-demo: debug: memfd_create unavailable (ENOSYS: Invalid system call number); falling back to an unlinked temporary file"),
        "{stderr}"
    );
    assert!(
        stderr.contains("stdout: 4 bytes in TmpFile { dir: \"/dev/shm\" }, not sealed: copied"),
        "{stderr}"
    );
}

#[test]
fn without_o_tmpfile_it_creates_and_unlinks_a_file() {
    require_known_arch!();
    let out = demo_under(Refuse::MemfdCreateAndTmpfile, &["--", "echo", "hi"]);
    assert_eq!(out.stdout, b"hi\n");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("O_TMPFILE in /dev/shm failed"), "{stderr}");
    assert!(
        stderr.contains("stdout: 3 bytes in Unlinked { dir: \"/dev/shm\" }"),
        "{stderr}"
    );
    // Nothing left behind.
    let leftovers: Vec<PathBuf> = std::fs::read_dir("/dev/shm")
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().contains(".memfd-demo-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn default_mode_falls_back_too() {
    require_known_arch!();
    let out = demo_under(Refuse::MemfdCreate, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).starts_with("child said: '"));
    assert!(text(&out.stderr).contains("memfd_create unavailable"));
}

#[test]
fn raw_mode_has_no_fallback_and_says_why() {
    require_known_arch!();
    let out = demo_under(Refuse::MemfdCreate, &["--raw"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("memfd_create: ENOSYS"), "{stderr}");
}

/// `memfd-demo -- sh -c 'WRITER 8 MiB; sleep'` under `refuse`: the output is right, and
/// mapped after the command ended only.
fn large_capture_mapped_at_the_end(refuse: Refuse, why: &str) {
    let script = format!("{WRITER} 8388608; sleep 0.1");
    let out = demo_under(refuse, &["--", "sh", "-c", &script]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        out.stdout.as_slice(),
        &(0..8 << 20)
            .map(memfd_demo::pattern::byte_at)
            .collect::<Vec<u8>>()[..]
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains(why), "{stderr}");
    assert!(
        stderr.contains("stdout: 8388608 bytes in Memfd, sealed and mapped\n"),
        "{stderr}"
    );
}

#[test]
fn without_a_mapper_thread_the_output_is_mapped_at_the_end() {
    require_known_arch!();
    large_capture_mapped_at_the_end(
        Refuse::Threads,
        "no mapper thread (Resource temporarily unavailable (os error 11)): outputs are mapped after their command ends",
    );
}

#[test]
fn without_madv_populate_read_the_output_is_mapped_at_the_end() {
    require_known_arch!();
    large_capture_mapped_at_the_end(
        Refuse::PopulateRead,
        "MADV_POPULATE_READ refused (Invalid argument (os error 22)): outputs are mapped after their command ends",
    );
}

/// Runs this test binary again for the one test `child` (with `LIB_CHILD` set, so that it
/// installs the filter on its thread and captures), and checks that it passed.
fn run_library_child(child: &str) -> String {
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            child,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(LIB_CHILD, "1")
        .env("MEMFD_DEMO_DEBUG", "1")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{stdout}");
    assert!(
        stderr.contains("memfd_create unavailable (ENOSYS"),
        "{stderr}"
    );
    stderr
}

#[test]
fn library_falls_back_under_seccomp() {
    require_known_arch!();
    run_library_child("library_child");
}

#[test]
fn library_fallback_survives_a_sparse_tebibyte() {
    require_known_arch!();
    let stderr = run_library_child("library_sparse_child");
    assert!(
        stderr.contains("stdout: 1099511627776 bytes in TmpFile")
            || stderr.contains("overcommit_memory is 2"),
        "{stderr}"
    );
}

/// Runs only in the re-run started by `library_fallback_survives_a_sparse_tebibyte`: with
/// no memfd_create, the buffer is a file that cannot be sealed, and so is copied; the
/// command makes it a sparse tebibyte. The copy must cost what was written, not abort
/// (`memory allocation of 1099511627776 bytes failed`).
#[test]
#[ignore = "run by library_fallback_survives_a_sparse_tebibyte in a process of its own"]
fn library_sparse_child() {
    if std::env::var_os(LIB_CHILD).is_none() {
        eprintln!(
            "skipped: only in the process library_fallback_survives_a_sparse_tebibyte starts"
        );
        return;
    }
    install(&filter(Refuse::MemfdCreate)).unwrap();
    let mut cmd = Command::new(HOSTILE);
    cmd.args(["sparse", "1T"]);
    match memfd_demo::capture(&mut cmd) {
        Ok(captured) => {
            let out = captured.stdout();
            assert_eq!(out.len() as u64, 1 << 40);
            assert_eq!(&out[..5], b"head\n");
            assert_eq!(&out[out.len() - 5..], b"tail\n");
            assert!(!captured.stdout_buffer().is_sealed());
        }
        Err(err) => {
            // Where the kernel refuses address space it cannot back (strict overcommit),
            // a clear error, not an abort.
            let mode = std::fs::read_to_string("/proc/sys/vm/overcommit_memory").unwrap();
            assert_eq!(mode.trim(), "2", "{err}");
            assert_eq!(
                err.io_error().map(std::io::Error::kind),
                Some(io::ErrorKind::OutOfMemory),
                "{err}"
            );
            eprintln!("overcommit_memory is 2: {err}");
        }
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let peak: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|kib| kib.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap();
    assert!(peak < 64 << 10, "VmHWM {peak} KiB");
}

/// Runs only in the re-run started by `library_falls_back_under_seccomp` (it installs a
/// seccomp filter on its thread, so never in the test run itself).
#[test]
#[ignore = "run by library_falls_back_under_seccomp in a process of its own"]
fn library_child() {
    if std::env::var_os(LIB_CHILD).is_none() {
        // `--include-ignored` in a normal run: the filter must not land on a test thread.
        eprintln!("skipped: only in the process library_falls_back_under_seccomp starts");
        return;
    }
    install(&filter(Refuse::MemfdCreate)).unwrap();
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo out; echo err >&2; kill -TERM $$"]);
    let captured = memfd_demo::capture(&mut cmd).unwrap();
    assert_eq!(captured.stdout(), b"out\n");
    assert_eq!(captured.stderr(), b"err\n");
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&captured.status()),
        Some(libc::SIGTERM)
    );
    for buffer in [captured.stdout_buffer(), captured.stderr_buffer().unwrap()] {
        assert!(!buffer.backing().is_memfd(), "{buffer:?}");
        assert!(!buffer.is_sealed() && !buffer.is_mapped(), "{buffer:?}");
    }
    // And the bare memfd module says the same.
    let (_file, backing) = memfd_demo::memfd::create("x").unwrap();
    assert!(!backing.is_memfd());
}
