//! Messages built from pieces: string slices, owned strings and integers written by a small
//! decimal writer. `format!` would pull `core::fmt`'s machinery into the wasm for every message.

#[allow(unused_imports)]
use crate::prelude::*;

/// `text` without its leading and trailing whitespace, as `str::trim` (Unicode whitespace), read
/// forwards only: `str::trim` would add reverse UTF-8 decoding and a pattern searcher to the wasm.
pub fn trim(text: &str) -> &str {
    let mut start = None;
    let mut end = 0;
    for (at, c) in text.char_indices() {
        if !c.is_whitespace() {
            start.get_or_insert(at);
            end = at + c.len_utf8();
        }
    }
    start.and_then(|start| text.get(start..end)).unwrap_or("")
}

/// `text` without trailing `/`s (bytes: no pattern searcher in the wasm).
pub fn trim_end_slashes(text: &str) -> &str {
    let mut end = text.len();
    while end > 0 && text.as_bytes().get(end - 1) == Some(&b'/') {
        end -= 1;
    }
    text.get(..end).unwrap_or("")
}

/// True when `text` holds one of the ASCII bytes `bytes`.
pub fn has_any(text: &str, bytes: &[u8]) -> bool {
    text.bytes().any(|b| bytes.contains(&b))
}

/// Something a message can be built from.
pub trait Piece {
    /// Appends the piece to `out`.
    fn push_to(&self, out: &mut String);
}

impl Piece for str {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for String {
    fn push_to(&self, out: &mut String) {
        out.push_str(self);
    }
}

impl Piece for char {
    fn push_to(&self, out: &mut String) {
        out.push(*self);
    }
}

impl Piece for bool {
    fn push_to(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl<T: Piece + ?Sized> Piece for &T {
    fn push_to(&self, out: &mut String) {
        (**self).push_to(out);
    }
}

/// Writes `value` in decimal.
pub fn push_decimal(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    for &digit in digits.iter().skip(at) {
        out.push(char::from(digit));
    }
}

macro_rules! unsigned_piece {
    ($($kind:ty),*) => {$(
        impl Piece for $kind {
            fn push_to(&self, out: &mut String) {
                push_decimal(out, *self as u64);
            }
        }
    )*};
}

unsigned_piece!(u8, u16, u32, u64, usize);

/// Joins the pieces into a `String`: `text!(field, " must be at most ", MAX, " characters")`.
macro_rules! text {
    ($($piece:expr),* $(,)?) => {{
        let mut out = $crate::prelude::String::new();
        $( $crate::text::Piece::push_to(&$piece, &mut out); )*
        out
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_join_and_integers_are_decimal() {
        let name = String::from("containerTags");
        assert_eq!(
            text!(
                name,
                "[",
                3usize,
                "] is ",
                0u32,
                "/",
                u64::MAX,
                " ",
                true,
                '!'
            ),
            "containerTags[3] is 0/18446744073709551615 true!"
        );
        assert_eq!(text!("a", &&"b"), "ab");
    }
}
