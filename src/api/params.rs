//! The parameters of the Rust API, as builders. Each becomes the same plain values the npm
//! package reads from JavaScript, so one validation checks both.

#[allow(unused_imports)]
use crate::prelude::*;

use core::time::Duration;

use crate::value::Value;

/// Largest integer a JSON number holds exactly (2^53).
const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// The parameters of [`Connections::create`](crate::Connections::create).
///
/// ```
/// use supermemory_connections::CreateConnection;
///
/// let params = CreateConnection::new()
///     .redirect_url("https://app.example.com/connected")
///     .container_tags(["user_123", "project_alpha"])
///     .document_limit(5000)
///     .metadata("team", "growth")
///     .metadata("seats", 3);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CreateConnection {
    entries: Vec<(String, Value)>,
    metadata: Option<Vec<(String, Value)>>,
}

impl CreateConnection {
    /// No parameters yet: the API's defaults.
    pub fn new() -> CreateConnection {
        CreateConnection::default()
    }

    /// Where the API sends the browser after OAuth consent: an absolute `https:` URL (`http:`
    /// only for `localhost` and `127.0.0.1`), without credentials or fragment.
    pub fn redirect_url(self, url: impl Into<String>) -> CreateConnection {
        self.set("redirectUrl", Value::String(url.into()))
    }

    /// One container tag (1 to 100 of `A-Z a-z 0-9 _ : -`); give this or
    /// [`container_tags`](CreateConnection::container_tags), not both.
    pub fn container_tag(self, tag: impl Into<String>) -> CreateConnection {
        self.set("containerTag", Value::String(tag.into()))
    }

    /// Container tags, each 1 to 100 of `A-Z a-z 0-9 _ : -`.
    pub fn container_tags<I>(self, tags: I) -> CreateConnection
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        self.set("containerTags", strings(tags))
    }

    /// Most documents one sync run imports, 1 to 10000 (the API's default is 10000).
    pub fn document_limit(self, limit: u32) -> CreateConnection {
        self.set("documentLimit", Value::Number(f64::from(limit)))
    }

    /// One metadata entry: a string, a number or a boolean. Provider settings travel here
    /// (`startUrl` for the web crawler, the S3 keys, Granola's `apiKey`, `syncScope`).
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<MetadataValue>) -> Self {
        let entries = self.metadata.get_or_insert_with(Vec::new);
        set_entry(entries, key.into(), value.into().0);
        self
    }

    fn set(mut self, key: &str, value: Value) -> CreateConnection {
        set_entry(&mut self.entries, key.to_string(), value);
        self
    }

    /// The parameters as the options object the validation reads.
    pub(crate) fn to_value(&self) -> Value {
        let mut entries = self.entries.clone();
        if let Some(metadata) = &self.metadata {
            entries.push(("metadata".to_string(), Value::Object(metadata.clone())));
        }
        Value::Object(entries)
    }
}

/// A metadata value: made from a string, a boolean, an integer (up to 2^53 either way, what a
/// JSON number holds exactly) or a finite `f64`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataValue(Value);

impl From<&str> for MetadataValue {
    fn from(text: &str) -> Self {
        MetadataValue(Value::String(text.to_string()))
    }
}

impl From<String> for MetadataValue {
    fn from(text: String) -> Self {
        MetadataValue(Value::String(text))
    }
}

impl From<bool> for MetadataValue {
    fn from(flag: bool) -> Self {
        MetadataValue(Value::Bool(flag))
    }
}

impl From<f64> for MetadataValue {
    fn from(number: f64) -> Self {
        MetadataValue(Value::Number(number))
    }
}

/// An integer as a metadata value, or the marker the validation refuses when a JSON number
/// could not hold it exactly.
fn integer(magnitude: u64, negative: bool) -> MetadataValue {
    if magnitude > MAX_EXACT_INTEGER {
        return MetadataValue(Value::Other("an integer beyond 2^53"));
    }
    let number = magnitude as f64;
    MetadataValue(Value::Number(if negative { -number } else { number }))
}

macro_rules! unsigned_metadata {
    ($($kind:ty),*) => {$(
        impl From<$kind> for MetadataValue {
            fn from(number: $kind) -> Self {
                integer(number as u64, false)
            }
        }
    )*};
}

macro_rules! signed_metadata {
    ($($kind:ty),*) => {$(
        impl From<$kind> for MetadataValue {
            fn from(number: $kind) -> Self {
                integer((number as i64).unsigned_abs(), number < 0)
            }
        }
    )*};
}

unsigned_metadata!(u8, u16, u32, u64, usize);
signed_metadata!(i8, i16, i32, i64, isize);

/// What [`Connections::delete_by_id`](crate::Connections::delete_by_id) does with the documents
/// the connection imported. There is no default: the API's own (when left out) deletes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Documents {
    /// Keep the documents in supermemory.
    Keep,
    /// Delete the documents too.
    Delete,
}

/// Settings of one call that replace the client's: timeout, retries, an abort signal.
///
/// ```
/// use std::time::Duration;
/// use supermemory_connections::RequestOptions;
///
/// let options = RequestOptions::new().timeout(Duration::from_secs(5)).max_retries(0);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequestOptions {
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_retries: Option<u32>,
    pub(crate) signal: Option<web_sys::AbortSignal>,
}

