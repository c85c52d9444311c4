//! URL checks through the browser's own URL parser, and where the code is running.
// The browser side (the environment, the platform parser) is unused by a native build without
// the npm exports: there the Rust API uses `AbsoluteUrls`.
#![cfg_attr(
    all(not(target_arch = "wasm32"), not(feature = "npm")),
    allow(dead_code)
)]

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;
use core::sync::atomic::{AtomicU8, Ordering};

use wasm_bindgen::JsValue;

/// The parts of a parsed URL the rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    /// The whole URL, serialised by the parser.
    pub href: String,
    /// The scheme with its colon, lower case (`https:`).
    pub protocol: String,
    /// The user name part, empty when none.
    pub username: String,
    /// The password part, empty when none.
    pub password: String,
    /// The host name, lower case, without port.
    pub hostname: String,
    /// The port, empty when it is the scheme's default.
    pub port: String,
    /// The scheme, host and port, e.g. `http://127.0.0.1:8080` (`null` for opaque URLs).
    pub origin: String,
    /// The path, `/` at least for http(s) URLs.
    pub pathname: String,
    /// The query with its `?`, empty when none.
    pub search: String,
    /// The fragment with its `#`, empty when none.
    pub hash: String,
}

impl ParsedUrl {
    /// True when the URL carries a user name or a password.
    pub fn has_credentials(&self) -> bool {
        !self.username.is_empty() || !self.password.is_empty()
    }

    /// True for `http:` and `https:`.
    pub fn is_http(&self) -> bool {
        self.protocol == "http:" || self.protocol == "https:"
    }

    /// True when the host is this machine by name or address.
    pub fn is_loopback(&self) -> bool {
        self.hostname == "localhost" || self.hostname == "127.0.0.1"
    }
}

/// Parses URLs the way the platform does.
pub trait UrlParser {
    /// Parses `input`, resolved against `base` when given; `None` when it is not a valid URL.
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl>;
}

/// Where the package is running, as far as the rules care.
pub struct Environment<'a> {
    /// True in a page (a `window` with a `document`) or a Web Worker.
    pub is_browser: bool,
    /// The page's base URL, used to resolve a relative `baseURL`.
    pub page_url: Option<String>,
    /// The URL parser.
    pub urls: &'a dyn UrlParser,
}

impl fmt::Debug for Environment<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("is_browser", &self.is_browser)
            .field("page_url", &self.page_url)
            .finish_non_exhaustive()
    }
}

/// The platform's `URL` class.
#[derive(Debug)]
pub struct PlatformUrls;

impl UrlParser for PlatformUrls {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<ParsedUrl> {
        parse_with_platform(input, base)
    }
}

/// `new URL(input, base)`, read into a [`ParsedUrl`] from one newline-separated string.
fn parse_with_platform(input: &str, base: Option<&str>) -> Option<ParsedUrl> {
    let joined = crate::guard::url_parts(input, base)?;
    // Bytes, not `split('\n')`: no pattern searcher in the wasm.
    let mut rest = joined.as_str();
    let mut next = || {
        let end = rest.bytes().position(|b| b == b'\n').unwrap_or(rest.len());
        let part = rest.get(..end).unwrap_or("").to_string();
        rest = rest.get(end + 1..).unwrap_or("");
        part
    };
    Some(ParsedUrl {
        href: next(),
        protocol: next(),
        username: next(),
        password: next(),
        hostname: next(),
        port: next(),
        origin: next(),
        pathname: next(),
        search: next(),
        hash: next(),
    })
}

use crate::guard::property as global_property;

/// Where the code runs; it does not change while the module lives.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Host {
    Page = 1,
    Worker = 2,
    Elsewhere = 3,
}

/// The host, once looked up (0: not yet).
static HOST: AtomicU8 = AtomicU8::new(0);

/// Looks at the global object once to tell a page or worker from Node, Deno or SSR.
fn host(global: &JsValue) -> Host {
    match HOST.load(Ordering::Relaxed) {
        1 => return Host::Page,
        2 => return Host::Worker,
        3 => return Host::Elsewhere,
        _ => {}
    }
    let window = global_property(global, "window");
    let document = global_property(global, "document");
    let worker_scope = global_property(global, "WorkerGlobalScope");
    let found = if window.is_object() && document.is_object() {
        Host::Page
    } else if worker_scope.is_function() && global_property(global, "importScripts").is_function() {
        Host::Worker
    } else {
        Host::Elsewhere
    };
    HOST.store(found as u8, Ordering::Relaxed);
    found
}

/// Tells a browser page or worker from Node, Deno or SSR, and reads the page's base URL now
/// (`history.pushState` may have moved it since the last call).
pub fn detect_environment(urls: &dyn UrlParser) -> Environment<'_> {
    let global = crate::guard::global();
    let host = host(&global);
    let page_url = match host {
        Host::Page => global_property(&global_property(&global, "document"), "baseURI").as_string(),
        Host::Worker => global_property(&global_property(&global, "location"), "href").as_string(),
        Host::Elsewhere => None,
    };
    Environment {
        is_browser: host != Host::Elsewhere,
        page_url,
        urls,
    }
}

/// Outside wasm (a Rust app rendered on a server) there is no browser `URL`: this small parser
/// reads absolute URLs of the shape `scheme://[user[:password]@]host[:port][/path][?query][#hash]`
/// and refuses the rest, so the rules that need a parse still run there.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug)]
pub struct AbsoluteUrls;

#[cfg(not(target_arch = "wasm32"))]
impl UrlParser for AbsoluteUrls {
    fn parse(&self, input: &str, _base: Option<&str>) -> Option<ParsedUrl> {
        let input = input.trim();
        let (scheme, rest) = input.split_once("://")?;
        let valid_scheme = scheme
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+.-".contains(&b));
        if !valid_scheme || input.chars().any(char::is_whitespace) {
            return None;
        }
        let scheme = scheme.to_ascii_lowercase();
        let (rest, hash) = match rest.split_once('#') {
            Some((rest, hash)) => (rest, text!("#", hash)),
            None => (rest, String::new()),
        };
        let (rest, search) = match rest.split_once('?') {
            Some((rest, query)) => (rest, text!("?", query)),
            None => (rest, String::new()),
        };
        let (authority, path) = match rest.find('/') {
            Some(at) => rest.split_at(at),
            None => (rest, "/"),
        };
        let (userinfo, hostport) = authority.rsplit_once('@').unwrap_or(("", authority));
        let (username, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
        let (hostname, port) = hostport.split_once(':').unwrap_or((hostport, ""));
        if hostname.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let hostname = hostname.to_ascii_lowercase();
        let default_port =
            (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
        let port = if default_port { "" } else { port };
        let origin = if port.is_empty() {
            text!(scheme, "://", hostname)
        } else {
            text!(scheme, "://", hostname, ":", port)
        };
        Some(ParsedUrl {
            href: text!(origin, path, search, hash),
            protocol: text!(scheme, ":"),
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
