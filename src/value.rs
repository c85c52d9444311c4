//! A plain-Rust picture of a JavaScript value, read once from the caller's input.
//!
//! Validation and response parsing work on this type, so they run and are tested natively.

#[allow(unused_imports)]
use crate::prelude::*;

/// How a plain object below the reading depth is described (and recognised).
pub const NESTED_OBJECT: &str = "an object";

/// An index into the table of JavaScript values kept aside while reading (functions, signals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handle(pub usize);

/// A JavaScript value as the validation rules see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `undefined`, or a property that is not there.
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number (NaN and the infinities included).
    Number(f64),
    /// A string.
    String(String),
    /// An array, its items in order.
    Array(Vec<Value>),
    /// A plain object (prototype `Object.prototype` or `null`), its own string keys in order.
    Object(Vec<(String, Value)>),
    /// A function, kept aside.
    Function(Handle),
    /// An object that looks like an `AbortSignal`, kept aside.
    Signal(Handle),
    /// A plain object of the caller's below the reading depth, kept aside unread: a free-form
    /// part (a GitHub resource) is sent as the very object that was checked.
    Nested(Handle),
    /// Anything else: a symbol, a bigint, a class instance, or a container too deep to read.
    Other(&'static str),
}

impl Value {
    /// The word used in error messages for this value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Undefined => "undefined",
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(n) if n.is_nan() => "NaN",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
            Value::Function(_) => "a function",
            Value::Signal(_) => "an AbortSignal",
            Value::Nested(_) => NESTED_OBJECT,
            Value::Other(kind) => kind,
        }
    }

    /// True for a plain object, read or left unread below the reading depth.
    pub fn is_plain_object(&self) -> bool {
        matches!(
            self,
            Value::Object(_) | Value::Nested(_) | Value::Other(NESTED_OBJECT)
        )
    }

    /// True for `undefined`, which the package treats as "not given".
    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Undefined)
    }

    /// The value of an own property of an object, `Undefined` when absent or not an object.
    pub fn get(&self, key: &str) -> &Value {
        match self {
            Value::Object(entries) => entries
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value)
                .unwrap_or(&Value::Undefined),
            _ => &Value::Undefined,
        }
    }
}
