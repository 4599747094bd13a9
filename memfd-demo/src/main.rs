//! `memfd-demo`: the classic memfd capture, three ways.
//!
//! ```text
//! memfd-demo [-v]                 run /bin/date with its stdout on a memfd; print what it said
//! memfd-demo [-v] --raw           the same with raw syscalls only (fork, dup2, execve, wait4, lseek, read)
//! memfd-demo [-v] -- CMD [ARG…]   run CMD, its stdout and stderr captured in two sealed memfds;
//!                                 copy them to our stdout and stderr; exit with CMD's status
//! ```

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
    use std::io::{self, Read, Seek, SeekFrom, Write};
    use std::os::unix::process::ExitStatusExt;
    use std::process::{Command, ExitStatus};

    use memfd_demo::raw::{self, RawStatus};
    use memfd_demo::{capture, debug, memfd, CaptureError};

    const USAGE: &str = "\
usage: memfd-demo [-v] [--raw]
       memfd-demo [-v] -- CMD [ARG...]

  (no mode)  run /bin/date with its stdout on a memfd (memfd_create through syscall!),
             wait, rewind, read, and print: child said: '<output>'
  --raw      the same with raw syscalls only: fork/clone, dup2/dup3, execve, wait4,
             lseek, read, all through syscall!
  -- CMD     run CMD with stdout and stderr captured in two sealed memfds, copy them to
             our stdout and stderr, and exit with CMD's status (128+N if killed by signal N)
  -v         debug messages on stderr (same as MEMFD_DEMO_DEBUG=1)
  -h         this help";

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
    /// Added to a signal number for the exit status of a command it killed (as shells do).
    const SIGNAL_BASE: i32 = 128;

    enum Mode {
        Date,
        Raw,
        Run(Vec<OsString>),
        Help,
    }

    fn parse(args: impl Iterator<Item = OsString>) -> Result<Mode, String> {
        let mut raw = false;
        let mut args = args.peekable();
        while let Some(arg) = args.next() {
            match arg.to_str() {
                Some("--") => {
                    if raw {
                        return Err("--raw runs /bin/date; it takes no command".into());
                    }
                    let command: Vec<OsString> = args.collect();
                    if command.is_empty() {
                        return Err("missing command after --".into());
                    }
                    return Ok(Mode::Run(command));
                }
                Some("--raw") => raw = true,
                Some("-v" | "--verbose") => debug::set_debug(true),
                Some("-h" | "--help") => return Ok(Mode::Help),
                _ => {
                    return Err(format!(
                        "unexpected argument '{}' (a command goes after --)",
                        arg.to_string_lossy()
                    ))
                }
            }
        }
        Ok(if raw { Mode::Raw } else { Mode::Date })
    }

    pub fn main() -> i32 {
        match parse(std::env::args_os().skip(1)) {
            Ok(Mode::Help) => {
                println!("{USAGE}");
                0
            }
            Ok(Mode::Date) => date(),
            Ok(Mode::Raw) => date_raw(),
            Ok(Mode::Run(command)) => run(&command),
            Err(message) => {
                eprintln!("memfd-demo: {message}\n{USAGE}");
                USAGE_ERROR
            }
        }
    }

    /// `child said: '<output without its trailing newline>'`.
    fn print_child_said(output: &[u8]) -> io::Result<()> {
        let output = output.strip_suffix(b"\n").unwrap_or(output);
        let mut stdout = io::stdout().lock();
        stdout.write_all(b"child said: '")?;
        stdout.write_all(output)?;
        stdout.write_all(b"'\n")?;
        stdout.flush()
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
        eprintln!("memfd-demo: {what}: {err}");
        1
    }

    /// Our exit status after a failed write to stdout: quiet for a closed pipe (`| head`),
    /// as if SIGPIPE had killed us the way it kills C programs.
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
            eprintln!("memfd-demo: note: no memfd_create here; using {backing:?}");
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
            eprintln!("memfd-demo: {program}: {status}");
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
                eprintln!("memfd-demo: /bin/date exited with status {code}");
                code
            }
            RawStatus::Signaled(signal) => {
                eprintln!("memfd-demo: /bin/date was killed by signal {signal}");
                SIGNAL_BASE + signal
            }
        }
    }

    /// `-- CMD ARG…`: capture, replay, exit like CMD.
    fn run(command: &[OsString]) -> i32 {
        let mut cmd = Command::new(&command[0]);
        cmd.args(&command[1..]);
        let captured = match capture(&mut cmd) {
            Ok(captured) => captured,
            Err(err @ CaptureError::Spawn { .. }) => {
                eprintln!("memfd-demo: {err}");
                return match err.io_error().kind() {
                    io::ErrorKind::PermissionDenied => NOT_EXECUTABLE,
                    _ => NOT_FOUND,
                };
            }
            Err(err) => return fail("capture failed", err),
        };
        let mut stdout = io::stdout().lock();
        if let Err(err) = stdout
            .write_all(captured.stdout())
            .and_then(|()| stdout.flush())
        {
            return output_failed(err);
        }
        if let Err(err) = io::stderr().lock().write_all(captured.stderr()) {
            return fail("cannot write to stderr", err);
        }
        shell_status(captured.status())
    }
}
