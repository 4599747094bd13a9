//! `AUDIT_ARCH` against the running kernel, asked two ways it cannot fake: a tracer's
//! `PTRACE_GET_SYSCALL_INFO` (the exact value), and a seccomp filter that compares
//! `seccomp_data.arch` with `AUDIT_ARCH` and answers each outcome with a different errno.
//!
//! qemu-user (the cross tests) implements neither ptrace nor seccomp; there the tests say so
//! on stderr and check nothing else. Every native run checks for real.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use std::mem::{offset_of, size_of};

use syscalls_sys::{
    syscall, Errno, SYS_exit_group, SYS_getppid, SYS_kill, SYS_prctl, SYS_ptrace, AUDIT_ARCH,
    NATIVE,
};

/// Runs `child` in a forked child process and exits it with the code `child` returns; returns
/// the child's pid. The child runs only raw syscalls: nothing that allocates or locks.
fn fork(child: impl FnOnce() -> i32) -> libc::pid_t {
    // SAFETY: the child only issues raw syscalls (async-signal-safe) and exits.
    match unsafe { libc::fork() } {
        -1 => panic!("fork: {}", std::io::Error::last_os_error()),
        0 => exit(child()),
        pid => pid,
    }
}

/// `exit_group(code)` without running anything of the parent's runtime.
fn exit(code: i32) -> ! {
    // SAFETY: exit_group ends the process; nothing of it runs afterwards.
    let _ = unsafe { syscall!(SYS_exit_group, code) };
    unreachable!("exit_group returned")
}

/// Waits for `pid` and returns its wait status.
fn wait(pid: libc::pid_t) -> i32 {
    let mut status = 0;
    // SAFETY: `status` is valid for writes; `pid` is our child.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::__WALL) };
    assert_eq!(r, pid, "waitpid: {}", std::io::Error::last_os_error());
    status
}

#[test]
fn audit_arch_is_what_the_kernel_reports_to_a_tracer() {
    let pid = fork(|| {
        // SAFETY: PTRACE_TRACEME touches no memory.
        let traced = unsafe { syscall!(SYS_ptrace, libc::PTRACE_TRACEME, 0, 0, 0) };
        if traced.is_err() {
            return 3;
        }
        // Stop, so that the parent can ask for syscall stops; then make one syscall.
        // SAFETY: kill and getppid touch no memory.
        unsafe {
            let me = syscall!(syscalls_sys::SYS_getpid).unwrap_or(0);
            let _ = syscall!(SYS_kill, me, libc::SIGSTOP);
            let _ = syscall!(SYS_getppid);
        }
        0
    });
    let status = wait(pid);
    if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 3 {
        eprintln!("ptrace is not available here (qemu-user?): AUDIT_ARCH not checked by ptrace");
        return;
    }
    assert!(libc::WIFSTOPPED(status), "status {status:#x}");
    // SAFETY: `pid` is our traced, stopped child; these requests read or write no memory
    // of ours.
    unsafe {
        assert_eq!(
            libc::ptrace(libc::PTRACE_SETOPTIONS, pid, 0, libc::PTRACE_O_TRACESYSGOOD),
            0
        );
        assert_eq!(libc::ptrace(libc::PTRACE_SYSCALL, pid, 0, 0), 0);
    }
    let status = wait(pid);
    assert!(
        libc::WIFSTOPPED(status) && libc::WSTOPSIG(status) == libc::SIGTRAP | 0x80,
        "expected a syscall stop, got status {status:#x}"
    );
    // SAFETY: all-zero bytes are a valid `ptrace_syscall_info` (integers only).
    let mut info: libc::ptrace_syscall_info = unsafe { std::mem::zeroed() };
    // SAFETY: `info` is valid for writes of the size given; `pid` is stopped at a syscall.
    let len = unsafe {
        libc::ptrace(
            libc::PTRACE_GET_SYSCALL_INFO,
            pid,
            size_of::<libc::ptrace_syscall_info>(),
            &mut info as *mut libc::ptrace_syscall_info,
        )
    };
    assert!(
        len > 0,
        "PTRACE_GET_SYSCALL_INFO: {}",
        std::io::Error::last_os_error()
    );
    assert_ne!(info.op, libc::PTRACE_SYSCALL_INFO_NONE);
    let reported = info.arch;
    // SAFETY: `pid` is our child; killing and reaping it touches no memory of ours.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
    wait(pid);
    assert_eq!(
        AUDIT_ARCH, reported,
        "the kernel reports {reported:#x} for this process, syscalls-sys says {AUDIT_ARCH:#x}"
    );
    assert!(NATIVE.audit_arches().any(|(_, value)| value == reported));
}

/// A classic BPF statement.
fn stmt(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

/// A classic BPF conditional jump.
fn jump(code: u32, k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    }
}

#[test]
fn audit_arch_is_what_a_seccomp_filter_sees() {
    let (on_match, on_mismatch) = (Errno::EXDEV, Errno::ENOTBLK);
    let errno = |e: Errno| libc::SECCOMP_RET_ERRNO | e.raw() as u32;
    let nr = SYS_getppid as u32;
    // getppid fails with EXDEV when `arch` is AUDIT_ARCH, ENOTBLK otherwise; every other
    // syscall is allowed.
    let filter = [
        stmt(
            libc::BPF_LD | libc::BPF_W | libc::BPF_ABS,
            offset_of!(libc::seccomp_data, nr) as u32,
        ),
        jump(libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K, nr, 1, 0),
        stmt(libc::BPF_RET | libc::BPF_K, libc::SECCOMP_RET_ALLOW),
        stmt(
            libc::BPF_LD | libc::BPF_W | libc::BPF_ABS,
            offset_of!(libc::seccomp_data, arch) as u32,
        ),
        jump(
            libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K,
            AUDIT_ARCH,
            0,
            1,
        ),
        stmt(libc::BPF_RET | libc::BPF_K, errno(on_match)),
        stmt(libc::BPF_RET | libc::BPF_K, errno(on_mismatch)),
    ];
    let program = libc::sock_fprog {
        len: filter.len() as u16,
        filter: filter.as_ptr() as *mut libc::sock_filter,
    };
    let pid = fork(|| {
        // SAFETY: PR_SET_NO_NEW_PRIVS reads no memory; PR_SET_SECCOMP reads `program` and
        // the filter it points to, both alive in this (forked) copy of the parent's memory.
        let installed = unsafe {
            syscall!(SYS_prctl, libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0).and_then(|_| {
                syscall!(
                    SYS_prctl,
                    libc::PR_SET_SECCOMP,
                    libc::SECCOMP_MODE_FILTER,
                    &program as *const libc::sock_fprog
                )
            })
        };
        if installed.is_err() {
            return 100;
        }
        // SAFETY: getppid touches no memory.
        match unsafe { syscall!(SYS_getppid) } {
            Err(e) if e == on_match => 1,
            Err(e) if e == on_mismatch => 2,
            _ => 3,
        }
    });
    let status = wait(pid);
    assert!(libc::WIFEXITED(status), "status {status:#x}");
    match libc::WEXITSTATUS(status) {
        1 => {}
        100 => eprintln!("seccomp filters are not available here (qemu-user?): not checked"),
        2 => panic!("the kernel's seccomp_data.arch is not AUDIT_ARCH = {AUDIT_ARCH:#x}"),
        other => panic!("the filter did not run (child exited {other})"),
    }
}
