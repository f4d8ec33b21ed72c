//! A JSON reader that accepts exactly the documents `JSON.parse` accepts.
//!
//! jwks-rsa reads a body with `JSON.parse`, which has no nesting limit, turns
//! numbers outside the f64 range into `±Infinity` and keeps lone UTF-16
//! surrogates in strings. `serde_json` rejects all three, so one odd member
//! anywhere would take the whole set down. This reader:
//!
//! - never recurses: nesting is tracked on a heap stack, so a megabyte of `[`
//!   costs a megabyte of stack entries, not a stack overflow;
//! - builds values only down to [`BUILT_DEPTH`] levels: deeper containers are
//!   checked for syntax and kept as empty containers of the same kind, which
//!   is all a key set's reader can observe of them (a non-string, truthy
//!   value);
//! - reads numbers outside the f64 range as `±f64::MAX` (truthy, non-zero, as
//!   `±Infinity` is), and numbers too small to represent as `0`, as V8 does;
//! - reads a lone surrogate escape as U+FFFD, as N-API converts such a
//!   JavaScript string to UTF-8.

use serde_json::{Map, Number, Value};

pub mod skim;

/// Containers deeper than this are checked but kept empty. A key set's
/// reader looks at most at `keys[i].key_ops[j]`, four levels down.
pub const BUILT_DEPTH: usize = 6;

/// Why a document is not JSON, for diagnostics (the JavaScript layer
/// reproduces `JSON.parse`'s own message from the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset of the first offending character.
    pub offset: usize,
    /// What was expected there.
    pub expected: &'static str,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Unexpected token in JSON at position {}: expected {}",
            self.offset, self.expected
        )
    }
}

/// A container being read, down to [`BUILT_DEPTH`].
enum Frame {
    /// An array and its items so far.
    Array(Vec<Value>),
    /// An object and the member name waiting for its value.
    Object(Map<String, Value>, String),
}

/// The containers being read: built ones, then deeper ones only checked
/// (one byte each, `true` for an object), so hostile nesting costs little.
#[derive(Default)]
struct Stack {
    /// How deep the document read sits in a larger one (see [`parse_nested`]).
    base: usize,
    built: Vec<Frame>,
    deep: Vec<bool>,
}

impl Stack {
    fn depth(&self) -> usize {
        self.base + self.built.len() + self.deep.len()
    }

    /// Opens a container: built when `frame` is given, else only checked.
    fn open(&mut self, frame: Option<Frame>, object: bool) {
        match frame {
            Some(frame) => self.built.push(frame),
            None => self.deep.push(object),
        }
    }
}

