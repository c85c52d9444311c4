//! Reads the caller's JavaScript values into [`Value`]s through `Reflect`, so a throwing getter,
//! a Proxy, a symbol or a bigint becomes a validation error and never an exception in Rust.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::Error;
use crate::guard::{self, is_array, prototype_of};
use crate::value::{Handle, Value, NESTED_OBJECT};

/// Most items or keys read from one array or object of the caller's (answers have no such cap:
/// an organisation's list can be longer, and memory is the only limit there).
const MAX_ENTRIES: usize = 10_000;

/// Reads JavaScript values and keeps aside the ones Rust only passes back (functions, signals).
#[derive(Debug, Clone, Default)]
pub struct Reader {
    kept: Vec<JsValue>,
    object_prototype: Option<JsValue>,
    root: &'static str,
    /// Reading an answer of the API rather than the caller's arguments: no cap on entries, and
    /// strings are taken as they come (they are passed through, never sent).
    answer: bool,
}

impl Reader {
    /// A reader of the caller's arguments, with nothing kept yet.
    pub fn new() -> Reader {
        Reader::default()
    }

    /// A reader of the API's parsed answers.
    pub fn for_answer() -> Reader {
        Reader {
            answer: true,
            ..Reader::default()
        }
    }

    /// A string of the caller's as Rust text; an error when it holds an unpaired surrogate,
    /// which Rust text cannot hold and would otherwise become U+FFFD without a word.
    fn text(&self, value: &JsValue, text: String, path: &str) -> Result<String, Error> {
        if !self.lost_a_surrogate(value, &text) {
            return Ok(text);
        }
        let name = self.name_of(path);
        Err(Error::invalid_at(name, " contains an unpaired surrogate"))
    }

    /// True when `text`, read from the caller's string `value`, had an unpaired surrogate
    /// replaced. Answers are taken as they come and never scanned.
    fn lost_a_surrogate(&self, value: &JsValue, text: &str) -> bool {
        // U+FFFD in UTF-8: only then can the JavaScript string have held a lone surrogate.
        !self.answer
            && text.as_bytes().windows(3).any(|b| b == [0xEF, 0xBF, 0xBD])
            && value
                .dyn_ref::<js_sys::JsString>()
                .is_some_and(|string| !well_formed(string))
    }

