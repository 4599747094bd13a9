//! `sysno`: look up any Linux syscall or errno on any of the kernel's 31 ABIs, from the shell.
//!
//! Everything it prints comes from syscalls-sys's generated tables; this file parses the
//! command line and calls [`commands`], which resolves the queries and renders text or JSON.

mod commands;
mod signature;
mod since;

use clap::{Parser, Subcommand};
use std::io::{self, Write};
use std::process::ExitCode;

const EXAMPLES: &str = "\
Examples:
  sysno memfd_create               memfd_create's number on every ABI (- where it has none)
  sysno memfd_create --abi arm64   on one ABI (canonical names and common spellings)
  sysno 319 --abi x86_64           the syscall with number 319 on x86_64 (hex: 0x13f)
  sysno openat2 pidfd_open -a x86,aarch64
  sysno errno EDEADLK              its number and description on every ABI
  sysno errno 35 --abi mips        which errno 35 is on mips o32
  sysno list --abi riscv64         every syscall of riscv64, in number order
  sysno abis                       every ABI: Linux version, counts, history, audit arches
  sysno diff x86_64 aarch64        names only in one of them, and numbers that differ
  sysno memfd_create --json        the same as JSON (shapes: `sysno help json`)

Exit status: 0 on success, 1 when a name, number or ABI is unknown (with suggestions on
stderr), 2 on a usage error.";

const JSON_HELP: &str = "\
JSON output (--json): one document on stdout, pretty-printed, in these stable shapes.
Numbers are JSON numbers; `null` marks what an ABI lacks. ABIs appear in `sysno abis` order.

