//! The mapper: one background thread that maps the output of running commands.
//!
//! [`capture`](crate::capture) hands its two buffers to the mapper ([`watch`]) while it
//! waits for the command in `wait(2)`, and takes them back ([`Watched::finish`]) once the
//! command has exited. Meanwhile, every [`TICK`], the mapper maps what the command has
//! written so far ([`Growing::advance`]), on a CPU that would otherwise be idle while the
//! command writes, so that little is left to map when it ends. At 1 GiB, that takes the
//! mapping (~150 ms) off the capture's wall time, wherever a second CPU is free: the capture
//! then takes about 3% longer than the command alone writing into a memfd.
//!
//! The thread is started by the first capture (about 25 µs, once), named `memfd-demo-map`,
//! and lives as long as the process. It backs off to one look every 64 ms at a capture whose
//! command writes little, keeps waking up every millisecond for [`LINGER`] after the last
//! capture ended, and then sleeps until the next one wakes it. A capture never waits for it,
//! except for the one step of mapping it may be in the middle of, which the capture would
//! otherwise have had to do itself.
//!
//! What was measured on the way here (a 2-vCPU VM, Linux 6.18; medians of same-run
//! comparisons):
//! - Waiting for the child's exit on a pidfd with a timeout (`ppoll`), so that the waiting
//!   thread could map in between, costs every capture about 20 µs: `wait(2)` is woken with a
//!   synchronous wakeup, on the CPU the child just left, a pidfd's waiter on its own, idle
//!   CPU. Handing the buffers to this thread costs about a microsecond, and waking it from
//!   its sleep about 12 µs (hence [`LINGER`]).
//! - Looking every 250 µs in steps of 256 KiB rather than every millisecond in steps of
//!   1 MiB leaves less to map at the end: 16 MiB captures, checksum included, took 0.2 to
//!   0.5 ms less (about 7.2 ms against 7.7 ms; the command alone, 6.3 ms), 1 GiB ones no
//!   longer.
//! - Preallocating the memfd's pages ahead of the child's writes from this thread
//!   (`fallocate(FALLOC_FL_KEEP_SIZE)` in 1 MiB steps, 16 MiB ahead, then the surplus cut
//!   off) would take the allocation off the child: its writes of 1 GiB into pages that
//!   exist take ~115 ms instead of ~345 ms. But tmpfs takes the same inode lock (`i_rwsem`)
//!   for `fallocate` as for `write`, so the two run one after the other, each spinning while
//!   the other holds the lock, and the child's part of the capture got slower: ~385 ms
//!   instead of ~340 ms, over three runs on a quiet machine.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use crate::debug::debug;
use crate::map::Growing;

/// The time between two looks at a capture whose command is writing (at least a step of
/// [`Growing`] between two looks).
const TICK: Duration = Duration::from_micros(250);

/// The longest time between two looks: the time doubles up to this while a command writes
/// less than a step between two looks.
const MAX_TICK: Duration = Duration::from_millis(64);

/// How long the mapper keeps waking up every [`LINGER_TICK`] after the last capture ended,
/// before it sleeps until woken: waking it costs the capture that does so about 12 µs (a
/// wakeup on another CPU, in a VM), whereas a capture that starts while it lingers need not
/// wake it, and gets its first look within [`LINGER_TICK`].
const LINGER: Duration = Duration::from_secs(1);

/// The time between two wakeups while the mapper lingers.
const LINGER_TICK: Duration = Duration::from_millis(1);

/// A buffer and the mapping being made of it.
pub(crate) type Stream = (File, Growing);

/// A capture the mapper looks after: its buffers (two, or one when merged), until the capture takes them back.
struct Job {
    streams: Mutex<Option<Vec<Stream>>>,
}

/// A job and when to look at it next.
struct Entry {
    job: Arc<Job>,
    due: Instant,
    interval: Duration,
}

/// What the mapper thread and the captures share.
struct State {
    jobs: Vec<Entry>,
    /// When the mapper thread will next look at its jobs on its own: `None` while it sleeps
    /// until woken (no jobs for [`LINGER`]).
    wakes_at: Option<Instant>,
    /// When the last job ended (or the thread started).
    last_job: Option<Instant>,
}

struct Mapper {
    state: Mutex<State>,
    wake: Condvar,
}

static MAPPER: Mapper = Mapper {
    state: Mutex::new(State {
        jobs: Vec::new(),
        wakes_at: None,
        last_job: None,
    }),
    wake: Condvar::new(),
};

/// Whether the mapper thread runs (started by the first call).
fn started() -> bool {
    static STARTED: OnceLock<bool> = OnceLock::new();
    *STARTED.get_or_init(|| {
        match std::thread::Builder::new()
            .name("memfd-demo-map".into())
            .spawn(run)
        {
            Ok(_) => true,
            Err(err) => {
                debug!("no mapper thread ({err}): outputs are mapped after their command ends");
                false
            }
        }
    })
}

