//! `ConnectionCreateParams`: the body of `POST /v3/connections/{provider}`, checked.

#[allow(unused_imports)]
use crate::prelude::*;

use core::fmt;

use wasm_bindgen::JsValue;

use crate::error::Error;
use crate::js_object::JsObject;
use crate::provider::Provider;
use crate::rules;
use crate::url::UrlParser;
use crate::value::Value;

/// Option names of `ConnectionCreateParams`, in validation order.
pub const CREATE_PARAMS: &[&str] = &[
    "redirectUrl",
    "containerTag",
    "containerTags",
    "documentLimit",
    "metadata",
];

/// Largest `documentLimit` the API accepts.
const MAX_DOCUMENT_LIMIT: f64 = 10_000.0;

/// S3 metadata keys that must be given, in validation order.
const S3_REQUIRED: &[&str] = &["accessKeyId", "secretAccessKey", "bucket", "region"];

/// S3 metadata keys that may be given.
const S3_OPTIONAL: &[&str] = &["endpoint", "prefix", "containerTagRegex"];

/// One metadata value: a string, a finite number or a boolean.
#[derive(Clone, PartialEq)]
pub enum MetadataValue {
    /// A string.
    String(String),
    /// A finite number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// Flat metadata in the caller's key order.
#[derive(Clone, PartialEq, Default)]
pub struct Metadata(pub Vec<(String, MetadataValue)>);

/// Shows the kind of a value but never a string's text: S3 and Granola secrets travel here.
impl fmt::Debug for MetadataValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataValue::String(_) => f.write_str("String(..)"),
            MetadataValue::Number(number) => f.debug_tuple("Number").field(number).finish(),
            MetadataValue::Bool(flag) => f.debug_tuple("Bool").field(flag).finish(),
        }
    }
}

impl Metadata {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&MetadataValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl fmt::Debug for Metadata {
    // Values can be S3 or Granola secrets: only the keys are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

impl MetadataValue {
    /// The value as JavaScript.
    pub fn to_js(&self) -> JsValue {
        match self {
            MetadataValue::String(text) => JsValue::from_str(text),
            MetadataValue::Number(number) => JsValue::from_f64(*number),
            MetadataValue::Bool(flag) => JsValue::from_bool(*flag),
        }
    }
}

impl Metadata {
    /// The metadata as a JavaScript object, keys in the caller's order.
    pub fn to_js(&self) -> JsValue {
        self.0
            .iter()
            .fold(JsObject::new(), |object, (key, value)| {
                object.set(key, &value.to_js())
            })
            .build()
    }
}

/// The JSON body of a create request: exactly the fields the caller set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateBody {
    /// Where the API sends the browser after OAuth.
    pub redirect_url: Option<String>,
    /// One container tag.
    pub container_tag: Option<String>,
    /// Several container tags.
    pub container_tags: Option<Vec<String>>,
    /// Most documents one sync run imports.
    pub document_limit: Option<u32>,
    /// Metadata; `Some(None)` is sent as `null`.
    pub metadata: Option<Option<Metadata>>,
}

impl CreateBody {
    /// The body as a JavaScript object holding exactly the fields that are set.
    pub fn to_js(&self) -> JsValue {
        let mut body = JsObject::new()
            .text_if("redirectUrl", self.redirect_url.as_deref())
            .text_if("containerTag", self.container_tag.as_deref())
            .texts_if("containerTags", self.container_tags.as_deref());
        if let Some(limit) = self.document_limit {
            body = body.set("documentLimit", &JsValue::from(limit));
        }
        match &self.metadata {
            Some(Some(metadata)) => body = body.set("metadata", &metadata.to_js()),
            Some(None) => body = body.set("metadata", &JsValue::NULL),
            None => {}
        }
        body.build()
    }
}

/// Reads the create parameters from `options` (unknown names are checked by the caller).
pub fn parse_create_params(options: &Value, urls: &dyn UrlParser) -> Result<CreateBody, Error> {
    let redirect_url = match rules::non_empty_string(options.get("redirectUrl"), "redirectUrl")? {
        Some(text) => Some(check_redirect_url(text, urls)?),
        None => None,
    };
    let container_tag = match options.get("containerTag") {
        Value::Undefined => None,
        value => Some(rules::container_tag(value, "containerTag")?),
    };
    let container_tags = rules::container_tags(options.get("containerTags"))?;
    if container_tag.is_some() && container_tags.is_some() {
        return Err(Error::invalid(
            "containerTags",
            "give containerTag or containerTags, not both",
        ));
    }
    let document_limit = rules::integer(
        options.get("documentLimit"),
        "documentLimit",
        1.0,
        MAX_DOCUMENT_LIMIT,
    )?
    .map(|n| n as u32);
    let metadata = match options.get("metadata") {
        Value::Undefined => None,
        Value::Null => Some(None),
        Value::Object(entries) => Some(Some(parse_metadata(entries)?)),
        other => return Err(Error::expected("metadata", "a plain object or null", other)),
    };
    Ok(CreateBody {
        redirect_url,
        container_tag,
        container_tags,
        document_limit,
        metadata,
    })
}

/// Checks a redirect URL: absolute `https:` (`http:` on loopback), no credentials, no fragment.
pub fn check_redirect_url(text: &str, urls: &dyn UrlParser) -> Result<String, Error> {
    let url = urls.parse(text, None).ok_or_else(|| {
        Error::invalid("redirectUrl", "redirectUrl must be an absolute https: URL")
    })?;
    let secure = url.protocol == "https:" || (url.protocol == "http:" && url.is_loopback());
    if !secure {
        return Err(Error::invalid(
            "redirectUrl",
            "redirectUrl must use https: (http: only for localhost or 127.0.0.1)",
        ));
    }
    if url.has_credentials() {
        return Err(Error::invalid(
            "redirectUrl",
            "redirectUrl must not contain a user name or password",
        ));
    }
    if !url.hash.is_empty() || crate::text::has_any(text, b"#") {
        return Err(Error::invalid(
            "redirectUrl",
            "redirectUrl must not have a fragment (#...)",
        ));
    }
    Ok(text.to_string())
}

fn parse_metadata(entries: &[(String, Value)]) -> Result<Metadata, Error> {
    let mut metadata = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let value = match value {
            Value::String(s) => MetadataValue::String(s.clone()),
            Value::Number(n) if n.is_finite() => MetadataValue::Number(*n),
            Value::Bool(b) => MetadataValue::Bool(*b),
            Value::Undefined => continue,
            other => {
                let field = text!("metadata.", key);
                return Err(Error::expected(
                    &field,
                    "a string, a finite number or a boolean (metadata is flat)",
                    other,
                ));
            }
        };
        metadata.push((key.clone(), value));
    }
    Ok(Metadata(metadata))
}

