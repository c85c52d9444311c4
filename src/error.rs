//! The package's one error type and its conversion into the record the JS wrapper turns into a
//! `SupermemoryError`.

#[allow(unused_imports)]
use crate::prelude::*;

use alloc::boxed::Box;
use core::fmt;

use wasm_bindgen::JsValue;

/// What went wrong: the code of an [`Error`](crate::Error), named as the npm package's
/// `SupermemoryError.code` names it ([`ErrorCode::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// Validation failed before any I/O.
    InvalidRequest,
    /// An API key was given in a browser without `dangerouslyAllowBrowser: true`.
    BrowserKeyExposure,
    /// HTTP 400.
    BadRequest,
    /// HTTP 401.
    Authentication,
    /// HTTP 402: plan or quota.
    PaymentRequired,
    /// HTTP 403.
    PermissionDenied,
    /// HTTP 404.
    NotFound,
    /// HTTP 409.
    Conflict,
    /// HTTP 422.
    Unprocessable,
    /// HTTP 429.
    RateLimited,
    /// HTTP 5xx.
    ServerError,
    /// Any other non-2xx status.
    ApiError,
    /// The request could not be sent or its answer could not be read.
    Connection,
    /// An attempt took longer than the timeout.
    Timeout,
    /// The caller's signal aborted the call.
    Aborted,
    /// A 2xx answer that is not what the API documents.
    InvalidResponse,
    /// An `authLink` refused by the OAuth helpers.
    UnsafeRedirect,
    /// The browser blocked the popup of `connectInPopup` (nothing was created).
    PopupBlocked,
    /// The person closed the popup before it came back.
    PopupClosed,
}

impl ErrorCode {
    /// The code as the npm package names it (`"invalid_request"`, `"rate_limited"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::BrowserKeyExposure => "browser_key_exposure",
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Authentication => "authentication",
            ErrorCode::PaymentRequired => "payment_required",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::Unprocessable => "unprocessable",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ServerError => "server_error",
            ErrorCode::ApiError => "api_error",
            ErrorCode::Connection => "connection",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::InvalidResponse => "invalid_response",
            ErrorCode::UnsafeRedirect => "unsafe_redirect",
            ErrorCode::PopupBlocked => "popup_blocked",
            ErrorCode::PopupClosed => "popup_closed",
        }
    }

    /// The code for a non-2xx HTTP status.
    #[doc(hidden)]
    pub fn for_status(status: u16) -> ErrorCode {
        match status {
            400 => ErrorCode::BadRequest,
            401 => ErrorCode::Authentication,
            402 => ErrorCode::PaymentRequired,
            403 => ErrorCode::PermissionDenied,
            404 => ErrorCode::NotFound,
            409 => ErrorCode::Conflict,
            422 => ErrorCode::Unprocessable,
            429 => ErrorCode::RateLimited,
            500..=599 => ErrorCode::ServerError,
            _ => ErrorCode::ApiError,
        }
    }
}

/// A failed call: what went wrong, and where, in words that never carry a secret. Boxed, so
/// that the many `Result`s that carry it stay one word wide.
pub struct Error(Box<Failure>);

/// The parts of an [`Error`], reached through it as fields (`error.code`, `error.message`).
#[derive(Debug)]
pub struct Failure {
    /// The error code.
    pub code: ErrorCode,
    /// A short message saying what to do.
    pub message: String,
    /// The HTTP status, when there was a response.
    pub status: Option<u16>,
    /// The option's path as written, for validation errors.
    pub field: Option<String>,
    /// The API's `details`, when it sent any.
    pub details: Option<String>,
    /// Seconds the API asked to wait before trying again.
    pub retry_after: Option<f64>,
    /// The underlying JavaScript error or abort reason.
    pub cause: Option<JsValue>,
}

impl Error {
    /// An error with only a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Error {
        Error(Box::new(Failure {
            code,
            message: message.into(),
            status: None,
            field: None,
            details: None,
            retry_after: None,
            cause: None,
        }))
    }

    /// The parts, moved out.
    pub fn into_parts(self) -> Failure {
        *self.0
    }

    /// A validation error about the option at `field`.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
        let mut error = Error::new(ErrorCode::InvalidRequest, message);
        error.field = Some(field.into());
        error
    }

    /// A validation error about `field` whose message is the field's name and then `rest`.
    #[inline(never)]
    pub fn invalid_at(field: &str, rest: &str) -> Error {
        Error::invalid(field, text!(field, rest))
    }

    /// A validation error about a value of the wrong kind: "`field` must be `what`, not
    /// <the value's kind>".
    #[inline(never)]
    pub fn expected(field: &str, what: &str, value: &crate::value::Value) -> Error {
        Error::invalid(
            field,
            text!(field, " must be ", what, ", not ", value.type_name()),
        )
    }

    /// The same error with an underlying cause attached.
    pub fn with_cause(mut self, cause: JsValue) -> Error {
        self.cause = Some(cause);
        self
    }

    /// The same error with the HTTP status of the answer it came from.
    pub fn with_status(mut self, status: u16) -> Error {
        self.status = Some(status);
        self
    }

    /// The record the JS wrapper turns into a `SupermemoryError`.
    pub fn into_js(self) -> JsValue {
        let error = self.into_parts();
        let record = js_sys::Object::new();
        let set = |key: &str, value: JsValue| crate::guard::set_property(&record, key, &value);
        set("supermemoryError", JsValue::TRUE);
        set("code", JsValue::from_str(error.code.as_str()));
        set("message", JsValue::from_str(&error.message));
        if let Some(status) = error.status {
            set("status", JsValue::from(status));
        }
        if let Some(field) = &error.field {
            set("field", JsValue::from_str(field));
        }
        if let Some(details) = &error.details {
            set("details", JsValue::from_str(details));
        }
        if let Some(seconds) = error.retry_after {
            set("retryAfter", JsValue::from_f64(seconds));
        }
        if let Some(cause) = error.cause {
            set("cause", cause);
        }
        record.into()
    }
}

impl core::ops::Deref for Error {
    type Target = Failure;

    fn deref(&self) -> &Failure {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut Failure {
        &mut self.0
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("code", &self.code.as_str())
            .field("message", &self.message)
            .field("status", &self.status)
            .field("field", &self.field)
            .field("details", &self.details)
            .field("retry_after", &self.retry_after)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_to_their_codes() {
        let table = [
            (400, "bad_request"),
            (401, "authentication"),
            (402, "payment_required"),
            (403, "permission_denied"),
            (404, "not_found"),
            (405, "api_error"),
            (408, "api_error"),
            (409, "conflict"),
            (418, "api_error"),
            (422, "unprocessable"),
            (429, "rate_limited"),
            (500, "server_error"),
            (502, "server_error"),
            (503, "server_error"),
            (599, "server_error"),
            (301, "api_error"),
            (600, "api_error"),
        ];
        for (status, code) in table {
            assert_eq!(
                ErrorCode::for_status(status).as_str(),
                code,
                "status {status}"
            );
        }
    }

    #[test]
    fn debug_output_names_the_code_and_message() {
        let error = Error::invalid("containerTags[1]", "bad tag");
        let text = format!("{error:?}");
        assert!(text.contains("invalid_request"), "{text}");
        assert!(text.contains("containerTags[1]"), "{text}");
        assert_eq!(error.to_string(), "bad tag");
    }
}
