//! Commands that do hostile or merely unusual things to their output, one test (or more)
//! for each case of issue 12: sparse outputs of a tebibyte, programs that cannot run, a
//! reader that goes away, a full disk, an ignored SIGCHLD, a full or closed stdout for the
//! help, signals sent during a capture, and the order of stdout and stderr.
#![cfg(any(target_os = "linux", target_os = "android"))]

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

use memfd_demo::{Capture, CaptureError, CaptureOptions};

const DEMO: &str = env!("CARGO_BIN_EXE_memfd-demo");
const HOSTILE: &str = env!("CARGO_BIN_EXE_memfd-demo-hostile");
const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");

const TIB: u64 = 1 << 40;
/// The most memory a capture of a sparse tebibyte may cost (peak RSS, KiB).
const PEAK_LIMIT_KIB: u64 = 64 << 10;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn demo(args: &[&str]) -> Output {
    Command::new(DEMO)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Waits for `child` with `wait4`, for its exit status and its peak RSS in KiB (its own, or
/// that of a child of its own it waited for, if larger).
fn wait_with_peak(child: Child) -> (ExitStatus, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: rusage is plain data, valid when zeroed.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: `status` and `usage` are live and writable; `pid` is our unreaped child.
        let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        if reaped == pid {
            break;
        }
        assert_eq!(
            std::io::Error::last_os_error().kind(),
            std::io::ErrorKind::Interrupted
        );
    }
    drop(child);
    (ExitStatus::from_raw(status), usage.ru_maxrss as u64)
}

/// This process's peak RSS (`VmHWM`), in KiB.
fn vm_hwm_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// `memfd-demo -- memfd-demo-hostile sparse 1T [--seal-seal]`, read by a reader that stops
/// after 100 bytes (`| head -c 100`).
fn sparse_tebibyte_through_head(extra: &[&str]) {
    let start = Instant::now();
    let mut args = vec!["--", HOSTILE, "sparse", "1T"];
    args.extend(extra);
    let mut child = Command::new(DEMO)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = vec![0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The pipe's read end is closed here: the reader is gone.
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let (status, peak) = wait_with_peak(child);
    let took = start.elapsed();
    assert_eq!(&first[..5], b"head\n");
    assert!(first[5..].iter().all(|&b| b == 0));
    // Nothing the reader wanted was lost: the command's status (0).
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("cannot copy out the command's stdout: Broken pipe"),
        "{stderr}"
    );
    assert!(stderr.contains(" of 1099511627776 bytes"), "{stderr}");
    assert!(peak < PEAK_LIMIT_KIB, "peak RSS {peak} KiB");
    // Not a timing claim: a hang guard (copying a tebibyte would take many minutes).
    assert!(took < Duration::from_secs(30), "{took:?}");
}

#[test]
fn a_sparse_tebibyte_costs_the_binary_nothing_and_head_ends_it_at_once() {
    sparse_tebibyte_through_head(&[]);
}

#[test]
fn a_sparse_tebibyte_that_cannot_be_sealed_is_copied_without_its_holes() {
    // The child seals the seals first (F_SEAL_SEAL): the capture must copy it.
    sparse_tebibyte_through_head(&["--seal-seal"]);
}

#[test]
fn memfd_demo_pipe_head_c_100_gives_100_bytes() {
    let script = format!("'{DEMO}' -- '{HOSTILE}' sparse 1T 2>/dev/null | head -c 100 | wc -c");
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert_eq!(text(&out.stdout).trim(), "100");
}

/// The library, in this process: a sparse tebibyte with data at both ends.
fn library_sparse_tebibyte(extra: &[&str]) -> Capture {
    let mut cmd = Command::new(HOSTILE);
    cmd.args(["sparse", "1T"]).args(extra);
    let captured = memfd_demo::capture(&mut cmd).unwrap();
    assert!(captured.status().success());
    let out = captured.stdout();
    assert_eq!(out.len() as u64, TIB);
    assert_eq!(&out[..5], b"head\n");
    assert_eq!(&out[out.len() - 5..], b"tail\n");
    // A hole reads as zeros (this maps one page of it).
    assert_eq!(out[out.len() / 2], 0);
    captured
}

#[test]
fn library_captures_a_sparse_tebibyte_in_less_than_64_mib() {
    let captured = library_sparse_tebibyte(&[]);
    assert!(captured.stdout_buffer().is_sealed());
    let peak = vm_hwm_kib();
    assert!(peak < PEAK_LIMIT_KIB, "VmHWM {peak} KiB");
}

#[test]
fn library_copies_an_unsealable_sparse_tebibyte_in_less_than_64_mib() {
    let captured = library_sparse_tebibyte(&["--seal-seal"]);
    let buffer = captured.stdout_buffer();
    assert!(!buffer.is_sealed() && !buffer.is_mapped(), "{buffer:?}");
    let peak = vm_hwm_kib();
    assert!(peak < PEAK_LIMIT_KIB, "VmHWM {peak} KiB");
}

#[test]
fn write_to_sends_data_and_holes_without_mapping_them() {
    let mut cmd = Command::new(HOSTILE);
    cmd.args(["sparse", "3M"]);
    let captured = memfd_demo::capture(&mut cmd).unwrap();
    let mut sink = tempfile();
    let written = captured.stdout_buffer().write_to(&sink).unwrap();
    assert_eq!(written, 3 << 20);
    let mut copy = Vec::new();
    use std::io::Seek;
    sink.seek(std::io::SeekFrom::Start(0)).unwrap();
    sink.read_to_end(&mut copy).unwrap();
    assert_eq!(copy, captured.stdout());
    // An O_APPEND destination refuses sendfile: the buffered path gives the same bytes.
    let appending = tempfile();
    let append = std::fs::OpenOptions::new()
        .append(true)
        .open(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&appending)
        ))
        .unwrap();
    assert_eq!(captured.stdout_buffer().write_to(&append).unwrap(), 3 << 20);
    assert_eq!(
        std::fs::read(format!(
            "/proc/self/fd/{}",
            std::os::fd::AsRawFd::as_raw_fd(&appending)
        ))
        .unwrap(),
        captured.stdout()
    );
}