/// Checks the metadata a provider needs: web-crawler's start URL, S3's keys, Granola's key,
/// Google Drive's sync scope.
pub fn check_provider_metadata(
    provider: Provider,
    body: &CreateBody,
    urls: &dyn UrlParser,
) -> Result<(), Error> {
    let metadata = body.metadata.as_ref().and_then(Option::as_ref);
    let get = |key: &str| metadata.and_then(|m| m.get(key));
    match provider {
        Provider::WebCrawler => {
            let start = required_string(get("startUrl"), "startUrl", "web-crawler")?;
            check_http_url(start, "metadata.startUrl", urls)
        }
        Provider::GoogleDrive => match get("syncScope") {
            None => Ok(()),
            Some(MetadataValue::String(s)) if s == "selected" || s == "full" => Ok(()),
            Some(_) => Err(Error::invalid(
                "metadata.syncScope",
                "metadata.syncScope must be \"selected\" or \"full\"",
            )),
        },
        Provider::S3 => {
            for key in S3_REQUIRED {
                required_string(get(key), key, "s3")?;
            }
            for key in S3_OPTIONAL {
                if let Some(value) = get(key) {
                    let MetadataValue::String(text) = value else {
                        let field = text!("metadata.", key);
                        return Err(Error::invalid_at(&field, " must be a string"));
                    };
                    if *key == "endpoint" {
                        check_http_url(text, "metadata.endpoint", urls)?;
                    }
                }
            }
            Ok(())
        }
        Provider::Granola => required_string(get("apiKey"), "apiKey", "granola").map(|_| ()),
        _ => Ok(()),
    }
}

fn required_string<'a>(
    value: Option<&'a MetadataValue>,
    key: &str,
    provider: &str,
) -> Result<&'a str, Error> {
    let field = text!("metadata.", key);
    match value {
        Some(MetadataValue::String(text)) if !text.is_empty() => Ok(text),
        Some(MetadataValue::String(_)) => Err(Error::invalid_at(&field, " must not be empty")),
        Some(_) => Err(Error::invalid_at(&field, " must be a string")),
        None => Err(Error::invalid(
            field.as_str(),
            text!(provider, " needs ", field),
        )),
    }
}

fn check_http_url(text: &str, field: &str, urls: &dyn UrlParser) -> Result<(), Error> {
    match urls.parse(text, None) {
        Some(url) if url.is_http() && !url.hostname.is_empty() => Ok(()),
        _ => Err(Error::invalid_at(
            field,
            " must be an absolute http: or https: URL",
        )),
    }
}
