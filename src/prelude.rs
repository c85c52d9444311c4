//! What `std`'s prelude would bring, for a `no_std` crate with `alloc`: glob-imported by every
//! module.
pub(crate) use alloc::string::{String, ToString};
pub(crate) use alloc::vec;
pub(crate) use alloc::vec::Vec;
