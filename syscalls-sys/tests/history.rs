//! `Abi::introduced` and friends over the committed history (feature `history`), against
//! facts with their sources.
#![cfg(feature = "history")]

use syscalls_sys::{abi, history_samples, LinuxVersion, Since, ABIS};

fn v(major: u8, minor: u8) -> LinuxVersion {
    LinuxVersion::new(major, minor, 0)
}

#[test]
fn man_pages_versions_inside_the_sampled_interval_are_exact() {
    // futex_waitv(2) and cachestat(2), HISTORY: "Linux 5.16", "Linux 6.5".
    assert_eq!(
        abi::x86_64::ABI.introduced("futex_waitv"),
        Some(Since::Exact(v(5, 16)))
    );
    assert_eq!(
        abi::x86_64::ABI.introduced("cachestat"),
        Some(Since::Exact(v(6, 5)))
    );
    // memfd_create(2): "Linux 3.17", older than the oldest sample.
    assert_eq!(
        abi::x86_64::ABI.introduced("memfd_create"),
        Some(Since::AtOrBefore {
            by: v(5, 10),
            generic: Some(v(3, 17))
        })
    );
}

#[test]
fn every_syscall_of_every_abi_has_an_answer() {
    for a in ABIS {
        for (name, _) in a.syscalls() {
            let since = a.introduced(name);
            assert!(since.is_some(), "{} {name}", a.name());
            // Present in the ABI's own table version, whatever the kind.
            let table = a.linux_version();
            let mut parts = table.split('.').map(|p| p.parse::<u8>().unwrap());
            let linux = v(parts.next().unwrap(), parts.next().unwrap());
            assert_ne!(
                a.available_in(name, linux),
                Some(false),
                "{} {name}",
                a.name()
            );
        }
    }
}

#[test]
fn fchroot_is_new_in_7_3_and_s390_ends() {
    for a in ABIS {
        if a.ends().is_some() {
            continue;
        }
        assert_eq!(
            a.introduced("fchroot"),
            Some(Since::Range {
                after: v(7, 2),
                by: v(7, 3)
            }),
            "{}",
            a.name()
        );
        assert_eq!(a.available_in("fchroot", v(7, 2)), Some(false));
        assert_eq!(a.available_in("fchroot", v(7, 3)), Some(true));
    }
    // Linux 6.19 dropped s390's 31-bit ABI; the last sample with it is 6.13 (zig's headers).
    assert_eq!(abi::s390::ABI.ends(), Some((v(6, 13), v(7, 2))));
    assert_eq!(abi::s390::ABI.available_in("read", v(7, 3)), Some(false));
    assert_eq!(abi::s390x::ABI.ends(), None);
    // sh has no clone3 at all.
    assert_eq!(abi::sh::ABI.introduced("clone3"), None);
}

#[test]
fn availability_is_three_valued() {
    let aarch64 = &abi::aarch64::ABI;
    // cachestat: Linux 6.5. Known absent before, present after, whatever was sampled.
    assert_eq!(aarch64.available_in("cachestat", v(6, 4)), Some(false));
    assert_eq!(aarch64.available_in("cachestat", v(6, 5)), Some(true));
    // memfd_create: in 5.10 and documented since 3.17: before 3.17 no ABI had it; between
    // 3.17 and 5.10 this ABI may or may not have had it.
    assert_eq!(aarch64.available_in("memfd_create", v(3, 16)), Some(false));
    assert_eq!(aarch64.available_in("memfd_create", v(4, 0)), None);
    assert_eq!(aarch64.available_in("memfd_create", v(5, 10)), Some(true));
    assert_eq!(aarch64.available_in("no_such_call", v(7, 3)), None);
    let samples: Vec<String> = history_samples().map(|v| v.to_string()).collect();
    assert_eq!(
        samples,
        ["5.10", "5.16", "6.1", "6.3", "6.12", "6.13", "6.19", "7.2", "7.3"]
    );
    assert_eq!(v(6, 5).to_string(), "6.5");
    assert_eq!(LinuxVersion::new(2, 6, 27).to_string(), "2.6.27");
    assert_eq!(
        Since::AtOrBefore {
            by: v(5, 10),
            generic: Some(v(3, 17))
        }
        .to_string(),
        "<= 5.10 (generic 3.17)"
    );
}