sysno NAME|NUMBER...  → an array, one element per query:
  [{\"query\": \"memfd_create\",
    \"results\": [{\"abi\": \"x86_64\", \"name\": \"memfd_create\", \"number\": 319,
                  \"signature\": null | {\"entry\": \"sys_memfd_create\",
                                         \"args\": [{\"name\": \"uname\", \"type\": \"const char *\"}, ...],
                                         \"registers\": 2},
                  \"since\": {\"by\": \"5.10\", \"generic\": \"3.17\"},
                  \"removed\": null},
                 {\"abi\": \"loongarch32\", \"name\": \"memfd_create\", \"number\": 279, ...,
                  \"since\": {\"after\": \"6.12\", \"by\": \"6.19\"}, \"removed\": null},
                 ...]}]
  (a number query has \"name\": null where the ABI has no syscall with that number)

  \"since\": since which Linux version the ABI has the syscall, from the kernels
  `cargo xtask history` sampled (Linux 5.10 to 7.3) and the man pages (the same shape as
  `cargo xtask export --json`); null where the history does not know it:
    {\"exact\": \"5.6\"}                   the man pages' version, inside the sampled interval
    {\"after\": \"6.13\", \"by\": \"6.19\"}    absent in the first sample, present in the second
    {\"by\": \"5.10\", \"generic\": \"3.17\"}  present in the ABI's oldest sample; \"generic\" (when
                                      known) is the man pages' version, not per ABI
  It is also given for an ABI that lacks the syscall today but had it once.
  \"removed\": {\"after\": \"6.12\", \"by\": \"6.19\"} when the ABI lost the syscall (last sample
  with it, first without it); null otherwise.

sysno errno NAME|NUMBER...  → an array, one element per query:
  [{\"query\": \"EDEADLK\",
    \"results\": [{\"abi\": \"x86_64\", \"name\": \"EDEADLK\", \"number\": 35,
                  \"description\": \"Resource deadlock would occur\"}, ...]}]

sysno list --abi A  → {\"abi\": \"x86_64\", \"linux_version\": \"7.3\",
                       \"syscalls\": [{\"name\": \"read\", \"number\": 0, \"signature\": null,
                                     \"since\": {\"by\": \"5.10\"}}, ...]}

sysno abis  → [{\"name\": \"x86_64\", \"linux_version\": \"7.3\", \"syscalls\": 385, \"errnos\": 136,
               \"native\": true, \"other_names\": [\"amd64\"],
               \"history\": {\"from\": \"5.10\", \"until\": \"7.3\", \"ends\": null},
               \"audit_arches\": [{\"name\": \"AUDIT_ARCH_X86_64\", \"value\": 3221225534}]}, ...]

  (\"history\": the first and last sampled Linux versions that have the ABI, and
   \"ends\": {\"after\": \"6.13\", \"by\": \"7.2\"} when the kernel dropped it)

sysno diff A B  → {\"a\": \"x86_64\", \"b\": \"aarch64\",
                   \"only_in_a\": [{\"name\": \"fork\", \"number\": 57}, ...],
                   \"only_in_b\": [{\"name\": \"renameat\", \"number\": 38}, ...],
                   \"different\": [{\"name\": \"read\", \"a\": 0, \"b\": 63}, ...],
                   \"same\": 123}
";

/// Look up Linux syscall numbers and errno values on any of the kernel's 31 ABIs.
///
/// With names or numbers and no command, prints each syscall's number (or each number's
/// syscall) on every ABI, or on those chosen with --abi. Names may carry a `SYS_` or `__NR_`
/// prefix; numbers are decimal or 0x-prefixed hex.
#[derive(Parser, Debug)]
#[command(
    name = "sysno",
    version,
    after_help = EXAMPLES,
    args_conflicts_with_subcommands = true,
    arg_required_else_help = true
)]
struct Cli {
    /// Syscall names or numbers to look up.
    #[arg(value_name = "NAME|NUMBER")]
    queries: Vec<String>,

    /// Only these ABIs (comma-separated or repeated): canonical names (`x86`) or common
    /// spellings (`i386`, `amd64`, `arm64`, `ppc64le`, `mipsel`…). Default: all 31.
    #[arg(short, long, global = true, value_delimiter = ',', value_name = "ABI")]
    abi: Vec<String>,

    /// Print JSON instead of text (shapes: `sysno help json`).
    #[arg(long, global = true)]
    json: bool,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Errno names and numbers, with the kernel's description, per ABI.
    Errno {
        /// Errno names (`EDEADLK`, any case) or numbers (`35`, `-35`, `0x23`).
        #[arg(
            value_name = "NAME|NUMBER",
            required = true,
            allow_negative_numbers = true
        )]
        queries: Vec<String>,
    },
    /// Every syscall of one ABI (--abi; default: the ABI sysno was built for), by number.
    List,
    /// Every ABI: Linux version, syscall and errno counts, audit arches, other spellings
    /// (Debian, Go, libseccomp, LLVM/Rust target arch); `(native)` marks sysno's own.
    Abis,
    /// Compare two ABIs: names only in one, and shared names whose numbers differ.
    Diff {
        /// The first ABI.
        a: String,
        /// The second ABI.
        b: String,
    },
}

fn main() -> ExitCode {
    // `sysno help json`: the JSON shapes (clap owns `help <subcommand>` otherwise).
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 3 && args[1] == "help" && args[2] == "json" {
        return finish(write_out(JSON_HELP));
    }
    let cli = Cli::parse();
    let abis = match commands::select_abis(&cli.abi) {
        Ok(abis) => abis,
        Err(e) => return fail(&e),
    };
    let out = match cli.command {
        None => commands::lookup(&cli.queries, &abis, cli.json),
        Some(Command::Errno { queries }) => commands::errno(&queries, &abis, cli.json),
        Some(Command::List) => commands::list(&cli.abi, cli.json),
        Some(Command::Abis) => commands::abis(&abis, cli.json),
        Some(Command::Diff { a, b }) => commands::diff(&a, &b, cli.json),
    };
    match out {
        Ok(text) => finish(write_out(&text)),
        Err(e) => fail(&e),
    }
}

/// Writes `text` to stdout in one go.
fn write_out(text: &str) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// Success, or quiet success when the reader went away (`sysno list | head -1`).
fn finish(result: io::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            let _ = writeln!(io::stderr(), "sysno: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

fn fail(e: &commands::Failure) -> ExitCode {
    let _ = writeln!(io::stderr(), "sysno: {e}");
    ExitCode::FAILURE
}