    /// The JavaScript value behind a handle.
    pub fn kept(&self, handle: Handle) -> JsValue {
        self.kept
            .get(handle.0)
            .cloned()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Reads a top-level argument, named `root` in errors about the argument itself.
    pub fn read_root(
        &mut self,
        value: &JsValue,
        root: &'static str,
        depth: u8,
    ) -> Result<Value, Error> {
        self.root = root;
        self.read(value, "", depth)
    }

    /// Reads an argument of an exported function. No argument is ever an array, so an array is
    /// reported as one without reading its items (and running their getters).
    #[cfg_attr(not(feature = "npm"), allow(dead_code))]
    pub fn read_argument(
        &mut self,
        value: &JsValue,
        root: &'static str,
        depth: u8,
    ) -> Result<Value, Error> {
        if is_array(value).unwrap_or(false) {
            return Ok(Value::Other("an array"));
        }
        self.read_root(value, root, depth)
    }

    /// Reads `value`, descending `depth` levels into arrays and plain objects; `path` names it
    /// in errors.
    pub fn read(&mut self, value: &JsValue, path: &str, depth: u8) -> Result<Value, Error> {
        if value.is_undefined() {
            return Ok(Value::Undefined);
        }
        if value.is_null() {
            return Ok(Value::Null);
        }
        if let Some(b) = value.as_bool() {
            return Ok(Value::Bool(b));
        }
        if let Some(n) = value.as_f64() {
            return Ok(Value::Number(n));
        }
        if let Some(s) = value.as_string() {
            return self.text(value, s, path).map(Value::String);
        }
        if value.is_symbol() {
            return Ok(Value::Other("a symbol"));
        }
        if value.is_bigint() {
            return Ok(Value::Other("a bigint"));
        }
        if value.is_function() {
            return Ok(Value::Function(self.keep(value)));
        }
        if !value.is_object() {
            return Ok(Value::Other("an unsupported value"));
        }
        let name = if path.is_empty() { self.root } else { path };
        let unreadable = |_| Error::invalid_at(name, " could not be read");
        if is_array(value).map_err(unreadable)? {
            return if depth == 0 {
                Ok(Value::Other("an array"))
            } else {
                self.read_array(value, path, depth - 1)
            };
        }
        if self.is_plain_object(value).map_err(unreadable)? {
            return if depth > 0 {
                self.read_object(value, path, depth - 1)
            } else if self.answer {
                Ok(Value::Other(NESTED_OBJECT))
            } else {
                Ok(Value::Nested(self.keep(value)))
            };
        }
        if looks_like_signal(value) {
            return Ok(Value::Signal(self.keep(value)));
        }
        Ok(Value::Other("an object that is not a plain object"))
    }

    /// The name used in messages for the value at `path` (the argument itself has an empty path).
    fn name_of<'a>(&self, path: &'a str) -> &'a str {
        if path.is_empty() {
            self.root
        } else {
            path
        }
    }

    /// The error for a value that threw while being read.
    fn unreadable(&self, path: &str) -> Error {
        let name = self.name_of(path);
        Error::invalid_at(name, " could not be read")
    }

    pub(crate) fn keep(&mut self, value: &JsValue) -> Handle {
        self.kept.push(value.clone());
        Handle(self.kept.len() - 1)
    }

    fn is_plain_object(&mut self, value: &JsValue) -> Result<bool, JsValue> {
        let prototype = prototype_of(value)?;
        if prototype.is_null() {
            return Ok(true);
        }
        let object_prototype = match &self.object_prototype {
            Some(known) => known.clone(),
            None => {
                let known = prototype_of(&js_sys::Object::new())?;
                self.object_prototype = Some(known.clone());
                known
            }
        };
        Ok(js_sys::Object::is(&prototype, &object_prototype))
    }

    fn read_array(&mut self, value: &JsValue, path: &str, depth: u8) -> Result<Value, Error> {
        let length = guard::get(value, "length")
            .ok()
            .and_then(|n| n.as_f64())
            .ok_or_else(|| self.unreadable(path))?;
        if !self.answer && length > MAX_ENTRIES as f64 {
            let name = self.name_of(path);
            return Err(Error::invalid(
                name,
                text!(name, " has more than ", MAX_ENTRIES, " items"),
            ));
        }
        let mut items = Vec::with_capacity(length as usize);
        for index in 0..length as u32 {
            let item_path = text!(path, "[", index, "]");
            let item = guard::get_index(value, index)
                .map_err(|_| Error::invalid_at(&item_path, " could not be read"))?;
            items.push(self.read(&item, &item_path, depth)?);
        }
        Ok(Value::Array(items))
    }

    fn read_object(&mut self, value: &JsValue, path: &str, depth: u8) -> Result<Value, Error> {
        let keys: Array = guard::own_keys(value).map_err(|_| self.unreadable(path))?;
        if !self.answer && keys.length() as usize > MAX_ENTRIES {
            let name = self.name_of(path);
            return Err(Error::invalid(
                name,
                text!(name, " has more than ", MAX_ENTRIES, " keys"),
            ));
        }
        let mut entries = Vec::with_capacity(keys.length() as usize);
        for key in keys.iter() {
            let Some(name) = key.as_string() else {
                let name = self.name_of(path);
                return Err(Error::invalid_at(
                    name,
                    " has a symbol key: only string keys are allowed",
                ));
            };
            if self.lost_a_surrogate(&key, &name) {
                let name = self.name_of(path);
                return Err(Error::invalid_at(
                    name,
                    " has a key that contains an unpaired surrogate",
                ));
            }
            let entry_path = if path.is_empty() {
                name.clone()
            } else {
                text!(path, ".", name)
            };
            let entry = guard::get_key(value, &key).map_err(|_| {
                Error::invalid_at(&entry_path, " could not be read: its getter threw")
            })?;
            let entry = self.read(&entry, &entry_path, depth)?;
            entries.push((name, entry));
        }
        Ok(Value::Object(entries))
    }
}

/// True when every surrogate code unit of `text` is one of a high-low pair.
fn well_formed(text: &js_sys::JsString) -> bool {
    let mut expect_low = false;
    for unit in text.iter() {
        let low = (0xDC00..=0xDFFF).contains(&unit);
        if expect_low != low {
            return false;
        }
        expect_low = (0xD800..=0xDBFF).contains(&unit);
    }
    !expect_low
}

/// True for an object with a boolean `aborted` and an `addEventListener` method.
fn looks_like_signal(value: &JsValue) -> bool {
    let get = |name: &str| guard::property(value, name);
    get("aborted").as_bool().is_some()
        && get("addEventListener").is_function()
        && get("removeEventListener").is_function()
}