struct Reader<'a> {
    /// The document; every position the reader stops at is an ASCII byte,
    /// so slicing it there is always on a character boundary.
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn fail<T>(&self, expected: &'static str) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset: self.pos,
            expected,
        })
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn eat(&mut self, byte: u8, expected: &'static str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(expected)
        }
    }

    /// Steps over an opening bracket; says whether `close` follows at once
    /// (and steps over it too).
    fn open_is_empty(&mut self, close: u8) -> bool {
        self.pos += 1;
        self.skip_ws();
        let empty = self.peek() == Some(close);
        if empty {
            self.pos += 1;
        }
        empty
    }

    fn literal(&mut self, word: &'static str, value: Value) -> Result<Value, SyntaxError> {
        match self.bytes.get(self.pos..self.pos + word.len()) {
            Some(found) if found == word.as_bytes() => {
                self.pos += word.len();
                Ok(value)
            }
            _ => self.fail(word),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.fail("a digit"),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return self.fail("a digit");
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.fail("a digit");
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        // Integers keep serde_json's integer form (`-0` is a float there).
        let integer = !text.contains(['.', 'e', 'E']) && text != "-0";
        let exact = integer
            .then(|| {
                text.parse::<i64>()
                    .map(Number::from)
                    .ok()
                    .or_else(|| text.parse::<u64>().map(Number::from).ok())
            })
            .flatten();
        let number = exact.unwrap_or_else(|| {
            let value: f64 = text.parse().unwrap_or(0.0);
            // Outside the f64 range JSON.parse gives ±Infinity: truthy and
            // non-zero, as ±f64::MAX is.
            let finite = if value.is_finite() {
                value
            } else {
                f64::MAX.copysign(value)
            };
            Number::from_f64(finite).unwrap_or_else(|| Number::from(0))
        });
        Ok(Value::Number(number))
    }

    fn hex4(&mut self) -> Result<u16, SyntaxError> {
        let mut unit = 0u16;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .map_or_else(|| self.fail("a hex digit"), Ok)?;
            unit = unit << 4 | digit as u16;
            self.pos += 1;
        }
        Ok(unit)
    }

    /// A string, after its opening quote.
    fn string(&mut self) -> Result<String, SyntaxError> {
        let mut units: Vec<u16> = Vec::new();
        let mut text = String::new();
        loop {
            let start = self.pos;
            self.pos = string_run_end(self.bytes, start);
            // The input is a `str` and the run stops only at ASCII bytes, so
            // the run is whole UTF-8.
            let run = self.text.get(start..self.pos).unwrap_or_default();
            if !run.is_empty() {
                flush_units(&mut units, &mut text);
                text.push_str(run);
            }
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    flush_units(&mut units, &mut text);
                    return Ok(text);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let simple = match self.peek() {
                        Some(b'"') => Some('"'),
                        Some(b'\\') => Some('\\'),
                        Some(b'/') => Some('/'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'f') => Some('\u{c}'),
                        Some(b'n') => Some('\n'),
                        Some(b'r') => Some('\r'),
                        Some(b't') => Some('\t'),
                        Some(b'u') => None,
                        _ => return self.fail("an escape"),
                    };
                    self.pos += 1;
                    match simple {
                        Some(c) => {
                            flush_units(&mut units, &mut text);
                            text.push(c);
                        }
                        None => units.push(self.hex4()?),
                    }
                }
                _ => return self.fail("a closing quote"),
            }
        }
    }
}

/// Where the run of plain string bytes starting at `from` ends: at the
/// first quote, backslash or control byte, or at the end of `bytes`.
///
/// Most of a key set is long base64url strings, so this looks at eight bytes
/// at a time: a byte-by-byte search was most of the time of reading a set.
pub(crate) fn string_run_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let rest = bytes.get(from..).unwrap_or_default();
    let mut at = 0;
    let mut words = rest.chunks_exact(8);
    for word in &mut words {
        let Ok(word) = <[u8; 8]>::try_from(word) else {
            break;
        };
        let x = u64::from_le_bytes(word);
        // The classic "has a zero byte" test, for `"`, `\` and bytes
        // below 0x20. A borrow can only mark bytes after a true match, so
        // the lowest marked byte is the first match.
        let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGH;
        let marked = zero(x ^ (ONES * u64::from(b'"')))
            | zero(x ^ (ONES * u64::from(b'\\')))
            | (x.wrapping_sub(ONES * 0x20) & !x & HIGH);
        if marked != 0 {
            return from + at + (marked.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let tail = words.remainder();
    from + at
        + tail
            .iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(tail.len())
}

/// Appends escaped UTF-16 units, a lone surrogate as U+FFFD.
fn flush_units(units: &mut Vec<u16>, text: &mut String) {
    if !units.is_empty() {
        text.extend(char::decode_utf16(units.drain(..)).map(|c| c.unwrap_or('\u{fffd}')));
    }
}

/// Reads `text` as `JSON.parse` would.
///
/// # Errors
/// Where the text stops being JSON.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    parse_nested(text, 0)
}

/// Reads `text`, a value found `depth` containers down in a larger document,
/// as [`parse`] reads it there: containers are built down to
/// [`BUILT_DEPTH`] of the larger document, not of `text`.
///
/// # Errors
/// Where the text stops being JSON (offsets are within `text`).
pub fn parse_nested(text: &str, depth: usize) -> Result<Value, SyntaxError> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut stack = Stack {
        base: depth,
        ..Stack::default()
    };
    reader.skip_ws();
    let root = loop {
        let value = match open_or_read(&mut reader, &mut stack)? {
            Some(value) => value,
            None => continue,
        };
        if let Some(root) = hand_over(&mut reader, &mut stack, value)? {
            break root;
        }
    };
    reader.skip_ws();
    if reader.pos != reader.bytes.len() {
        return reader.fail("the end of the document");
    }
    Ok(root)
}