/// Locks `mutex`, whether or not a thread panicked while holding it: nothing here leaves
/// the data inconsistent midway.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The mapper thread.
fn run() {
    // Signals sent to the process are for the program's own threads, whose handlers expect
    // them there: block them all here.
    // SAFETY: a zeroed sigset_t is valid storage for sigfillset to fill in; pthread_sigmask
    // only changes this thread's mask (the C library keeps its own signals unblocked).
    unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_BLOCK, &all, std::ptr::null_mut());
    }
    let mut state = lock(&MAPPER.state);
    loop {
        let now = Instant::now();
        let due: Vec<Arc<Job>> = state
            .jobs
            .iter()
            .filter(|entry| entry.due <= now)
            .map(|entry| Arc::clone(&entry.job))
            .collect();
        // Registering jobs need not wake us while we are at it.
        state.wakes_at = Some(now);
        drop(state);
        let progress: Vec<bool> = due.iter().map(|job| look_at(job)).collect();
        state = lock(&MAPPER.state);
        let now = Instant::now();
        for (job, progressed) in due.iter().zip(progress) {
            if let Some(entry) = state.jobs.iter_mut().find(|e| Arc::ptr_eq(&e.job, job)) {
                entry.interval = if progressed {
                    TICK
                } else {
                    (entry.interval * 2).min(MAX_TICK)
                };
                entry.due = now + entry.interval;
            }
        }
        drop(due);
        let next = match state.jobs.iter().map(|entry| entry.due).min() {
            Some(due) => Some(due),
            None => {
                let last = *state.last_job.get_or_insert(now);
                (now.saturating_duration_since(last) < LINGER).then_some(now + LINGER_TICK)
            }
        };
        state.wakes_at = next;
        state = match next {
            None => MAPPER
                .wake
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner),
            Some(next) => {
                let timeout = next.saturating_duration_since(now);
                MAPPER
                    .wake
                    .wait_timeout(state, timeout)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
        };
    }
}

/// Maps what a job's command has written since the last look; returns whether there was
/// enough to map.
fn look_at(job: &Job) -> bool {
    let mut streams = lock(&job.streams);
    let Some(streams) = streams.as_mut() else {
        // Taken back: the command has ended.
        return false;
    };
    let mut progressed = false;
    for (file, growing) in streams.iter_mut() {
        if let Ok(meta) = file.metadata() {
            progressed |= growing.advance(file, meta.len(), meta.blocks().saturating_mul(512));
        }
    }
    progressed
}

/// Two buffers of a running command, looked after by the mapper or not.
pub(crate) struct Watched {
    /// The mapper's job (`None` once taken back).
    job: Option<Arc<Job>>,
    /// The buffers themselves, when the mapper does not have them: no memfd among them, or
    /// no mapper thread.
    alone: Option<Vec<Stream>>,
}

/// Hands `streams` to the mapper while their command runs (if any of them can be mapped
/// early and the mapper thread runs).
pub(crate) fn watch(streams: Vec<Stream>) -> Watched {
    if !streams.iter().any(|(_, growing)| growing.can_grow()) || !started() {
        return Watched {
            job: None,
            alone: Some(streams),
        };
    }
    let job = Arc::new(Job {
        streams: Mutex::new(Some(streams)),
    });
    let now = Instant::now();
    let mut state = lock(&MAPPER.state);
    state.jobs.push(Entry {
        job: Arc::clone(&job),
        due: now,
        interval: TICK,
    });
    // Wake the mapper only if it would not look by itself soon.
    let wake = state.wakes_at.is_none_or(|at| at > now + LINGER_TICK);
    drop(state);
    if wake {
        MAPPER.wake.notify_one();
    }
    Watched {
        job: Some(job),
        alone: None,
    }
}

impl Watched {
    /// Takes the buffers back (once the command has ended), with what was mapped of them.
    pub(crate) fn finish(mut self) -> Vec<Stream> {
        if let Some(streams) = self.alone.take() {
            return streams;
        }
        self.job
            .take()
            .and_then(|job| forget(&job))
            // `watch` sets one of the two, and only `finish`, which consumes `self`, takes.
            .expect("the buffers are taken back once")
    }
}

/// Takes a job's buffers back (waiting for the step of mapping the mapper may be in the
/// middle of) and removes it from the mapper's list.
///
/// After this, nothing of the mapper touches the buffers, and in particular no
/// `MADV_POPULATE_READ` holds references to their pages while the capture seals them
/// (`F_SEAL_WRITE` waits for such references to go, and fails with `EBUSY` if they stay).
fn forget(job: &Arc<Job>) -> Option<Vec<Stream>> {
    let streams = lock(&job.streams).take();
    let mut state = lock(&MAPPER.state);
    state.jobs.retain(|entry| !Arc::ptr_eq(&entry.job, job));
    state.last_job = Some(Instant::now());
    streams
}

impl Drop for Watched {
    fn drop(&mut self) {
        // A capture that failed before `finish` (the wait failed): its buffers are closed
        // here, not kept open by the mapper's list.
        if let Some(job) = self.job.take() {
            drop(forget(&job));
        }
    }
}
