//! The one place `sysno` reads syscalls-sys: every lookup the commands need, over [`Abi`].
//!
//! Keeping them here means an API change in syscalls-sys is a change to this file only.

pub use syscalls_sys::Abi;

/// Every ABI, in syscalls-sys's order (the order of the generator's ABI table).
pub fn all() -> &'static [&'static Abi] {
    syscalls_sys::ABIS
}

/// The ABI named `name`: its canonical name or a common spelling (`i386`, `arm64`, …).
pub fn by_name(name: &str) -> Option<&'static Abi> {
    // TEMPORARY until syscalls-sys has `Abi::by_name`: canonical names only.
    all().iter().copied().find(|abi| abi.name() == name)
}

/// The number of syscall `name` on `abi`.
pub fn syscall_number(abi: &Abi, name: &str) -> Option<u64> {
    abi.number(name).map(|nr| nr as u64)
}

/// The name of syscall number `nr` on `abi`.
pub fn syscall_name(abi: &Abi, nr: u64) -> Option<&'static str> {
    usize::try_from(nr).ok().and_then(|nr| abi.name_of(nr))
}

/// Every `(name, number)` of `abi`, in number order.
pub fn syscalls(abi: &Abi) -> impl Iterator<Item = (&'static str, u64)> {
    abi.iter().map(|(name, nr)| (name, nr as u64))
}

/// The `AUDIT_ARCH_*` values whose syscalls use `abi`'s numbers, as `(name, value)`.
pub fn audit_arches(_abi: &Abi) -> &'static [(&'static str, u32)] {
    // TEMPORARY until syscalls-sys has `Abi::audit_arches`.
    &[]
}

/// A syscall's kernel signature on one ABI, when syscalls-sys was built with them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The kernel function the ABI's syscall table names (`sys_memfd_create`).
    pub entry: &'static str,
    /// The parameters as the kernel declares them: `(name, C type)`.
    pub args: Vec<(&'static str, &'static str)>,
    /// How many argument registers the arguments occupy on this ABI.
    pub registers: usize,
}

impl Signature {
    /// `memfd_create(const char *uname, unsigned int flags)`.
    pub fn c_text(&self, name: &str) -> String {
        let args: Vec<String> = self
            .args
            .iter()
            .map(|(name, ty)| {
                if ty.ends_with('*') {
                    format!("{ty}{name}")
                } else {
                    format!("{ty} {name}")
                }
            })
            .collect();
        let args = if args.is_empty() {
            "void".to_string()
        } else {
            args.join(", ")
        };
        format!("{name}({args})")
    }
}

/// The signature of syscall `name` on `abi`, when the tables carry signatures.
pub fn signature(_abi: &Abi, _name: &str) -> Option<Signature> {
    // Slot for syscalls-sys's `signatures` feature (`Abi::signature`), not merged yet.
    None
}

/// The kernel's description of error code `code` on `abi`.
pub fn errno_description(abi: &Abi, code: i32) -> Option<&'static str> {
    abi.errno_description(code)
}

/// The name of error code `code` on `abi`.
pub fn errno_name(abi: &Abi, code: i32) -> Option<&'static str> {
    abi.errno_name(code)
}

/// The code of error `name` on `abi`.
pub fn errno_number(abi: &Abi, name: &str) -> Option<i32> {
    abi.errno_number(name)
}

/// Every `(name, code, description)` of `abi`, in code order.
pub fn errnos(abi: &Abi) -> impl Iterator<Item = (&'static str, i32, &'static str)> {
    abi.errnos()
}
