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
    text.parse::<f64>().ok().filter(|n| n.is_finite())
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
