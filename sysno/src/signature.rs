//! Syscall signatures, where syscalls-sys has them: the one place `sysno` reads them.

use syscalls_sys::Abi;

/// A syscall's kernel signature on one ABI.
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

/// The signature of syscall `name` on `abi`, from syscalls-sys's `signatures` feature: `None`
/// for names the ABI lacks, reserved numbers and the few entries whose parameters the kernel
/// declares nowhere (codegen/signatures-unresolved.txt lists them).
pub fn signature(abi: &Abi, name: &str) -> Option<Signature> {
    let s = abi.signature(name)?;
    Some(Signature {
        entry: s.entry(),
        args: s.args().map(|a| (a.name(), a.ty())).collect(),
        registers: s.registers(),
    })
}
