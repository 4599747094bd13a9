//! `cargo bench -p memfd-demo --bench capture`: capture into sealed, mapped memfds against
//! `Command::output()` (pipes), in the same run, and against a naive memfd + `read()`.
//!
//! Every variant spawns the same child, `memfd-demo-writer N` (N pattern bytes in 64 KiB
//! `write(2)` calls), and the reader touches every byte it got (a checksum, compared with
//! the expected one); the `/bin/date` row spawns `/bin/date` in every variant. Each round
//! runs the variants in a rotating order; the tables show the median wall time of each
//! (spawn to checksum; then with the buffers dropped as well) and its ratio to the pipe's
//! median. Each row also shows
//! - the pipe's page faults: this process's minor faults in a pipe round (median), about
//!   N / 4 KiB when `output()`'s buffer is fresh memory, about 0 when the allocator recycled
//!   it from an earlier round;
//! - the other load: how many CPUs, on average, were busy with other processes while the row
//!   ran (`/proc/stat`'s busy time minus this process's and its children's CPU time), and
//!   how many the hypervisor stole. Capture maps the output on a second CPU while the
//!   command writes (see the crate docs); where none is free, it loses that.
//!
//! The first lines say what a memfd's pages are: base pages (4 KiB on x86_64), or huge
//! pages where the machine's shmem huge-page policy grants them
//! (`/sys/kernel/mm/transparent_hugepage/shmem_enabled` and its per-size files; a
//! machine-wide setting this benchmark only reads). Capture's cost is mostly the kernel
//! allocating, mapping and freeing the memfd's pages, once per page: with huge pages it is
//! a fraction of what it is with base pages.
//!
//! The allocator decides what the pipe's buffer costs. With glibc's defaults, `output()`'s
//! 16 MiB buffer comes from fresh memory or from heap pages recycled from an earlier round,
//! depending on what the process allocated and freed before (glibc raises its mmap threshold,
//! up to 32 MiB, after freeing a large block, and keeps freed heap memory), while every memfd
//! capture gets fresh pages from the kernel. So the 16 MiB row is measured three ways:
//! - with the default allocator, in the table of all rows (the fault column says which case
//!   it met);
//! - its floor: the child alone writing 16 MiB into a fresh memfd, spawn to exit, plus the
//!   checksum of the output once mapped (the mapping itself not counted, since capture maps
//!   while the child writes), against the pipe's and capture's rounds, interleaved, in the
//!   same allocator state: what no memfd capture can beat;
//! - with fresh memory for every heap buffer, as in a process that captures once: the row
//!   again in a fresh process of this benchmark (`--fresh-memory`) started with
//!   `MALLOC_MMAP_THRESHOLD_=131072` (glibc's initial threshold, fixed).
//!
//! Then peak memory: each variant runs once per size in a fresh process of this benchmark
//! (`--measure-peak VARIANT N`), which reports
//! - the true peak, from a memory cgroup made for it (cgroup v2 `memory.peak`, or v1
//!   `memory.max_usage_in_bytes`): everything charged while it ran, the child's writes
//!   into the memfd (shmem pages, charged to the writer's cgroup) and the parent's heap
//!   alike. Made as a child of this process's own memory cgroup and removed afterwards;
//!   "n/a" where that cannot be done (no write access, no memory controller);
//! - an estimate that needs no cgroup: the growth of the process's peak RSS (`VmHWM`) plus
//!   the memfd bytes it never mapped. A memfd's pages are not in anyone's RSS until mapped,
//!   so RSS alone would show the naive `read()` variant at N, not 2N.
//!
//! `MEMFD_BENCH_QUICK=1` runs fewer rounds (a smoke test, not a measurement);
//! `MEMFD_BENCH_ROWS=date,64KiB,16MiB,256MiB,1GiB` (any of them) runs only those rows of
//! the first table, and nothing else.
//!
//! The machine is noisy (another engineer's builds, a VM): run it several times, and read
//! the other-load column before the ratios.

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn main() {}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn main() {
    bench::main();
}

