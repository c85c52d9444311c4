//! The Rust API: a [`Client`] built once, its [`Connections`], typed parameters and answers, and
//! one [`Error`] type. Every value goes through the same validation as the npm package's, so
//! the rules, their order, the messages and the `field` paths are the same.

mod client;
mod connections;
mod error;
mod oauth;
mod params;

pub use client::{Client, ClientBuilder};
pub use connections::Connections;
pub use error::Error;
pub use oauth::{
    complete_oauth, connect_in_popup, redirect_to_auth_link, start_oauth, OAuthOutcome,
    OAuthStarted, PopupOptions, PopupOutcome,
};
pub use params::{
    CreateConnection, Documents, MetadataValue, RequestOptions, ResourcesQuery, WaitOptions,
};
