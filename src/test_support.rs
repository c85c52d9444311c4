//! Native stand-ins for what the browser provides, used by the unit tests only.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::url::{Environment, ParsedUrl, UrlParser};
use crate::value::Value;

/// A small URL parser covering the shapes the unit tests use; the real rules run through the
/// browser's parser in the wasm tests.
pub struct SimpleUrls;

impl UrlParser for SimpleUrls {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl> {
        if input.starts_with('/') && !input.starts_with("//") {
            let base = self.parse(base?, None)?;
            let origin_end = base.href.find("://")? + 3;
            let host_end = base.href[origin_end..]
                .find('/')
                .map_or(base.href.len(), |i| i + origin_end);
            return self.parse(&format!("{}{}", &base.href[..host_end], input), None);
        }
        let colon = input.find(':')?;
        let scheme = input[..colon].to_ascii_lowercase();
        if scheme.is_empty()
            || !scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        {
            return None;
        }
        let rest = &input[colon + 1..];
        let (hash, rest) = split_off(rest, '#');
        let (search, rest) = split_off(rest, '?');
        let Some(after) = rest.strip_prefix("//") else {
            return Some(ParsedUrl {
                href: input.to_string(),
                protocol: format!("{scheme}:"),
                username: String::new(),
                password: String::new(),
                hostname: String::new(),
                port: String::new(),
                origin: "null".to_string(),
                pathname: rest.to_string(),
                search,
                hash,
            });
        };
        let (authority, path) = after
            .find('/')
            .map_or((after, "/"), |i| (&after[..i], &after[i..]));
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let (hostname, port) = hostport.split_once(':').unwrap_or((hostport, ""));
        let hostname = hostname.to_ascii_lowercase();
        let default_port =
            (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
        let port = if default_port { "" } else { port };
        if hostname.is_empty() {
            return None;
        }
        let origin = if port.is_empty() {
            format!("{scheme}://{hostname}")
        } else {
            format!("{scheme}://{hostname}:{port}")
        };
        Some(ParsedUrl {
            href: format!("{origin}{path}{search}{hash}"),
            protocol: format!("{scheme}:"),
            username: username.to_string(),
            password: password.to_string(),
            hostname,
            port: port.to_string(),
            origin,
            pathname: path.to_string(),
            search,
            hash,
        })
    }
}

fn split_off(text: &str, mark: char) -> (String, &str) {
    match text.find(mark) {
        Some(i) if i + 1 < text.len() => (text[i..].to_string(), &text[..i]),
        Some(i) => (String::new(), &text[..i]),
        None => (String::new(), text),
    }
}

/// A browser page at `https://app.example.com/settings`.
pub fn browser() -> Environment<'static> {
    Environment {
        is_browser: true,
        page_url: Some("https://app.example.com/settings".into()),
        urls: &SimpleUrls,
    }
}

/// Node, Deno or server-side rendering: no page.
pub fn server() -> Environment<'static> {
    Environment {
        is_browser: false,
        page_url: None,
        urls: &SimpleUrls,
    }
}

/// A string value.
pub fn s(text: &str) -> Value {
    Value::String(text.into())
}

/// A plain object value.
pub fn obj(entries: &[(&str, Value)]) -> Value {
    Value::Object(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}
