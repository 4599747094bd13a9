//! `memfd-demo`: the classic memfd capture, three ways.
//!
//! ```text
//! memfd-demo [-v]                 run /bin/date with its stdout on a memfd; print what it said
//! memfd-demo [-v] --raw           the same with raw syscalls only (fork, dup2, execve, wait4, lseek, read)
//! memfd-demo [-v] [--merge] [--max-output SIZE] -- CMD [ARG…]
//!                                 run CMD, its stdout and stderr captured in two sealed memfds
//!                                 (one with --merge); copy them to our stdout and stderr; exit
//!                                 with CMD's status
//! ```
//!
//! Exit status in command mode, as a shell's: CMD's own; 128+N if a signal N killed it; 127
//! if it was not found, 126 if it could not be executed; 125 if memfd-demo itself failed
//! (a capture error, an output over --max-output, or output lost while copying it out: a
//! full disk, a closed descriptor); a reader that went away (`| head`) loses nothing it
//! wanted, and leaves CMD's status. 2 for a usage error.

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() {
    std::process::exit(cli::main());
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {
    eprintln!("memfd-demo: memfd_create is a Linux syscall; this program runs on Linux only");
    std::process::exit(1);
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod cli {
    use std::ffi::{CStr, OsString};
    use std::fs::File;
    use std::io::{self, Read, Seek, SeekFrom, Write};
    use std::mem::ManuallyDrop;
    use std::os::fd::FromRawFd;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, ExitStatus};

    use memfd_demo::raw::{self, RawStatus};
    use memfd_demo::{debug, memfd, CaptureError, CaptureOptions, ReplayError};

    mod forward;

    const USAGE: &str = "\
usage: memfd-demo [-v] [--raw]
       memfd-demo [-v] [--merge] [--max-output SIZE] -- CMD [ARG...]

  (no mode)  run /bin/date with its stdout on a memfd (memfd_create through syscall!),
             wait, rewind, read, and print: child said: '<output>'
  --raw      the same with raw syscalls only: fork/clone, dup2/dup3, execve, wait4,
             lseek, read, all through syscall!
  -- CMD     run CMD with stdout and stderr captured in two sealed memfds, copy them to
             our stdout and stderr, and exit with CMD's status: 128+N if signal N killed
             it, 127 if not found, 126 if not executable, 125 if memfd-demo failed (output
             over the limit, or lost while copying it out); SIGINT, SIGTERM, SIGHUP and
             SIGQUIT are passed on to CMD, and what it wrote is copied out when it ends
  --merge    capture stderr with stdout, in the order CMD wrote them (as 2>&1)
  --max-output SIZE
             fail (125) when a stream is larger than SIZE bytes (suffixes K, M, G, T:
             powers of 1024); CMD's status is still reported
  -v         debug messages on stderr (same as MEMFD_DEMO_DEBUG=1)
  -h, --help this help
  --version  the version";

    /// The date program of the original.
    const DATE: &str = "/bin/date";
    /// The same, for `execve`.
    const DATE_C: &CStr = c"/bin/date";

    /// Exit status for usage errors.
    const USAGE_ERROR: i32 = 2;
    /// Exit status when CMD cannot be found, or `--raw`'s child cannot exec (as shells do).
    const NOT_FOUND: i32 = 127;
    /// Exit status when CMD exists but cannot be executed (as shells do).
    const NOT_EXECUTABLE: i32 = 126;
    /// Exit status when memfd-demo itself failed in command mode (as `env`, `nice` and
    /// `timeout` do): a capture error, an output over `--max-output`, or output lost while
    /// copying it out.
    const FAILED: i32 = 125;
    /// Added to a signal number for the exit status of a command it killed (as shells do).
    const SIGNAL_BASE: i32 = 128;

    /// What `-- CMD` was asked.
    struct Run {
        command: Vec<OsString>,
        merge: bool,
        max_output: Option<u64>,
    }

    enum Mode {
        Date,
        Raw,
        Run(Run),
        Help,
        Version,
    }

    /// `SIZE` of `--max-output`: bytes, with an optional K, M, G or T (KiB… accepted too).
    fn parse_size(text: &str) -> Result<u64, String> {
        let digits = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(digits);
        let shift = match suffix {
            "" | "B" => 0,
            "K" | "k" | "KiB" => 10,
            "M" | "MiB" => 20,
            "G" | "GiB" => 30,
            "T" | "TiB" => 40,
            _ => u32::MAX,
        };
        number
            .parse::<u64>()
            .ok()
            .filter(|_| shift != u32::MAX)
            .and_then(|n| n.checked_mul(1u64.checked_shl(shift)?))
            .ok_or_else(|| {
                format!(
                    "invalid --max-output '{text}': a number of bytes, optionally followed by \
                     K, M, G or T (powers of 1024), at most {}",
                    u64::MAX
                )
            })
    }

    fn parse(args: impl Iterator<Item = OsString>) -> Result<Mode, String> {
        let mut raw = false;
        let mut merge = false;
        let mut max_output = None;
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            let text = arg.to_str();
            if let Some(value) = text.and_then(|t| t.strip_prefix("--max-output=")) {
                max_output = Some(parse_size(value)?);
                continue;
            }
            match text {
                Some("--") => {
                    if raw {
                        return Err("--raw runs /bin/date; it takes no command".into());
                    }
                    let command: Vec<OsString> = args.collect();
                    if command.is_empty() {
                        return Err("missing command after --".into());
                    }
                    return Ok(Mode::Run(Run {
                        command,
                        merge,
                        max_output,
                    }));
                }
                Some("--raw") => raw = true,
                Some("--merge") => merge = true,
                Some("--max-output") => {
                    let value = args.next().ok_or("--max-output needs a SIZE")?;
                    let value = value
                        .to_str()
                        .ok_or_else(|| format!("invalid --max-output {value:?}"))?;
                    max_output = Some(parse_size(value)?);
                }
                Some("-v" | "--verbose") => debug::set_debug(true),
                Some("-h" | "--help") => return Ok(Mode::Help),
                Some("--version") => return Ok(Mode::Version),
                _ => {
                    return Err(format!(
                        "unexpected argument '{}' (a command goes after --)",
                        arg.to_string_lossy()
                    ))
                }
            }
        }
        if merge || max_output.is_some() {
            return Err("--merge and --max-output go with -- CMD".into());
        }
        Ok(if raw { Mode::Raw } else { Mode::Date })
    }

    pub fn main() -> i32 {
        // A SIGCHLD ignored by whoever started us (a daemon's children often inherit that)
        // would make the kernel reap our commands before we can learn their status; and
        // our commands would inherit it too.
        forward::default_sigchld();
        hold_closed_stdio();
        match parse(std::env::args_os().skip(1)) {
            Ok(Mode::Help) => print(USAGE),
            Ok(Mode::Version) => print(concat!("memfd-demo ", env!("CARGO_PKG_VERSION"))),
            Ok(Mode::Date) => date(),
            Ok(Mode::Raw) => date_raw(),
            Ok(Mode::Run(run)) => command(&run),
            Err(message) => {
                warn(format_args!("{message}\n{USAGE}"));
                USAGE_ERROR
            }
        }
    }

    /// `memfd-demo: MESSAGE` on stderr; nothing (and no panic) if stderr cannot take it.
    fn warn(message: std::fmt::Arguments<'_>) {
        let line = format!("memfd-demo: {message}\n");
        let _ = io::stderr().lock().write_all(line.as_bytes());
    }

    /// Our stdout, unbuffered, and without the standard library's forgiveness: `io::stdout`
    /// takes a closed descriptor (`EBADF`) for a successful write, and a tool whose output
    /// went nowhere must say so.
    fn stdout() -> ManuallyDrop<File> {
        // SAFETY: the `File` only borrows descriptor 1: ManuallyDrop never closes it. If it is
        // not open, writes fail with EBADF, which is what we want to see.
        ManuallyDrop::new(unsafe { File::from_raw_fd(libc::STDOUT_FILENO) })
    }

    /// Makes descriptors 1 and 2 unwritable (`EBADF`) if they were closed when we started
    /// (`>&-`), so that a write to them fails as it would in a C program.
    ///
    /// The standard library opens `/dev/null` read-write on standard descriptors it finds
    /// closed at startup (so that no file we open lands on them), which would make our output
    /// vanish without an error. Such a descriptor (`/dev/null`, read-write) is taken for a
    /// closed one and replaced with `/dev/null` read-only: the descriptor number stays
    /// taken, and writes fail. (A shell's `1<>/dev/null` looks the same, and is treated the
    /// same.)
    fn hold_closed_stdio() {
        use std::os::unix::fs::{FileTypeExt, MetadataExt};
        let Ok(null) = std::fs::metadata("/dev/null") else {
            return;
        };
        for fd in [libc::STDOUT_FILENO, libc::STDERR_FILENO] {
            // SAFETY: F_GETFL touches no memory.
            let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
            if flags == -1 || flags & libc::O_ACCMODE != libc::O_RDWR {
                continue;
            }
            // SAFETY: borrowed, never closed (ManuallyDrop).
            let file = ManuallyDrop::new(unsafe { File::from_raw_fd(fd) });
            let Ok(meta) = file.metadata() else {
                continue;
            };
            if !(meta.file_type().is_char_device() && meta.rdev() == null.rdev()) {
                continue;
            }
            if let Ok(read_only) = File::open("/dev/null") {
                // SAFETY: dup2 onto a standard descriptor we hold; `read_only` is closed on
                // drop, its duplicate stays.
                unsafe { libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&read_only), fd) };
            }
        }
    }

    /// `text` and a newline on stdout (help, version): 0, or what [`output_failed`] says.
    fn print(text: &str) -> i32 {
        let mut stdout = stdout();
        match stdout
            .write_all(text.as_bytes())
            .and_then(|()| stdout.write_all(b"\n"))
        {
            Ok(()) => 0,
            Err(err) => output_failed(err),
        }
    }

    /// `child said: '<output without its trailing newline>'`.
    fn print_child_said(output: &[u8]) -> io::Result<()> {
        let output = output.strip_suffix(b"\n").unwrap_or(output);
        let mut line = Vec::new();
        line.try_reserve_exact(output.len() + 16)
            .map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
        line.extend_from_slice(b"child said: '");
        line.extend_from_slice(output);
        line.extend_from_slice(b"'\n");
        stdout().write_all(&line)
    }

    /// The exit status for a command's `ExitStatus`, as a shell reports it.
    fn shell_status(status: ExitStatus) -> i32 {
        match (status.code(), status.signal()) {
            (Some(code), _) => code,
            (None, Some(signal)) => SIGNAL_BASE + signal,
            (None, None) => 1,
        }
    }

    fn fail(what: &str, err: impl std::fmt::Display) -> i32 {
        warn(format_args!("{what}: {err}"));
        1
    }

    /// Our exit status after a failed write to stdout: quiet for a closed pipe (`| head`),
    /// as if SIGPIPE had killed us the way it kills C programs; otherwise an error line
    /// and 1 (a full disk, a closed stdout).
    fn output_failed(err: io::Error) -> i32 {
        if err.kind() == io::ErrorKind::BrokenPipe {
            SIGNAL_BASE + libc::SIGPIPE
        } else {
            fail("cannot write output", err)
        }
    }
    /// The original, with std for fork/exec/wait and `syscall!` for memfd_create.
    fn date() -> i32 {
        let program = DATE;
        let (mut file, backing) = match memfd::create("foofile") {
            Ok(created) => created,
            Err(err) => return fail("cannot create a memfd", err),
        };
        if !backing.is_memfd() {
            warn(format_args!(
                "note: no memfd_create here; using {backing:?}"
            ));
        }
        let child_stdout = match file.try_clone() {
            Ok(dup) => dup,
            Err(err) => return fail("cannot duplicate the memfd", err),
        };
        let status = match Command::new(program).stdout(child_stdout).status() {
            Ok(status) => status,
            Err(err) => return fail(&format!("cannot run {program}"), err),
        };
        // The child's writes moved the offset we share with it: back to the start.
        let mut output = Vec::new();
        if let Err(err) = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.read_to_end(&mut output))
        {
            return fail("cannot read the memfd", err);
        }
        if let Err(err) = print_child_said(&output) {
            return output_failed(err);
        }
        if !status.success() {
            warn(format_args!("{program}: {status}"));
        }
        shell_status(status)
    }

    /// The original's sequence in raw syscalls.
    fn date_raw() -> i32 {
        let outcome = match raw::run(DATE_C, &[c"date"]) {
            Ok(outcome) => outcome,
            Err(err) => return fail("--raw", err),
        };
        if let Err(err) = print_child_said(&outcome.stdout) {
            return output_failed(err);
        }
        match outcome.status {
            RawStatus::Exited(0) => 0,
            RawStatus::Exited(code) => {
                warn(format_args!("/bin/date exited with status {code}"));
                code
            }
            RawStatus::Signaled(signal) => {
                warn(format_args!("/bin/date was killed by signal {signal}"));
                SIGNAL_BASE + signal
            }
        }
    }

    /// `-- CMD ARG…`: capture, replay, exit like CMD.
    fn command(run: &Run) -> i32 {
        let mut cmd = Command::new(&run.command[0]);
        cmd.args(&run.command[1..]);
        let mut options = CaptureOptions::new();
        options.merge(run.merge);
        if let Some(limit) = run.max_output {
            options.max_len(limit);
        }
        let captured = match forward::capture_forwarding(&options, &mut cmd) {
            Ok(captured) => captured,
            Err(err @ CaptureError::Spawn { .. }) => {
                warn(format_args!("{err}"));
                return match err.io_error().map(io::Error::kind) {
                    Some(io::ErrorKind::NotFound) => NOT_FOUND,
                    _ => NOT_EXECUTABLE,
                };
            }
            Err(err) => {
                warn(format_args!("{err}"));
                return FAILED;
            }
        };
        let status = shell_status(captured.status());
        // Each stream is copied out whatever happened to the other.
        let mut lost = false;
        let mut report = |stream: &str, err: ReplayError| {
            lost |= !err.is_broken_pipe();
            warn(format_args!(
                "cannot copy out the command's {stream}: {err}"
            ));
        };
        if let Err(err) = captured.stdout_buffer().write_to(&*stdout()) {
            report("stdout", err);
        }
        if let Some(stderr) = captured.stderr_buffer() {
            if let Err(err) = stderr.write_to(io::stderr()) {
                report("stderr", err);
            }
        }
        if lost {
            warn(format_args!(
                "output lost; the command exited with status {status}; exiting with {FAILED}"
            ));
            return FAILED;
        }
        status
    }
}