fn tempfile() -> std::fs::File {
    let path = std::env::temp_dir().join(format!(
        "memfd-demo-hostile-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    file
}

#[test]
fn max_len_fails_clearly_and_keeps_the_status() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "head -c 5000 /dev/zero; exit 9"]);
    let err = CaptureOptions::new()
        .max_len(4096)
        .capture(&mut cmd)
        .unwrap_err();
    match &err {
        CaptureError::TooLarge {
            len, limit, status, ..
        } => {
            assert_eq!((*len, *limit, status.code()), (5000, 4096, Some(9)));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status().and_then(|s| s.code()), Some(9));
    assert_eq!(
        err.to_string(),
        "the command's stdout is 5000 bytes, more than the limit of 4096 (the command exited with status 9)"
    );
    // At the limit, it is captured.
    let mut cmd = Command::new("head");
    cmd.args(["-c", "4096", "/dev/zero"]);
    let captured = CaptureOptions::new()
        .max_len(4096)
        .capture(&mut cmd)
        .unwrap();
    assert_eq!(captured.stdout().len(), 4096);
    // A sparse tebibyte is over a limit too: its length counts, holes included.
    let mut cmd = Command::new(HOSTILE);
    cmd.args(["sparse", "1T"]);
    let err = CaptureOptions::new()
        .max_len(1 << 30)
        .capture(&mut cmd)
        .unwrap_err();
    assert!(
        matches!(err, CaptureError::TooLarge { len: TIB, .. }),
        "{err:?}"
    );
}

