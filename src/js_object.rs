//! Plain JavaScript objects built field by field: request bodies (before `JSON.stringify`) and
//! the results handed back to JavaScript. One small non-generic builder instead of a serializer.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Object};
use wasm_bindgen::JsValue;

/// A plain object under construction.
#[derive(Debug)]
pub struct JsObject(Object);

impl JsObject {
    /// An empty plain object.
    pub fn new() -> JsObject {
        JsObject(Object::new())
    }

    /// Sets `key` to `value`.
    pub fn set(self, key: &str, value: &JsValue) -> JsObject {
        crate::guard::set_property(&self.0, key, value);
        self
    }

    /// Sets `key` to a string.
    pub fn text(self, key: &str, value: &str) -> JsObject {
        self.set(key, &JsValue::from_str(value))
    }

    /// Sets `key` to a string or `null`.
    #[cfg_attr(not(feature = "npm"), allow(dead_code))]
    pub fn text_or_null(self, key: &str, value: Option<&str>) -> JsObject {
        match value {
            Some(text) => self.text(key, text),
            None => self.set(key, &JsValue::NULL),
        }
    }

    /// Sets `key` to a string when there is one; leaves it out otherwise.
    pub fn text_if(self, key: &str, value: Option<&str>) -> JsObject {
        match value {
            Some(text) => self.text(key, text),
            None => self,
        }
    }

    /// Sets `key` to an array of strings when there is one; leaves it out otherwise.
    pub fn texts_if(self, key: &str, value: Option<&[String]>) -> JsObject {
        match value {
            Some(items) => {
                let array = Array::new();
                for item in items {
                    array.push(&JsValue::from_str(item));
                }
                self.set(key, &array)
            }
            None => self,
        }
    }

    /// The object.
    pub fn build(self) -> JsValue {
        self.0.into()
    }
}

impl Default for JsObject {
    fn default() -> Self {
        JsObject::new()
    }
}
