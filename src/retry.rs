//! When a failed attempt is tried again, and after how long.
//!
//! Retried: 408, 429, 502, 503, 504, network errors and timeouts. Never: other statuses,
//! validation errors, `invalid_response`, an abort. `create` for providers whose connection is
//! live at once (web-crawler, s3, granola) retries only 408, 429 and 503, where the server did
//! nothing. A server hint (`retry-after-ms`, `Retry-After`, `retryAfterSeconds`) of 0..=60 s is
//! waited out instead of the backoff; a longer one ends the call at once.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorCode};

/// Which retry rule applies to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryPolicy {
    /// Reads, deletes, and creates that only make a pending OAuth connection.
    Standard,
    /// Creating a connection that is live at once: retried only where the server did nothing.
    LiveCreate,
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    /// Wait this many milliseconds, then try again.
    RetryAfter(u32),
    /// Give up with the error.
    Stop,
}

/// Longest server hint that is waited out, in seconds.
pub const MAX_HINT_SECONDS: f64 = 60.0;

/// First backoff, in seconds; it doubles per retry.
const FIRST_BACKOFF_SECONDS: f64 = 0.5;

/// Longest backoff, in seconds.
const MAX_BACKOFF_SECONDS: f64 = 8.0;

/// Largest share of a backoff taken off at random.
const JITTER: f64 = 0.25;

/// Whether the failure may be retried under `policy`.
pub fn is_retryable(error: &Error, policy: RetryPolicy) -> bool {
    let never = matches!(
        error.code,
        ErrorCode::InvalidRequest
            | ErrorCode::InvalidResponse
            | ErrorCode::Aborted
            | ErrorCode::UnsafeRedirect
    );
    !never
        && matches!(
            (error.code, error.status, policy),
            (
                ErrorCode::Connection | ErrorCode::Timeout,
                _,
                RetryPolicy::Standard
            ) | (_, Some(408 | 429 | 503), _)
                | (_, Some(502 | 504), RetryPolicy::Standard)
        )
}

/// The backoff before retry number `retry` (0 for the first), with `random` in 0..1 taking up
/// to 25% off: `min(0.5 * 2^retry, 8)` seconds.
pub fn backoff_ms(retry: u32, random: f64) -> u32 {
    let doubling = f64::from(1u32 << retry.min(16));
    let base = (FIRST_BACKOFF_SECONDS * doubling).min(MAX_BACKOFF_SECONDS);
    let factor = 1.0 - JITTER * random.clamp(0.0, 1.0);
    crate::num::round_u32(base * factor * 1000.0)
}

/// Decides what follows a failed attempt, after `retries_done` retries out of `max_retries`.
pub fn decide(
    error: &Error,
    policy: RetryPolicy,
    retries_done: u32,
    max_retries: u32,
    random: f64,
) -> Decision {
    if !is_retryable(error, policy) || retries_done >= max_retries {
        return Decision::Stop;
    }
    match error.retry_after {
        Some(seconds) if seconds > MAX_HINT_SECONDS => Decision::Stop,
        Some(seconds) if seconds >= 0.0 => {
            Decision::RetryAfter(crate::num::round_u32(seconds * 1000.0))
        }
        _ => Decision::RetryAfter(backoff_ms(retries_done, random)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Error {
        Error::new(ErrorCode::for_status(code), "x").with_status(code)
    }

    #[test]
    fn which_failures_are_retried() {
        for code in [408, 429, 502, 503, 504] {
            assert!(is_retryable(&status(code), RetryPolicy::Standard), "{code}");
        }
        for code in [400, 401, 402, 403, 404, 409, 422, 500, 501] {
            assert!(
                !is_retryable(&status(code), RetryPolicy::Standard),
                "{code}"
            );
        }
        for code in [ErrorCode::Connection, ErrorCode::Timeout] {
            assert!(is_retryable(&Error::new(code, "x"), RetryPolicy::Standard));
            assert!(!is_retryable(
                &Error::new(code, "x"),
                RetryPolicy::LiveCreate
            ));
        }
        for code in [
            ErrorCode::Aborted,
            ErrorCode::InvalidResponse,
            ErrorCode::InvalidRequest,
        ] {
            assert!(!is_retryable(&Error::new(code, "x"), RetryPolicy::Standard));
        }
        let live: Vec<u16> = [408, 429, 500, 502, 503, 504]
            .into_iter()
            .filter(|c| is_retryable(&status(*c), RetryPolicy::LiveCreate))
            .collect();
        assert_eq!(live, [408, 429, 503]);
        let mut invalid = status(503);
        invalid.code = ErrorCode::InvalidResponse;
        assert!(
            !is_retryable(&invalid, RetryPolicy::Standard),
            "the code wins over the status"
        );
    }

    #[test]
    fn backoff_doubles_to_eight_seconds_with_up_to_a_quarter_off() {
        let without_jitter: Vec<u32> = (0..6).map(|n| backoff_ms(n, 0.0)).collect();
        assert_eq!(without_jitter, [500, 1000, 2000, 4000, 8000, 8000]);
        assert_eq!(backoff_ms(0, 1.0), 375);
        assert_eq!(backoff_ms(3, 0.5), 3500);
        assert_eq!(backoff_ms(40, 0.0), 8000);
    }

    #[test]
    fn hints_replace_the_backoff_up_to_sixty_seconds() {
        let mut limited = status(429);
        limited.retry_after = Some(2.0);
        assert_eq!(
            decide(&limited, RetryPolicy::Standard, 0, 2, 0.9),
            Decision::RetryAfter(2000)
        );
        limited.retry_after = Some(0.0);
        assert_eq!(
            decide(&limited, RetryPolicy::Standard, 0, 2, 0.0),
            Decision::RetryAfter(0)
        );
        limited.retry_after = Some(60.0);
        assert_eq!(
            decide(&limited, RetryPolicy::LiveCreate, 1, 2, 0.0),
            Decision::RetryAfter(60_000)
        );
        limited.retry_after = Some(60.5);
        assert_eq!(
            decide(&limited, RetryPolicy::Standard, 0, 2, 0.0),
            Decision::Stop
        );
        limited.retry_after = None;
        assert_eq!(
            decide(&limited, RetryPolicy::Standard, 1, 2, 0.0),
            Decision::RetryAfter(1000)
        );
    }

    #[test]
    fn max_retries_bounds_the_attempts() {
        let error = status(503);
        assert_eq!(
            decide(&error, RetryPolicy::Standard, 2, 2, 0.0),
            Decision::Stop
        );
        assert_eq!(
            decide(&error, RetryPolicy::Standard, 0, 0, 0.0),
            Decision::Stop
        );
        assert_eq!(
            decide(&status(404), RetryPolicy::Standard, 0, 10, 0.0),
            Decision::Stop
        );
    }
}
