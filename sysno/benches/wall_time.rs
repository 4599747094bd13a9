//! Wall time of `sysno` as a user runs it (a fresh process per lookup), against a baseline
//! measured in the same run: `/bin/true`, the cost of starting any process here.
//!
//! `cargo bench -p sysno` (a release build). Prints medians and ratios; the budget is
//! 5 ms for `sysno NAME`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WARMUP: usize = 20;
const RUNS: usize = 300;

fn median_wall_time(program: &str, args: &[&str]) -> Duration {
    let run = || {
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
    };
    for _ in 0..WARMUP {
        run();
    }
    let mut times: Vec<Duration> = (0..RUNS).map(|_| run()).collect();
    times.sort_unstable();
    times[RUNS / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this once, quickly.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let sysno = env!("CARGO_BIN_EXE_sysno");
    let baseline = median_wall_time("/bin/true", &[]);
    println!(
        "{:<40} median {:>7.3} ms  (baseline)",
        "/bin/true",
        baseline.as_secs_f64() * 1e3
    );
    for args in [
        &["memfd_create"][..],
        &["1", "--abi", "i386"],
        &["errno", "EDEADLK"],
        &["memfd_create", "--json"],
        &["list", "--abi", "x86_64"],
        &["--version"],
    ] {
        let t = median_wall_time(sysno, args);
        println!(
            "{:<40} median {:>7.3} ms  {:>5.2}x baseline",
            format!("sysno {}", args.join(" ")),
            t.as_secs_f64() * 1e3,
            t.as_secs_f64() / baseline.as_secs_f64()
        );
    }
}
