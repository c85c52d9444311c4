//! The server's hints for when to try again: `retry-after-ms`, then `Retry-After` (seconds or an
//! HTTP date).

/// Seconds to wait, from the `retry-after-ms` and `Retry-After` headers, in that precedence.
pub fn retry_after_from_headers(headers: &gloo_net::http::Headers) -> Option<f64> {
    if let Some(ms) = headers
        .get("retry-after-ms")
        .and_then(|v| parse_seconds(&v))
    {
        return Some(ms / 1000.0);
    }
    let value = headers.get("retry-after")?;
    parse_seconds(&value).or_else(|| {
        let at = js_sys::Date::parse(value.trim());
        let wait = (at - js_sys::Date::now()) / 1000.0;
        (wait.is_finite()).then_some(wait.max(0.0))
    })
}

/// A non-negative decimal number of seconds (or milliseconds), as the headers write them.
pub fn parse_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    // Digits with at most one point, read by hand: `str::parse::<f64>` would add float
    // parsing code to the wasm for a header that is almost always a small integer.
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.contains('.') || (whole.is_empty() && fraction.is_empty()) {
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
}
