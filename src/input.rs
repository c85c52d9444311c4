//! Reads the caller's JavaScript values into [`Value`]s. `src/js/read.js` does the reading, so a
//! throwing getter, a Proxy, a symbol or a bigint becomes a validation error and never an
//! exception in Rust; it answers a flat list, decoded here, or a refusal, written up here.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::Array;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

use crate::error::Error;
use crate::value::{Handle, Value, NESTED_OBJECT};

#[wasm_bindgen(module = "/src/js/read.js")]
extern "C" {
    #[wasm_bindgen(js_name = readValue)]
    fn read_value(value: &JsValue, depth: u8, answer: bool, argument: bool) -> Array;
}

/// What a refused read says after the value's name, by the number `read.js` gives it.
const REFUSALS: [&str; 7] = [
    " could not be read",
    " could not be read: its getter threw",
    " has a symbol key: only string keys are allowed",
    " has a key that contains an unpaired surrogate",
    " contains an unpaired surrogate",
    " has more than 10000 items",
    " has more than 10000 keys",
];

/// What else a value is, by the number `read.js` gives it.
const OTHERS: [&str; 6] = [
    "a symbol",
    "a bigint",
    "an unsupported value",
    "an object that is not a plain object",
    "an array",
    NESTED_OBJECT,
];

/// Reads JavaScript values and keeps aside the ones Rust only passes back (functions, signals).
#[derive(Debug, Clone, Default)]
pub struct Reader {
    kept: Vec<JsValue>,
    /// Reading an answer of the API rather than the caller's arguments: no cap on entries, and
    /// strings are taken as they come (they are passed through, never sent).
    answer: bool,
}

/// The list `read.js` answered, read from the front.
struct Tokens {
    list: Array,
    at: u32,
}

impl Tokens {
    fn next(&mut self) -> JsValue {
        let token = self.list.get(self.at);
        self.at += 1;
        token
    }

    fn number(&mut self) -> f64 {
        self.next().as_f64().unwrap_or(0.0)
    }

    fn text(&mut self) -> String {
        self.next().as_string().unwrap_or_default()
    }
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

    /// The JavaScript value behind a handle.
    pub fn kept(&self, handle: Handle) -> JsValue {
        self.kept
            .get(handle.0)
            .cloned()
            .unwrap_or(JsValue::UNDEFINED)
    }

    /// Reads a top-level value, descending `depth` levels into arrays and plain objects; `root`
    /// names it in errors about the value itself.
    pub fn read_root(
        &mut self,
        value: &JsValue,
        root: &'static str,
        depth: u8,
    ) -> Result<Value, Error> {
        self.read(value, root, depth, false)
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
        self.read(value, root, depth, true)
    }

    fn read(
        &mut self,
        value: &JsValue,
        root: &'static str,
        depth: u8,
        argument: bool,
    ) -> Result<Value, Error> {
        let mut tokens = Tokens {
            list: read_value(value, depth, self.answer, argument),
            at: 0,
        };
        if tokens.list.get(0).as_f64() != Some(12.0) {
            return Ok(self.decode(&mut tokens));
        }
        tokens.at = 1;
        let kind = tokens.number() as usize;
        let path = tokens.text();
        // A getter's own path names it as written; elsewhere the value itself is the root.
        let name = if path.is_empty() && kind != 1 {
            root
        } else {
            &path
        };
        let rest = REFUSALS.get(kind).copied().unwrap_or(REFUSALS[0]);
        Err(Error::invalid_at(name, rest))
    }

    /// The next value of the list.
    fn decode(&mut self, tokens: &mut Tokens) -> Value {
        match tokens.number() as u8 {
            0 => Value::Undefined,
            1 => Value::Null,
            2 => Value::Bool(false),
            3 => Value::Bool(true),
            4 => Value::Number(tokens.number()),
            5 => Value::String(tokens.text()),
            6 => {
                let count = tokens.number() as u32;
                let mut items = Vec::new();
                for _ in 0..count {
                    items.push(self.decode(tokens));
                }
                Value::Array(items)
            }
            7 => {
                let count = tokens.number() as u32;
                let mut entries = Vec::new();
                for _ in 0..count {
                    let key = tokens.text();
                    entries.push((key, self.decode(tokens)));
                }
                Value::Object(entries)
            }
            8 => Value::Function(self.keep(&tokens.next())),
            9 => Value::Signal(self.keep(&tokens.next())),
            10 => Value::Nested(self.keep(&tokens.next())),
            _ => Value::Other(
                OTHERS
                    .get(tokens.number() as usize)
                    .copied()
                    .unwrap_or(OTHERS[2]),
            ),
        }
    }

    pub(crate) fn keep(&mut self, value: &JsValue) -> Handle {
        self.kept.push(value.clone());
        Handle(self.kept.len() - 1)
    }
}
