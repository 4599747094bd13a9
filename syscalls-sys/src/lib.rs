//! Linux syscall numbers and errno values for every kernel ABI, generated from the kernel's
//! UAPI headers by `cargo xtask gen`.
#![no_std]
#![deny(missing_docs)]

pub mod abi;
mod table;
pub mod uapi;

pub use abi::ABIS;
pub use table::Abi;

abi::cfg_native! {
    pub use abi::native::*;

    /// The syscall ABI of the target this crate is compiled for.
    pub const NATIVE: &Abi = &abi::native::ABI;
}
