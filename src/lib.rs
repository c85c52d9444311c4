//! Connect your users' Notion, Google Drive, OneDrive, Gmail, GitHub, S3 or Granola accounts, or
//! a web crawler, to [supermemory](https://supermemory.ai) from a Rust web frontend (Leptos,
//! Dioxus, Yew) compiled to WebAssembly.
//!
//! A [`Client`] is built once; every setting is checked by [`ClientBuilder::build`].
//! [`Client::connections`] has the eleven operations of `/v3/connections`; each checks its
//! parameters before anything is sent, calls the browser's `fetch` (with a timeout per attempt,
//! retries and an optional abort signal; dropping the future aborts the request), and reads the
//! answer into a typed struct. Every failure is one [`Error`] with an [`ErrorCode`].
//!
//! ```no_run
//! use std::time::Duration;
//! use supermemory_connections::{Client, CreateConnection, Error, ErrorCode, Provider};
//!
//! async fn connect_notion() -> Result<(), Error> {
//!     let client = Client::builder()
//!         .base_url("/api/supermemory") // your backend proxy, which adds the API key
//!         .timeout(Duration::from_secs(20))
//!         .max_retries(2)
//!         .build()?;
//!     let created = client
//!         .connections()
//!         .create(
//!             Provider::Notion,
//!             CreateConnection::new()
//!                 .redirect_url("https://app.example.com/connected")
//!                 .container_tags(["user_123", "project_alpha"])
//!                 .document_limit(5000)
//!                 .metadata("team", "growth"),
//!         )
//!         .await?;
//!     if let Some(link) = &created.auth_link {
//!         // Send the user to the provider's consent page (see `redirect_to_auth_link`).
//!         let _ = link;
//!     }
//!     match client.connections().get_by_id(&created.id).await {
//!         Ok(connection) => assert_eq!(connection.provider, "notion"),
//!         Err(error) if error.code() == ErrorCode::NotFound => {}
//!         Err(error) => return Err(error),
//!     }
//!     Ok(())
//! }
//! ```
//!
//! The same rules, order and messages apply as in the npm package built from this crate (the
//! `npm` feature adds its JavaScript exports). Outside wasm (server rendering) the crate
//! compiles and a call returns `ErrorCode::Connection` ("no fetch outside the browser").
#![cfg_attr(not(test), no_std)]

extern crate alloc;

#[macro_use]
mod text;

pub(crate) mod allow_list;
pub(crate) mod answer;
mod answers;
mod api;
pub(crate) mod connection_params;
pub(crate) mod create_params;
pub(crate) mod error;
pub(crate) mod guard;
pub(crate) mod headers;
pub(crate) mod input;
pub(crate) mod js_object;
mod num;
pub(crate) mod oauth;
pub(crate) mod operations;
pub(crate) mod options;
pub(crate) mod path;
pub(crate) mod popup;
mod prelude;
pub(crate) mod provider;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod retry_hint;
pub(crate) mod rules;
pub(crate) mod shapes;
pub(crate) mod transport;
pub(crate) mod url;
pub(crate) mod value;

pub use answers::{
    Configured, Connection, CreatedConnection, DeletedConnection, Document, Resources,
    SyncErrorCode, SyncRun,
};
pub use api::{
    complete_oauth, connect_in_popup, redirect_to_auth_link, start_oauth, Client, ClientBuilder,
    Connections, CreateConnection, Documents, Error, MetadataValue, OAuthOutcome, OAuthStarted,
    PopupOptions, PopupOutcome, RequestOptions, ResourcesQuery, WaitOptions,
};
pub use error::ErrorCode;
pub use provider::Provider;

/// The JavaScript exports of the npm package (the `npm` feature): its build and its tests use
/// them; a Rust app uses the API above.
#[cfg(feature = "npm")]
#[doc(hidden)]
pub mod npm;

#[cfg(all(test, not(target_arch = "wasm32")))]
mod properties_tests;
#[cfg(test)]
mod test_support;
