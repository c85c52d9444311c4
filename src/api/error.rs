//! The Rust API's error: what went wrong, where, and what the server said, in words that never
//! carry a secret. `Send + Sync`, so it boxes into `anyhow` or `Box<dyn Error + Send + Sync>`.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;
use core::time::Duration;

use alloc::boxed::Box;

use crate::error::ErrorCode;

/// A failed call, or a value refused before anything was sent.
///
/// ```
/// use supermemory_connections::{Client, ErrorCode};
///
/// let error = Client::builder()
///     .base_url("https://proxy.example.com/api/supermemory")
///     .max_retries(11)
///     .build()
///     .unwrap_err();
/// assert_eq!(error.code(), ErrorCode::InvalidRequest);
/// assert_eq!(error.field(), Some("maxRetries"));
/// assert_eq!(error.to_string(), "maxRetries must be an integer from 0 to 10");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Error {
    /// Boxed: a `Result<T, Error>` stays small.
    inner: Box<Parts>,
}

#[derive(Debug, Clone, PartialEq)]
struct Parts {
    code: ErrorCode,
    message: String,
    field: Option<String>,
    status: Option<u16>,
    details: Option<String>,
    retry_after: Option<f64>,
}

impl Error {
    /// What went wrong.
    pub fn code(&self) -> ErrorCode {
        self.inner.code
    }

    /// The message: what happened and what to do, without any secret.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// For a value refused before sending, its path as the API names it: `containerTags[0]`,
    /// `metadata.startUrl`, `timeout`.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The HTTP status, when the API answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The API's `details`, when it sent any.
    pub fn details(&self) -> Option<&str> {
        self.inner.details.as_deref()
    }

    /// How long the API asked to wait before trying again (`retry-after-ms`, `Retry-After` or
    /// the body's `retryAfterSeconds`), when it said; it can be a fraction of a second.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner
            .retry_after
            .and_then(|seconds| Duration::try_from_secs_f64(seconds).ok())
    }

    /// True for an attempt that took longer than the timeout.
    pub fn is_timeout(&self) -> bool {
        self.inner.code == ErrorCode::Timeout
    }

    /// True when the request could not be sent or its answer could not be read.
    pub fn is_connection(&self) -> bool {
        self.inner.code == ErrorCode::Connection
    }

    /// True for a value refused before anything was sent.
    pub fn is_invalid_request(&self) -> bool {
        self.inner.code == ErrorCode::InvalidRequest
    }

    /// True when the API answered with a status that is not 2xx.
    pub fn is_status(&self) -> bool {
        self.inner.status.is_some() && self.inner.code != ErrorCode::InvalidResponse
    }
}

impl From<crate::error::Error> for Error {
    fn from(error: crate::error::Error) -> Error {
        let error = error.into_parts();
        Error {
            inner: Box::new(Parts {
                code: error.code,
                message: error.message,
                field: error.field,
                status: error.status,
                details: error.details,
                retry_after: error.retry_after,
            }),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.inner.message)
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync + 'static>() {}

    #[test]
    fn it_keeps_every_part_and_boxes_as_a_std_error() {
        assert_send_sync::<Error>();
        let mut inner =
            crate::error::Error::new(ErrorCode::RateLimited, "slow down").with_status(429);
        inner.retry_after = Some(1.5);
        inner.details = Some("quota".into());
        let error = Error::from(inner);
        assert_eq!(error.code(), ErrorCode::RateLimited);
        assert_eq!(error.code().as_str(), "rate_limited");
        assert_eq!(error.status(), Some(429));
        assert_eq!(error.details(), Some("quota"));
        assert_eq!(error.retry_after(), Some(Duration::from_millis(1500)));
        assert!(error.is_status());
        assert!(!error.is_timeout());
        let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(error);
        assert_eq!(boxed.to_string(), "slow down");
        let invalid = Error::from(crate::error::Error::invalid("containerTags[0]", "bad tag"));
        assert_eq!(invalid.field(), Some("containerTags[0]"));
        assert!(invalid.is_invalid_request());
        let mut negative = crate::error::Error::new(ErrorCode::ServerError, "x");
        negative.retry_after = Some(-1.0);
        assert_eq!(Error::from(negative).retry_after(), None);
    }
}