#[test]
fn max_output_in_the_binary() {
    let out = demo(&[
        "--max-output",
        "1K",
        "--",
        "sh",
        "-c",
        "head -c 2000 /dev/zero; exit 4",
    ]);
    assert_eq!(out.status.code(), Some(125));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains(
            "stdout is 2000 bytes, more than the limit of 1024 (the command exited with status 4)"
        ),
        "{stderr}"
    );
    let out = demo(&["--max-output=2000", "--", "head", "-c", "2000", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(out.stdout.len(), 2000);
    for bad in ["", "x", "1Q", "-1", "99999999999999999999", "20000000T"] {
        let out = demo(&["--max-output", bad, "--", "true"]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        assert!(
            text(&out.stderr).contains("invalid --max-output"),
            "{bad:?}"
        );
    }
    let out = demo(&["--max-output", "1M"]);
    assert_eq!(out.status.code(), Some(2));
}

/// A file that exists and is executable but is no program.
fn not_a_program(contents: &[u8], name: &str) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::temp_dir().join(format!("memfd-demo-{name}-{}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn found_but_not_executable_is_126_and_not_found_is_127() {
    let bad_elf = not_a_program(b"\x7fELF\x02\x01\x01garbage", "bad-elf");
    let no_shebang = not_a_program(b"\x00\x01\x02 binary junk", "junk");
    for (program, code, why) in [
        (bad_elf.to_str().unwrap(), 126, "Exec format error"),
        (no_shebang.to_str().unwrap(), 126, "Exec format error"),
        ("/", 126, "Permission denied"),
        ("/nonexistent/program", 127, "No such file or directory"),
        (
            "memfd-demo-no-such-program",
            127,
            "No such file or directory",
        ),
    ] {
        let out = demo(&["--", program]);
        assert_eq!(out.status.code(), Some(code), "{program}");
        let stderr = text(&out.stderr);
        assert!(stderr.contains(program) && stderr.contains(why), "{stderr}");
    }
    std::fs::remove_file(bad_elf).unwrap();
    std::fs::remove_file(no_shebang).unwrap();
}

/// `sh -c 'seq 100000; echo ERR >&2; exit 3'`
const SEQ_ERR_EXIT_3: [&str; 3] = ["sh", "-c", "seq 100000; echo ERR >&2; exit 3"];

#[test]
fn a_reader_gone_early_still_gets_stderr_and_the_command_status() {
    // memfd-demo -- sh -c '...' | head -c1
    let mut args = vec!["--"];
    args.extend(SEQ_ERR_EXIT_3);
    let mut child = Command::new(DEMO)
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut one = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut one).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("ERR\n"), "{stderr}");
    assert!(stderr.contains("stdout: Broken pipe"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_full_disk_still_gets_stderr_and_a_documented_status() {
    let mut args = vec!["--"];
    args.extend(SEQ_ERR_EXIT_3);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(DEMO)
        .args(&args)
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(125), "{stderr}");
    assert!(stderr.contains("ERR\n"), "{stderr}");
    assert!(
        stderr.contains("cannot copy out the command's stdout: No space left on device"),
        "{stderr}"
    );
    assert!(
        stderr.contains("output lost; the command exited with status 3; exiting with 125"),
        "{stderr}"
    );
}

#[test]
fn a_full_stderr_still_gets_stdout_out() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = Command::new(DEMO)
        .args(["--", "sh", "-c", "echo out; echo err >&2; exit 3"])
        .stderr(full)
        .output()
        .unwrap();
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.status.code(), Some(125));
}

#[test]
fn an_ignored_sigchld_is_reset_and_the_output_kept() {
    let mut cmd = Command::new(DEMO);
    cmd.args(["--", "sh", "-c", "echo out; echo err >&2; exit 6"]);
    // SAFETY: signal() is async-signal-safe and allocates nothing.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGCHLD, libc::SIG_IGN);
            Ok(())
        })
    };
    let out = cmd.output().unwrap();
    assert_eq!(text(&out.stderr), "err\n");
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.status.code(), Some(6));
    // And the command gets SIGCHLD at its default, not ignored: its SigIgn mask (bit N-1
    // for signal N) does not have it.
    let mut cmd = Command::new(DEMO);
    cmd.args(["--", "grep", "^SigIgn:", "/proc/self/status"]);
    // SAFETY: as above.
    unsafe {
        cmd.pre_exec(|| {
            libc::signal(libc::SIGCHLD, libc::SIG_IGN);
            Ok(())
        })
    };
    let out = cmd.output().unwrap();
    let mask =
        u64::from_str_radix(text(&out.stdout).split_whitespace().nth(1).unwrap(), 16).unwrap();
    assert_eq!(
        mask & (1 << (libc::SIGCHLD - 1)),
        0,
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn help_and_version_to_a_full_closed_or_broken_stdout_never_panic() {
    for flag in ["-h", "--help", "--version"] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = Command::new(DEMO).arg(flag).stdout(full).output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flag}: {stderr}");
        assert!(
            stderr.contains("No space left on device"),
            "{flag}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{flag}: {stderr}");

        // `memfd-demo --help >&-`
        let mut cmd = Command::new(DEMO);
        cmd.arg(flag).stderr(Stdio::piped());
        // SAFETY: close() is async-signal-safe.
        unsafe {
            cmd.pre_exec(|| {
                libc::close(libc::STDOUT_FILENO);
                Ok(())
            })
        };
        let out = cmd.output().unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{flag}: {stderr}");
        assert!(stderr.contains("Bad file descriptor"), "{flag}: {stderr}");

        // `memfd-demo --help | true`: a pipe nobody reads.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(DEMO)
            .arg(flag)
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(128 + libc::SIGPIPE), "{flag}");
        assert!(!text(&out.stderr).contains("panicked"));
    }
    let out = demo(&["--version"]);
    assert_eq!(
        text(&out.stdout),
        format!("memfd-demo {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// Whether process `pid` still exists (a zombie counts as gone: it has ended).
fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map(|stat| {
            !stat
                .rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        })
        .unwrap_or(false)
}

#[test]
fn signals_are_passed_on_and_what_was_written_is_kept() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT] {
        let pidfile = std::env::temp_dir().join(format!(
            "memfd-demo-pidfile-{}-{signal}",
            std::process::id()
        ));
        let _ = std::fs::remove_file(&pidfile);
        let child = Command::new(DEMO)
            .args(["--", HOSTILE, "pidfile", pidfile.to_str().unwrap()])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        let command_pid: i32 = loop {
            if let Some(pid) = std::fs::read_to_string(&pidfile)
                .ok()
                .and_then(|text| text.parse().ok())
            {
                break pid;
            }
            assert!(Instant::now() < deadline, "the command never started");
            std::thread::sleep(Duration::from_millis(10));
        };
        // SAFETY: kill takes integers; the pid is our child's.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let out = child.wait_with_output().unwrap();
        std::fs::remove_file(&pidfile).unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(128 + signal),
            "signal {signal}: {stderr}"
        );
        assert_eq!(out.stdout, b"before\n", "signal {signal}");
        assert!(
            !alive(command_pid),
            "signal {signal}: the command was left running"
        );
    }
}

