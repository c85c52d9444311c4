//! Calls into JavaScript that may throw, made through `src/js/guard.js`, which catches the
//! exception and keeps it aside. No exception ever crosses into the wasm: one caught by a
//! `catch` import leaves a slot of the externref table allocated for good (the import's return
//! value is never freed on that path), so hostile input would grow the table without bound.

#[allow(unused_imports)]
use crate::prelude::*;

use js_sys::{Array, Function};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::JsValue;

#[wasm_bindgen(module = "/src/js/guard.js")]
extern "C" {
    #[wasm_bindgen(js_name = guardFailed)]
    fn guard_failed() -> bool;
    #[wasm_bindgen(js_name = guardError)]
    fn guard_error() -> JsValue;
    #[wasm_bindgen(js_name = guardGet)]
    fn guard_get(target: &JsValue, key: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = guardCall)]
    fn guard_call(function: &Function, this: &JsValue, args: &Array) -> JsValue;
    /// The global object: `globalThis`.
    #[wasm_bindgen(js_name = globalObject)]
    pub fn global() -> JsValue;
    /// `target[key]` when it is an own property of `target`, else (or when reading throws)
    /// `undefined`.
    #[wasm_bindgen(js_name = ownProperty)]
    pub fn own_property(target: &JsValue, key: &str) -> JsValue;
    /// `target[key] = value`, an exception ignored (a setter a page put on `Object.prototype`).
    #[wasm_bindgen(js_name = setProperty)]
    pub fn set_property(target: &JsValue, key: &str, value: &JsValue);
    #[wasm_bindgen(js_name = guardJsonParse)]
    fn guard_json_parse(text: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = guardJsonStringify)]
    fn guard_json_stringify(value: &JsValue) -> JsValue;
    #[wasm_bindgen(js_name = guardUrlParts)]
    fn guard_url_parts(input: &str, base: Option<&str>) -> Option<String>;
    /// The `fetch` init of one request (see `src/js/guard.js`).
    #[wasm_bindgen(js_name = fetchInit)]
    #[allow(clippy::too_many_arguments)]
    pub fn fetch_init(
        method: &str,
        headers: &str,
        body: &JsValue,
        no_store: bool,
        credentials: Option<&str>,
        mode: Option<&str>,
        referrer: Option<&str>,
        referrer_policy: Option<&str>,
        integrity: Option<&str>,
    ) -> JsValue;
}

/// The value, or the exception the call threw.
fn outcome(value: JsValue) -> Result<JsValue, JsValue> {
    if guard_failed() {
        Err(guard_error())
    } else {
        Ok(value)
    }
}

/// `Reflect.get(target, key)`: getters and Proxy traps may throw.
pub fn get(target: &JsValue, key: &str) -> Result<JsValue, JsValue> {
    outcome(guard_get(target, &JsValue::from_str(key)))
}

/// `Reflect.get(target, key)`, `undefined` when reading throws.
pub fn property(target: &JsValue, key: &str) -> JsValue {
    get(target, key).unwrap_or(JsValue::UNDEFINED)
}

/// `function.call(this, ...args)`.
pub fn call(function: &Function, this: &JsValue, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let list = Array::new();
    for arg in args {
        list.push(arg);
    }
    outcome(guard_call(function, this, &list))
}

/// `JSON.parse(text)`.
pub fn json_parse(text: &JsValue) -> Result<JsValue, JsValue> {
    outcome(guard_json_parse(text))
}

/// `JSON.stringify(value)`: a cycle or a bigint throws.
pub fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue> {
    outcome(guard_json_stringify(value))
}

/// `new URL(input, base)`'s parts, newline-separated (see `src/js/guard.js`), or `None`.
pub fn url_parts(input: &str, base: Option<&str>) -> Option<String> {
    let parts = guard_url_parts(input, base);
    // A failed parse leaves its exception aside: take it, so the next guarded call starts clean.
    outcome(JsValue::UNDEFINED).ok().and(parts)
}
