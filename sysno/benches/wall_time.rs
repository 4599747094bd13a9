//! Wall time of `sysno` as a user runs it (a fresh process per lookup), against a baseline
//! measured in the same run: `/bin/true`, the cost of starting any process here.
//!
//! `cargo bench -p sysno` (a release build). Prints medians and ratios; the budget is
//! 5 ms for `sysno NAME`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARMUP: usize = 20;
const RUNS: usize = 300;

/// One run of `program args`, its wall time.
fn wall_time(program: &str, args: &[&str]) -> Duration {
    let t = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the program runs");
    let elapsed = t.elapsed();
    assert!(status.success(), "{program} {args:?} failed");
    elapsed
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once, quickly.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let sysno = env!("CARGO_BIN_EXE_sysno");
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("/bin/true", vec![]),
        (sysno, vec!["memfd_create"]),
        (sysno, vec!["1", "--abi", "i386"]),
        (sysno, vec!["errno", "EDEADLK"]),
        (sysno, vec!["memfd_create", "--json"]),
        (sysno, vec!["list", "--abi", "x86_64"]),
        (sysno, vec!["--version"]),
    ];
    // Round-robin, so that a burst of load on this shared machine hits every command alike.
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); commands.len()];
    for run in 0..WARMUP + RUNS {
        for (i, (program, args)) in commands.iter().enumerate() {
            let t = wall_time(program, args);
            if run >= WARMUP {
                times[i].push(t);
            }
        }
    }
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|t| {
            t.sort_unstable();
            t[t.len() / 2].as_secs_f64() * 1e3
        })
        .collect();
    for ((program, args), median) in commands.iter().zip(&medians) {
        let name = if *program == sysno {
            format!("sysno {}", args.join(" "))
        } else {
            program.to_string()
        };
        println!(
            "{name:<40} median {median:>7.3} ms  {:>5.2}x /bin/true",
            median / medians[0]
        );
    }
}