#[test]
fn merge_keeps_the_order_the_command_wrote_in() {
    let script = "echo o1; echo e1 >&2; echo o2; echo e2 >&2; exit 5";
    let out = demo(&["--merge", "--", "sh", "-c", script]);
    assert_eq!(text(&out.stdout), "o1\ne1\no2\ne2\n");
    assert!(out.stderr.is_empty());
    assert_eq!(out.status.code(), Some(5));
    // Without: two streams, each in order, but not interleaved.
    let out = demo(&["--", "sh", "-c", script]);
    assert_eq!(text(&out.stdout), "o1\no2\n");
    assert_eq!(text(&out.stderr), "e1\ne2\n");

    let mut cmd = Command::new("sh");
    cmd.args(["-c", script]);
    let captured = Capture::merged(&mut cmd).unwrap();
    assert!(captured.is_merged());
    assert_eq!(captured.stdout(), b"o1\ne1\no2\ne2\n");
    assert_eq!(captured.stderr(), b"");
    assert!(captured.stderr_buffer().is_none());
    assert_eq!(captured.status().code(), Some(5));
    assert!(captured.stdout_buffer().is_sealed() && captured.stdout_buffer().is_mapped());
}

#[test]
fn merged_large_outputs_are_exact() {
    // 8 MiB to stdout, then 3 MiB to stderr, one file: stderr follows stdout.
    let mut cmd = Command::new(WRITER);
    cmd.args(["8388608", "3145728"]);
    let captured = CaptureOptions::new().merge(true).capture(&mut cmd).unwrap();
    let out = captured.stdout();
    assert_eq!(out.len(), 11 << 20);
    assert_eq!(
        memfd_demo::pattern::checksum(&out[..8 << 20]),
        memfd_demo::pattern::pattern_checksum(8 << 20)
    );
    assert_eq!(
        memfd_demo::pattern::checksum(&out[8 << 20..]),
        memfd_demo::pattern::pattern_checksum(3 << 20)
    );
}

#[test]
fn running_gives_the_pid_before_the_wait() {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "echo $$; exec sleep 30"]);
    let running = CaptureOptions::new().spawn(&mut cmd).unwrap();
    let pid = running.id() as i32;
    // Once it has said its pid and become `sleep`:
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read(format!("/proc/{pid}/cmdline")).is_ok_and(|c| c.starts_with(b"sleep")) {
        assert!(Instant::now() < deadline, "the command never got to sleep");
        std::thread::sleep(Duration::from_millis(5));
    }
    // SAFETY: kill takes integers; the pid is our unreaped child.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
    let captured = running.wait().unwrap();
    assert_eq!(captured.status().signal(), Some(libc::SIGTERM));
    assert_eq!(text(captured.stdout()).trim(), pid.to_string());
}