/// Reads one value, or opens a non-empty container (then `None`).
fn open_or_read(reader: &mut Reader<'_>, stack: &mut Stack) -> Result<Option<Value>, SyntaxError> {
    let built = stack.depth() < BUILT_DEPTH;
    let value = match reader.peek() {
        Some(b'{') => {
            if reader.open_is_empty(b'}') {
                Value::Object(Map::new())
            } else {
                let name = member_name(reader)?;
                stack.open(built.then(|| Frame::Object(Map::new(), name)), true);
                return Ok(None);
            }
        }
        Some(b'[') => {
            if reader.open_is_empty(b']') {
                Value::Array(Vec::new())
            } else {
                stack.open(built.then(|| Frame::Array(Vec::new())), false);
                return Ok(None);
            }
        }
        Some(b'"') => {
            reader.pos += 1;
            Value::String(reader.string()?)
        }
        Some(b't') => reader.literal("true", Value::Bool(true))?,
        Some(b'f') => reader.literal("false", Value::Bool(false))?,
        Some(b'n') => reader.literal("null", Value::Null)?,
        Some(b'-' | b'0'..=b'9') => reader.number()?,
        _ => return reader.fail("a value"),
    };
    Ok(Some(value))
}

/// Gives a value to its container and closes every container it completes.
/// Returns the document when the outermost value is complete, `None` when
/// the next value of a container is due.
fn hand_over(
    reader: &mut Reader<'_>,
    stack: &mut Stack,
    mut value: Value,
) -> Result<Option<Value>, SyntaxError> {
    loop {
        reader.skip_ws();
        if let Some(&object) = stack.deep.last() {
            // Deeper than built: the value is dropped, only syntax counts.
            let close = if object { b'}' } else { b']' };
            match reader.peek() {
                Some(b',') => {
                    reader.pos += 1;
                    reader.skip_ws();
                    if object {
                        member_name(reader)?;
                    }
                    return Ok(None);
                }
                Some(b) if b == close => reader.pos += 1,
                _ => return reader.fail(if object { "',' or '}'" } else { "',' or ']'" }),
            }
            stack.deep.pop();
            value = if object {
                Value::Object(Map::new())
            } else {
                Value::Array(Vec::new())
            };
            continue;
        }
        let Some(frame) = stack.built.pop() else {
            return Ok(Some(value));
        };
        // The container is kept open on ',' and becomes the value on close.
        value = match frame {
            Frame::Array(mut items) => {
                items.push(value);
                match reader.peek() {
                    Some(b',') => {
                        reader.pos += 1;
                        reader.skip_ws();
                        stack.built.push(Frame::Array(items));
                        return Ok(None);
                    }
                    Some(b']') => reader.pos += 1,
                    _ => return reader.fail("',' or ']'"),
                }
                Value::Array(items)
            }
            Frame::Object(mut map, name) => {
                map.insert(name, value);
                match reader.peek() {
                    Some(b',') => {
                        reader.pos += 1;
                        reader.skip_ws();
                        let next = member_name(reader)?;
                        stack.built.push(Frame::Object(map, next));
                        return Ok(None);
                    }
                    Some(b'}') => reader.pos += 1,
                    _ => return reader.fail("',' or '}'"),
                }
                Value::Object(map)
            }
        };
    }
}

/// A member name and its colon; leaves the reader at the member's value.
fn member_name(reader: &mut Reader<'_>) -> Result<String, SyntaxError> {
    reader.eat(b'"', "a member name")?;
    let name = reader.string()?;
    reader.skip_ws();
    reader.eat(b':', "':'")?;
    reader.skip_ws();
    Ok(name)
}

#[cfg(test)]
mod tests;