impl RequestOptions {
    /// The client's settings.
    pub fn new() -> RequestOptions {
        RequestOptions::default()
    }

    /// How long one attempt may take, reading the answer included: 1 ms to 2147483647 ms.
    pub fn timeout(mut self, timeout: Duration) -> RequestOptions {
        self.timeout = Some(timeout);
        self
    }

    /// Retries after a failed attempt, 0 to 10.
    pub fn max_retries(mut self, retries: u32) -> RequestOptions {
        self.max_retries = Some(retries);
        self
    }

    /// A signal that aborts the call (dropping the call's future aborts it too).
    pub fn signal(mut self, signal: web_sys::AbortSignal) -> RequestOptions {
        self.signal = Some(signal);
        self
    }
}

/// The settings of [`Connections::wait_for_connection`](crate::Connections::wait_for_connection).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitOptions {
    pub(crate) interval: Option<Duration>,
    pub(crate) max_wait: Option<Duration>,
    pub(crate) signal: Option<web_sys::AbortSignal>,
}

impl WaitOptions {
    /// Poll every 2 s, for at most 300 s.
    pub fn new() -> WaitOptions {
        WaitOptions::default()
    }

    /// Time between polls, 100 ms to 3600000 ms.
    pub fn interval(mut self, interval: Duration) -> WaitOptions {
        self.interval = Some(interval);
        self
    }

    /// Give up with `Timeout` after this long, 1 ms to 2147483647 ms.
    pub fn max_wait(mut self, max_wait: Duration) -> WaitOptions {
        self.max_wait = Some(max_wait);
        self
    }

    /// A signal that ends the wait with `Aborted`.
    pub fn signal(mut self, signal: web_sys::AbortSignal) -> WaitOptions {
        self.signal = Some(signal);
        self
    }
}

/// The query of [`Connections::resources`](crate::Connections::resources) (GitHub).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourcesQuery {
    pub(crate) entries: Vec<(String, Value)>,
}

impl ResourcesQuery {
    /// The first page with the API's page size.
    pub fn new() -> ResourcesQuery {
        ResourcesQuery::default()
    }

    /// The page, from 1.
    pub fn page(self, page: u32) -> ResourcesQuery {
        self.set("page", Value::Number(f64::from(page)))
    }

    /// Items per page, 1 to 100.
    pub fn per_page(self, per_page: u32) -> ResourcesQuery {
        self.set("per_page", Value::Number(f64::from(per_page)))
    }

    /// Lists the children of this resource.
    pub fn parent_id(self, parent: impl Into<String>) -> ResourcesQuery {
        self.set("parent_id", Value::String(parent.into()))
    }

    fn set(mut self, key: &str, value: Value) -> ResourcesQuery {
        set_entry(&mut self.entries, key.to_string(), value);
        self
    }
}

/// Sets `key` in the entries of an options object: in place when a builder method is called
/// again, at the end otherwise.
pub(crate) fn set_entry(entries: &mut Vec<(String, Value)>, key: String, value: Value) {
    match entries.iter_mut().find(|(name, _)| *name == key) {
        Some(entry) => entry.1 = value,
        None => entries.push((key, value)),
    }
}

/// Milliseconds of a duration as the validation reads them; past `f64`'s exact range it stays
/// large, so the bound check refuses it.
pub(crate) fn millis(duration: Duration) -> Value {
    Value::Number(duration.as_millis() as f64)
}

/// Strings as an array value.
pub(crate) fn strings<I>(items: I) -> Value
where
    I: IntoIterator,
    I::Item: Into<String>,
{
    Value::Array(
        items
            .into_iter()
            .map(|item| Value::String(item.into()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builder_writes_the_options_object_the_validation_reads() {
        let params = CreateConnection::new()
            .container_tags(["a", "b"])
            .document_limit(10)
            .metadata("team", "growth")
            .metadata("seats", 3u8)
            .metadata("team", "sales")
            .metadata("ratio", 0.5)
            .metadata("beta", true);
        assert_eq!(
            params.to_value(),
            Value::Object(vec![
                (
                    "containerTags".into(),
                    Value::Array(vec![Value::String("a".into()), Value::String("b".into())])
                ),
                ("documentLimit".into(), Value::Number(10.0)),
                (
                    "metadata".into(),
                    Value::Object(vec![
                        ("team".into(), Value::String("sales".into())),
                        ("seats".into(), Value::Number(3.0)),
                        ("ratio".into(), Value::Number(0.5)),
                        ("beta".into(), Value::Bool(true)),
                    ])
                ),
            ])
        );
    }

    #[test]
    fn integers_beyond_two_to_the_53_are_marked_for_refusal() {
        assert_eq!(
            MetadataValue::from(1u64 << 53).0,
            Value::Number(9_007_199_254_740_992.0)
        );
        assert_eq!(
            MetadataValue::from(-(1i64 << 53)).0,
            Value::Number(-9_007_199_254_740_992.0)
        );
        assert_eq!(
            MetadataValue::from((1u64 << 53) + 1).0,
            Value::Other("an integer beyond 2^53")
        );
        assert_eq!(
            MetadataValue::from(i64::MIN).0,
            Value::Other("an integer beyond 2^53")
        );
    }
}
