//! The server's hints for when to try again: `retry-after-ms`, then `Retry-After` (seconds or an
//! HTTP date).

#[allow(unused_imports)]
use crate::prelude::*;

/// Seconds to wait, from the `retry-after-ms` and `Retry-After` headers, in that precedence;
/// `header` reads one header by name. A negative or malformed number is no hint; an HTTP date in
/// the past is a wait of 0.
pub fn retry_after_from_headers(mut header: impl FnMut(&str) -> Option<String>) -> Option<f64> {
    if let Some(ms) = header("retry-after-ms").and_then(|v| parse_seconds(&v)) {
        return Some(ms / 1000.0);
    }
    let value = header("retry-after")?;
    parse_seconds(&value).or_else(|| {
        // Only an HTTP date (it names a month) is read as a date: `Date.parse` also takes "-5"
        // (the year -5), which would be a wait of 0.
        if !names_a_word(&value) {
            return None;
        }
        let at = js_sys::Date::parse(crate::text::trim(&value));
        let wait = (at - js_sys::Date::now()) / 1000.0;
        (wait.is_finite()).then_some(wait.max(0.0))
    })
}

/// True when `text` has three ASCII letters in a row, as a weekday or month name has.
fn names_a_word(text: &str) -> bool {
    text.as_bytes()
        .windows(3)
        .any(|run| run.iter().all(u8::is_ascii_alphabetic))
}

/// A non-negative decimal number of seconds (or milliseconds), as the headers write them.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let text = crate::text::trim(text);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    // Digits with at most one point, read by hand: `str::parse::<f64>` would add float
    // parsing code to the wasm for a header that is almost always a small integer.
    let point = text.bytes().position(|b| b == b'.').unwrap_or(text.len());
    let whole = text.get(..point).unwrap_or("");
    let fraction = text.get(point + 1..).unwrap_or("");
    if crate::text::has_any(fraction, b".") || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    let mut value = 0.0;
    for digit in whole.bytes() {
        value = value * 10.0 + f64::from(digit - b'0');
    }
    let mut scale = 1.0;
    for digit in fraction.bytes() {
        scale /= 10.0;
        value += f64::from(digit - b'0') * scale;
    }
    value.is_finite().then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_plain_decimals() {
        assert_eq!(parse_seconds("3"), Some(3.0));
        assert_eq!(parse_seconds(" 1.5 "), Some(1.5));
        for bad in [
            "",
            "-1",
            "1e3",
            "soon",
            "Wed, 21 Oct 2015 07:28:00 GMT",
            "NaN",
        ] {
            assert_eq!(parse_seconds(bad), None, "{bad}");
        }
    }

    #[test]
    fn negative_or_malformed_numbers_are_no_hint() {
        let hint = |ms: Option<&str>, seconds: Option<&str>| {
            retry_after_from_headers(|name| match name {
                "retry-after-ms" => ms.map(String::from),
                "retry-after" => seconds.map(String::from),
                _ => None,
            })
        };
        assert_eq!(hint(Some("250"), Some("9")), Some(0.25));
        assert_eq!(hint(Some("-100"), Some("2")), Some(2.0));
        assert_eq!(hint(None, Some("1.5")), Some(1.5));
        for bad in ["-5", "-0.5", "", "1e3", "+3", "3-"] {
            assert_eq!(hint(None, Some(bad)), None, "{bad}");
            assert_eq!(hint(Some(bad), None), None, "{bad}");
        }
        assert_eq!(hint(None, None), None);
        assert!(names_a_word("Wed, 21 Oct 2015 07:28:00 GMT"));
        assert!(!names_a_word("-5e10"));
    }
}