#[cfg(any(target_os = "linux", target_os = "android"))]
mod bench {
    use std::fs::File;
    use std::io::{Read, Seek, SeekFrom};
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use memfd_demo::pattern::{checksum, pattern_checksum};
    use memfd_demo::{capture, memfd};

    const WRITER: &str = env!("CARGO_BIN_EXE_memfd-demo-writer");
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    const GIB: u64 = 1024 * MIB;

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Variant {
        Pipe,
        Mmap,
        Read,
    }

    const VARIANTS: [Variant; 3] = [Variant::Pipe, Variant::Mmap, Variant::Read];

    impl Variant {
        fn name(self) -> &'static str {
            match self {
                Variant::Pipe => "pipe",
                Variant::Mmap => "memfd+mmap",
                Variant::Read => "memfd+read",
            }
        }

        fn parse(name: &str) -> Option<Variant> {
            VARIANTS.into_iter().find(|v| v.name() == name)
        }
    }

    /// What a row runs: the pattern writer with a size, or /bin/date.
    #[derive(Clone, Copy)]
    enum Child {
        Writer(u64),
        Date,
    }

    impl Child {
        fn command(self) -> Command {
            match self {
                Child::Writer(n) => {
                    let mut cmd = Command::new(WRITER);
                    cmd.arg(n.to_string());
                    cmd
                }
                Child::Date => Command::new("/bin/date"),
            }
        }

        fn label(self) -> String {
            match self {
                Child::Writer(n) => size_label(n),
                Child::Date => "/bin/date".into(),
            }
        }
    }

    fn size_label(n: u64) -> String {
        if n >= GIB {
            format!("{} GiB", n / GIB)
        } else if n >= MIB {
            format!("{} MiB", n / MIB)
        } else {
            format!("{} KiB", n / KIB)
        }
    }

    /// What the naive variant read, its memfds (held, like the other variants' buffers, until
    /// the release is timed), and the size of the stdout one.
    struct Naive {
        out: Vec<u8>,
        memfd_bytes: u64,
        _memfds: (File, File),
    }

    /// The naive variant: two memfds, spawn, wait, rewind, `read_to_end` (a copy).
    fn naive(child: Child) -> Naive {
        let (mut out, _) = memfd::create("bench:stdout").expect("memfd");
        let (err, _) = memfd::create("bench:stderr").expect("memfd");
        let status = child
            .command()
            .stdin(Stdio::null())
            .stdout(out.try_clone().expect("dup"))
            .stderr(err.try_clone().expect("dup"))
            .status()
            .expect("spawn");
        assert!(status.success(), "{status}");
        let memfd_bytes = out.metadata().expect("fstat").len();
        let mut data = Vec::new();
        out.seek(SeekFrom::Start(0)).expect("lseek");
        out.read_to_end(&mut data).expect("read");
        let mut errors = Vec::new();
        (&err).seek(SeekFrom::Start(0)).expect("lseek");
        (&err).read_to_end(&mut errors).expect("read");
        assert!(errors.is_empty());
        Naive {
            out: data,
            memfd_bytes,
            _memfds: (out, err),
        }
    }

    /// What a run of a variant produced: the checksum and length of stdout, and the buffers,
    /// still held (so that releasing them can be timed on its own).
    struct Ran {
        sum: u64,
        len: usize,
        held: Box<dyn std::any::Any>,
    }

    /// Runs `variant` once on `child`, checksumming stdout; calls `at_peak` while the output
    /// is still held with the memfd bytes that were never mapped (for the memory estimate).
    fn run_once(variant: Variant, child: Child, at_peak: &mut dyn FnMut(u64)) -> Ran {
        match variant {
            Variant::Pipe => {
                let output = child.command().output().expect("spawn");
                assert!(output.status.success(), "{}", output.status);
                let sum = checksum(&output.stdout);
                at_peak(0);
                Ran {
                    sum,
                    len: output.stdout.len(),
                    held: Box::new(output),
                }
            }
            Variant::Mmap => {
                // Stdin null, as `output()` has it.
                let mut cmd = child.command();
                cmd.stdin(Stdio::null());
                let captured = capture(&mut cmd).expect("capture");
                assert!(captured.status().success(), "{}", captured.status());
                assert!(captured.stdout().is_empty() || captured.stdout_buffer().is_mapped());
                let sum = checksum(captured.stdout());
                at_peak(0);
                Ran {
                    sum,
                    len: captured.stdout().len(),
                    held: Box::new(captured),
                }
            }
            Variant::Read => {
                let naive = naive(child);
                let sum = checksum(&naive.out);
                at_peak(naive.memfd_bytes);
                Ran {
                    sum,
                    len: naive.out.len(),
                    held: Box::new(naive),
                }
            }
        }
    }

    fn median(times: &mut [Duration]) -> Duration {
        times.sort();
        times[times.len() / 2]
    }

    fn fmt_duration(d: Duration) -> String {
        let s = d.as_secs_f64();
        if s >= 1.0 {
            format!("{s:.3} s")
        } else if s >= 1e-3 {
            format!("{:.2} ms", s * 1e3)
        } else {
            format!("{:.1} µs", s * 1e6)
        }
    }

    /// CPU time as the kernel counts it, to see how busy the machine was with other work.
    struct CpuSnapshot {
        at: Instant,
        /// Busy time of all CPUs (`/proc/stat`: user, nice, system, irq, softirq), in ticks.
        busy_ticks: u64,
        /// Time the hypervisor ran something else on our virtual CPUs, in ticks.
        steal_ticks: u64,
        /// Our own CPU time and our (reaped) children's.
        own: Duration,
    }

    fn timeval(tv: libc::timeval) -> Duration {
        Duration::from_secs(tv.tv_sec as u64) + Duration::from_micros(tv.tv_usec as u64)
    }

    fn rusage(who: libc::c_int) -> libc::rusage {
        // SAFETY: a zeroed rusage is a valid value for getrusage to fill in.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: `usage` is a valid, writable rusage for the call.
        unsafe { libc::getrusage(who, &mut usage) };
        usage
    }

    /// This process's minor page faults so far.
    fn minor_faults() -> u64 {
        rusage(libc::RUSAGE_SELF).ru_minflt as u64
    }

    impl CpuSnapshot {
        fn take() -> Option<CpuSnapshot> {
            let stat = std::fs::read_to_string("/proc/stat").ok()?;
            let fields: Vec<u64> = stat
                .lines()
                .next()?
                .strip_prefix("cpu ")?
                .split_whitespace()
                .map(|f| f.parse().ok())
                .collect::<Option<_>>()?;
            // user nice system idle iowait irq softirq steal …
            let field = |i: usize| fields.get(i).copied().unwrap_or(0);
            let own = [libc::RUSAGE_SELF, libc::RUSAGE_CHILDREN]
                .map(rusage)
                .iter()
                .map(|u| timeval(u.ru_utime) + timeval(u.ru_stime))
                .sum();
            Some(CpuSnapshot {
                at: Instant::now(),
                busy_ticks: field(0) + field(1) + field(2) + field(5) + field(6),
                steal_ticks: field(7),
                own,
            })
        }

        /// Since `earlier`: how many CPUs, on average, were busy with other processes than
        /// this benchmark and its children, and how many were stolen by the hypervisor.
        fn load_since(&self, earlier: &CpuSnapshot) -> (f64, f64) {
            // SAFETY: sysconf has no preconditions.
            let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
            let wall = (self.at - earlier.at).as_secs_f64().max(1e-9);
            let busy = self.busy_ticks.saturating_sub(earlier.busy_ticks) as f64 / hz;
            let own = (self.own.saturating_sub(earlier.own)).as_secs_f64();
            let steal = self.steal_ticks.saturating_sub(earlier.steal_ticks) as f64 / hz;
            (((busy - own) / wall).max(0.0), steal / wall)
        }
    }

    /// What a row measured: one line for each table.
    struct RowResult {
        use_line: String,
        total_line: String,
    }

    /// Runs every variant `rounds` times (rotating their order) on `child`, and formats the
    /// medians.
    fn run_row(child: Child, rounds: usize, goal: f64) -> RowResult {
        let expected = match child {
            Child::Writer(n) => Some(pattern_checksum(n)),
            Child::Date => None,
        };
        // One unmeasured round: page cache, binaries, allocator.
        for variant in VARIANTS {
            run_once(variant, child, &mut |_| {});
        }
        let before = CpuSnapshot::take();
        let mut uses: [Vec<Duration>; 3] = Default::default();
        let mut totals: [Vec<Duration>; 3] = Default::default();
        let mut pipe_faults = Vec::new();
        for round in 0..rounds {
            for k in 0..VARIANTS.len() {
                let which = (round + k) % VARIANTS.len();
                let faults = minor_faults();
                let start = Instant::now();
                let ran = run_once(VARIANTS[which], child, &mut |_| {});
                let used = start.elapsed();
                drop(ran.held);
                let total = start.elapsed();
                if VARIANTS[which] == Variant::Pipe {
                    pipe_faults.push(minor_faults() - faults);
                }
                uses[which].push(used);
                totals[which].push(total);
                if let (Some(expected), Child::Writer(n)) = (expected, child) {
                    assert_eq!(ran.len as u64, n, "{} length", VARIANTS[which].name());
                    assert_eq!(ran.sum, expected, "{} checksum", VARIANTS[which].name());
                }
            }
        }
        let load = match (before, CpuSnapshot::take()) {
            (Some(before), Some(after)) => {
                let (other, steal) = after.load_since(&before);
                if steal >= 0.005 {
                    format!("{other:.2} (+{steal:.2} stolen)")
                } else {
                    format!("{other:.2}")
                }
            }
            _ => "n/a".into(),
        };
        pipe_faults.sort_unstable();
        let pipe_faults = pipe_faults[pipe_faults.len() / 2];
        let [use_line, total_line] = [uses, totals].map(|times| {
            let [pipe, mmap, read] = times.map(|mut t| median(&mut t));
            let ratio = |d: Duration| d.as_secs_f64() / pipe.as_secs_f64();
            let verdict = if ratio(mmap) <= goal { "met" } else { "MISSED" };
            format!(
                "| {} | {rounds} | {} | {} | {:.2}× | ≤ {goal:.2}× {verdict} | {} | {:.2}× | {pipe_faults} | {load} |",
                child.label(),
                fmt_duration(pipe),
                fmt_duration(mmap),
                ratio(mmap),
                fmt_duration(read),
                ratio(read),
            )
        });
        RowResult {
            use_line,
            total_line,
        }
    }

    fn print_tables(rows: &[RowResult]) {
        for (title, total) in [
            ("median wall time, spawn to checksum done", false),
            (
                "median wall time including the release of the buffers",
                true,
            ),
        ] {
            println!("\n{title}\n");
            println!("| output | rounds | pipe (Command::output) | memfd+mmap (capture) | ratio | goal | memfd+read (naive) | ratio | pipe's page faults | other load (CPUs) |");
            println!("|---|---|---|---|---|---|---|---|---|---|");
            for row in rows {
                println!(
                    "{}",
                    if total {
                        &row.total_line
                    } else {
                        &row.use_line
                    }
                );
            }
        }
    }

    pub fn main() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        if let Some(i) = args.iter().position(|a| a == "--measure-peak") {
            measure_peak_child(&args[i + 1..]);
            return;
        }
        let quick = std::env::var_os("MEMFD_BENCH_QUICK").is_some_and(|v| v != "0");
        let rounds = |n: usize| if quick { 3 } else { n };
        if args.iter().any(|a| a == "--fresh-memory") {
            fresh_memory_child(rounds(61));
            return;
        }
        // (child, rounds, goal for capture's ratio to the pipe: issue 4's targets)
        let rows: [(Child, usize, f64); 5] = [
            // Many rounds where a round takes a millisecond: their medians move by a few
            // per cent from run to run with 51.
            (Child::Date, 301, 1.05),
            (Child::Writer(64 * KIB), 301, 1.05),
            (Child::Writer(16 * MIB), 61, 1.05),
            (Child::Writer(256 * MIB), 15, 0.85),
            (Child::Writer(GIB), 9, 0.70),
        ];
        println!("memfd-demo capture benchmark");
        println!("child: {WRITER} N (64 KiB writes), or /bin/date; every variant reads every byte");
        println!("use: spawn to checksum done; release: dropping the buffers afterwards");
        println!("pipe's page faults: this process's minor faults in a pipe round (median): about N / 4 KiB");
        println!(
            "  when output()'s buffer is fresh memory, about 0 when the allocator recycled it"
        );
        println!(
            "other load: CPUs busy with other processes meanwhile (/proc/stat minus our own CPU time), of {} online",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        println!("memfd page size: {}", shmem_huge_pages());
        println!("\n## the default allocator");
        // MEMFD_BENCH_ROWS=date,64KiB,…: only these rows (labels without spaces), and neither
        // the fresh-memory table nor the memory peaks.
        let only = std::env::var("MEMFD_BENCH_ROWS").ok();
        let wanted = |child: &Child| {
            only.as_ref().is_none_or(|only| {
                let label = child.label().replace(' ', "").replace("/bin/", "");
                only.split(',').any(|w| w.eq_ignore_ascii_case(&label))
            })
        };
        let results: Vec<RowResult> = rows
            .into_iter()
            .filter(|(child, _, _)| wanted(child))
            .map(|(child, n, goal)| run_row(child, rounds(n), goal))
            .collect();
        print_tables(&results);
        if only.is_none() {
            floor_table(rounds(61));
            fresh_memory_table();
            print_peak_memory();
        }
    }

    /// Where the kernel's policy for huge pages in shmem (memfds) is set.
    const SHMEM_HUGE: &str = "/sys/kernel/mm/transparent_hugepage";

    /// The selected value of a sysfs policy file (`always [never] …` → `never`).
    fn selected(path: &Path) -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        let start = text.find('[')? + 1;
        let end = start + text[start..].find(']')?;
        Some(text[start..end].to_owned())
    }

    /// What page size a memfd's writes get: the machine's shmem huge-page policy (the
    /// internal shmem mount's, which memfds use), overall and per size (`hugepages-*kB`,
    /// Linux 6.11 and later; a size set to `inherit` follows the overall value). With huge
    /// pages, the kernel allocates and frees a memfd's memory a large page at a time, which
    /// changes capture's cost per byte several times over; see the crate docs, "Why not a
    /// pipe".
    fn shmem_huge_pages() -> String {
        let dir = Path::new(SHMEM_HUGE);
        let Some(overall) = selected(&dir.join("shmem_enabled")) else {
            return format!("base pages (no {SHMEM_HUGE}/shmem_enabled: no shmem huge pages)");
        };
        // The values that give write(2) huge pages (advise only applies to memory mapped
        // with MADV_HUGEPAGE).
        let for_writes = |value: &str| matches!(value, "always" | "within_size" | "force");
        let mut sizes: Vec<(u64, String)> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let kib = name
                    .strip_prefix("hugepages-")?
                    .strip_suffix("kB")?
                    .parse()
                    .ok()?;
                let value = selected(&entry.path().join("shmem_enabled"))?;
                let value = if value == "inherit" {
                    overall.clone()
                } else {
                    value
                };
                Some((kib, value))
            })
            .collect();
        sizes.sort();
        let enabled: Vec<String> = if sizes.is_empty() {
            // Before 6.11: one setting, for the PMD size.
            for_writes(&overall)
                .then(|| format!("the PMD size ({overall})"))
                .into_iter()
                .collect()
        } else {
            sizes
                .iter()
                .filter(|(_, value)| for_writes(value))
                .map(|(kib, value)| format!("{kib} kB ({value})"))
                .collect()
        };
        let policy = format!("{SHMEM_HUGE}/shmem_enabled = {overall}");
        if enabled.is_empty() {
            format!("base pages ({policy}, no size enabled for writes: no huge pages in memfds)")
        } else {
            format!(
                "huge pages where they fit ({policy}; sizes: {})",
                enabled.join(", ")
            )
        }
    }

    /// The least any memfd capture of 16 MiB can take: the child writing into a fresh memfd
    /// (spawn to exit), plus reading the bytes once they are mapped (the mapping itself not
    /// counted: capture does it while the child writes); against the pipe's whole round and
    /// capture's, in the same allocator state as the table above.
    fn floor_table(rounds: usize) {
        let n = 16 * MIB;
        let child = Child::Writer(n);
        let floor = || {
            let (out, _) = memfd::create("bench:floor").expect("memfd");
            let start = Instant::now();
            let status = child
                .command()
                .stdin(Stdio::null())
                .stdout(out.try_clone().expect("dup"))
                .stderr(Stdio::null())
                .status()
                .expect("spawn");
            let wrote = start.elapsed();
            assert!(status.success(), "{status}");
            memfd::seal(&out).expect("seal");
            let len = usize::try_from(out.metadata().expect("fstat").len()).expect("size");
            assert_eq!(len as u64, n);
            // SAFETY: a fresh read-only mapping chosen by the kernel, of a memfd sealed
            // against writes and shrinking, `len` bytes long.
            let addr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_POPULATE,
                    std::os::fd::AsRawFd::as_raw_fd(&out),
                    0,
                )
            };
            assert_ne!(addr, libc::MAP_FAILED, "mmap");
            // SAFETY: the mapping above, live until the munmap below; its pages cannot
            // change (sealed).
            let bytes = unsafe { std::slice::from_raw_parts(addr.cast::<u8>(), len) };
            let start = Instant::now();
            let sum = checksum(bytes);
            let read = start.elapsed();
            // SAFETY: exactly the mapping made above; `bytes` is not used after this.
            unsafe { libc::munmap(addr, len) };
            assert_eq!(sum, pattern_checksum(n));
            wrote + read
        };
        let timed = |variant: Variant| {
            let start = Instant::now();
            let ran = run_once(variant, child, &mut |_| {});
            let took = start.elapsed();
            assert_eq!(ran.sum, pattern_checksum(n));
            took
        };
        floor();
        let mut times: [Vec<Duration>; 3] = Default::default();
        for round in 0..rounds {
            for k in 0..3 {
                let which = (round + k) % 3;
                times[which].push(match which {
                    0 => timed(Variant::Pipe),
                    1 => timed(Variant::Mmap),
                    _ => floor(),
                });
            }
        }
        let [pipe, mmap, floor] = times.map(|mut t| median(&mut t));
        let ratio = |d: Duration| d.as_secs_f64() / pipe.as_secs_f64();
        println!("\n### the floor at 16 MiB, in the allocator state above\n");
        println!("floor: the child alone writing into a fresh memfd (spawn to exit), plus the checksum of its");
        println!("output once mapped (the mapping not counted): what no memfd capture can beat\n");
        println!("| output | rounds | pipe (Command::output) | memfd+mmap (capture) | ratio | floor | ratio |");
        println!("|---|---|---|---|---|---|---|");
        println!(
            "| {} | {rounds} | {} | {} | {:.2}× | {} | {:.2}× |",
            child.label(),
            fmt_duration(pipe),
            fmt_duration(mmap),
            ratio(mmap),
            fmt_duration(floor),
            ratio(floor),
        );
    }

    /// The environment variable (and value) that fixes glibc's mmap threshold at its initial
    /// 128 KiB from the start of a process: every heap buffer of 128 KiB or more is then
    /// fresh memory from `mmap`, returned with `munmap` when freed.
    const FRESH_MEMORY_ENV: (&str, &str) = ("MALLOC_MMAP_THRESHOLD_", "131072");

    /// The 16 MiB row again, in a fresh process of this benchmark (`--fresh-memory`) where
    /// every heap buffer is fresh memory ([`FRESH_MEMORY_ENV`]): the pipe's buffer then
    /// costs what it costs a process that captures once, page faults included.
    fn fresh_memory_table() {
        let (name, value) = FRESH_MEMORY_ENV;
        println!("\n## fresh memory: {name}={value} (glibc)");
        let status = Command::new(std::env::current_exe().expect("current_exe"))
            .arg("--fresh-memory")
            .env(name, value)
            .status()
            .expect("spawn the fresh-memory run");
        assert!(status.success(), "fresh-memory run: {status}");
        println!();
        println!("With the default allocator, whether output() gets fresh memory depends on what the process");
        println!("allocated and freed before (glibc raises its mmap threshold when it frees a large block, and");
        println!("keeps freed heap memory): see the pipe's page faults. When its 16 MiB buffer is recycled");
        println!("(about 0 faults), capture cannot reliably match it: the floor above (the child writing into");
        println!("a fresh memfd, plus reading the output) already takes about as long as the pipe's whole");
        println!("round. Every capture needs new memfd pages (a sealed memfd can never be written again, so");
        println!(
            "it cannot be reused), and getting a new 4 KiB page costs more than copying one. Where"
        );
        println!(
            "memfds get huge pages (the page-size line at the top), the kernel allocates, maps and"
        );
        println!("frees them a huge page at a time, and the floor drops accordingly. See the crate docs,");
        println!("\"Why not a pipe\".");
    }

    /// `--fresh-memory`: the 16 MiB row, printed (run with [`FRESH_MEMORY_ENV`]).
    fn fresh_memory_child(rounds: usize) {
        print_tables(&[run_row(Child::Writer(16 * MIB), rounds, 1.05)]);
    }

    fn print_peak_memory() {
        println!("\n## peak memory of one capture, each in a fresh process (N = output size)\n");
        let cgroup = CgroupRoot::find();
        match &cgroup {
            Some(root) => println!(
                "true peak: a memory cgroup per run under {} ({})",
                root.dir.display(),
                root.kind_name()
            ),
            None => println!(
                "true peak: n/a (cannot create a memory cgroup here); only the estimate below"
            ),
        }
        println!("estimate: growth of VmHWM (peak RSS) + memfd bytes never mapped\n");
        println!("| output | variant | true peak (cgroup) | × N | estimate | × N |");
        println!("|---|---|---|---|---|---|");
        for n in [16 * MIB, 256 * MIB, GIB] {
            for variant in VARIANTS {
                let report = measure_peak(cgroup.as_ref(), variant, n);
                let times_n = |bytes: u64| bytes as f64 / n as f64;
                let (peak, peak_n) = match report.cgroup_peak {
                    Some(bytes) => (
                        format!("{:.0} MiB", bytes as f64 / MIB as f64),
                        format!("{:.2}", times_n(bytes)),
                    ),
                    None => ("n/a".into(), "".into()),
                };
                println!(
                    "| {} | {} | {peak} | {peak_n} | {:.0} MiB | {:.2} |",
                    size_label(n),
                    variant.name(),
                    report.estimate as f64 / MIB as f64,
                    times_n(report.estimate),
                );
            }
        }
    }

    /// Which cgroup interface can give us a per-run peak.
    enum CgroupKind {
        V2,
        V1,
    }

    /// Our own memory cgroup, under which a run gets a fresh child.
    struct CgroupRoot {
        dir: PathBuf,
        kind: CgroupKind,
    }

    impl CgroupRoot {
        fn kind_name(&self) -> &'static str {
            match self.kind {
                CgroupKind::V2 => "cgroup v2 memory.peak",
                CgroupKind::V1 => "cgroup v1 memory.max_usage_in_bytes",
            }
        }

        fn peak_file(&self) -> &'static str {
            match self.kind {
                CgroupKind::V2 => "memory.peak",
                CgroupKind::V1 => "memory.max_usage_in_bytes",
            }
        }

        /// Our cgroup, if a child of it with a peak counter can be made (tried once).
        fn find() -> Option<CgroupRoot> {
            let table = std::fs::read_to_string("/proc/self/cgroup").ok()?;
            let mut candidates = Vec::new();
            for line in table.lines() {
                let mut fields = line.splitn(3, ':');
                let (id, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
                let path = path.trim_start_matches('/');
                if id == "0" && controllers.is_empty() {
                    for mount in ["/sys/fs/cgroup", "/sys/fs/cgroup/unified"] {
                        candidates.push(CgroupRoot {
                            dir: Path::new(mount).join(path),
                            kind: CgroupKind::V2,
                        });
                    }
                } else if controllers.split(',').any(|c| c == "memory") {
                    candidates.push(CgroupRoot {
                        dir: Path::new("/sys/fs/cgroup/memory").join(path),
                        kind: CgroupKind::V1,
                    });
                }
            }
            candidates.into_iter().find(|root| {
                let probe = root
                    .dir
                    .join(format!("memfd-bench-probe-{}", std::process::id()));
                let ok = std::fs::create_dir(&probe).is_ok();
                let usable = ok && probe.join(root.peak_file()).exists();
                if ok {
                    let _ = std::fs::remove_dir(&probe);
                }
                usable
            })
        }
    }

    /// What a `--measure-peak` run found.
    struct PeakReport {
        cgroup_peak: Option<u64>,
        estimate: u64,
    }

    /// Runs `variant` on `n` bytes in a fresh process of this benchmark, in a fresh cgroup
    /// if we have one.
    fn measure_peak(root: Option<&CgroupRoot>, variant: Variant, n: u64) -> PeakReport {
        let exe = std::env::current_exe().expect("current_exe");
        let group = root.map(|root| {
            let dir = root.dir.join(format!(
                "memfd-bench-{}-{}-{n}",
                std::process::id(),
                variant.name().replace('+', "-")
            ));
            std::fs::create_dir(&dir).expect("create cgroup");
            (dir, root.peak_file())
        });
        let mut cmd = Command::new(exe);
        cmd.args(["--measure-peak", variant.name(), &n.to_string()]);
        if let Some((dir, peak_file)) = &group {
            cmd.args([dir.join("cgroup.procs"), dir.join(peak_file)]);
        }
        let output = cmd.output().expect("spawn measuring process");
        if let Some((dir, _)) = &group {
            // Its processes are gone; v1 moves any leftover charges to the parent.
            let _ = std::fs::remove_dir(dir);
        }
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        let field = |name: &str| -> Option<u64> {
            text.split_whitespace()
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
        };
        PeakReport {
            cgroup_peak: field("cgroup_peak"),
            estimate: field("estimate").expect("estimate"),
        }
    }

    /// A `/proc/self/status` field in bytes (`VmHWM:   1234 kB`).
    fn status_bytes(name: &str) -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
        status
            .lines()
            .find_map(|line| {
                let rest = line.strip_prefix(name)?.strip_prefix(':')?;
                rest.trim().strip_suffix("kB")?.trim().parse::<u64>().ok()
            })
            .expect("status field")
            * KIB
    }

    /// `--measure-peak VARIANT N [CGROUP_PROCS PEAK_FILE]`: one run, reported on stdout.
    fn measure_peak_child(args: &[String]) {
        let variant = Variant::parse(&args[0]).expect("variant");
        let n: u64 = args[1].parse().expect("size");
        let cgroup = args.get(2).zip(args.get(3));
        if let Some((procs, _)) = cgroup {
            std::fs::write(procs, std::process::id().to_string()).expect("join cgroup");
        }
        let expected = pattern_checksum(n);
        let rss_before = status_bytes("VmRSS");
        let mut estimate = 0;
        let ran = run_once(variant, Child::Writer(n), &mut |unmapped_memfd| {
            estimate = status_bytes("VmHWM").saturating_sub(rss_before) + unmapped_memfd;
        });
        assert_eq!((ran.sum, ran.len as u64), (expected, n));
        let cgroup_peak = cgroup.map(|(_, peak)| {
            let text = std::fs::read_to_string(peak).expect("peak");
            text.trim().parse::<u64>().expect("peak value")
        });
        match cgroup_peak {
            Some(peak) => println!("cgroup_peak={peak} estimate={estimate}"),
            None => println!("estimate={estimate}"),
        }
    }
}
