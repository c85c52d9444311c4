//! supermemory-connections: connect a user's Notion, Google Drive, OneDrive, Gmail, GitHub, S3,
//! Granola or a web crawler to supermemory from a web page.
//!
//! This file declares the modules; the `npm` feature adds the `#[wasm_bindgen]` exports of the
//! npm package (`npm.rs`).
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod allow_list;
pub mod answer;
pub mod client;
pub mod connection_params;
pub mod create_params;
pub mod error;
pub mod guard;
pub mod headers;
pub mod input;
pub mod js_object;
mod num;
pub mod oauth;
pub mod operations;
pub mod options;
pub mod path;
mod prelude;
pub mod provider;
pub mod request;
pub mod response;
pub mod retry;
pub mod retry_hint;
pub mod rules;
pub mod shapes;
pub mod timer;
pub mod url;
pub mod value;

#[cfg(feature = "npm")]
mod npm;
#[cfg(test)]
mod test_support;
#[cfg(feature = "npm")]
pub use npm::*;
