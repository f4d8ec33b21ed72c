//! The entries of a key set, found without building the document.
//!
//! A cold lookup needs one key of the set; building every entry of the
//! document as values (and freeing them again) was most of its time with a
//! large set. [`key_set`] checks the whole document's syntax, as
//! [`super::parse`] does, but only notes where each entry of `keys` is and
//! its `kid`. An entry is read with [`super::parse_nested`] when it is used.
//!
//! It answers only for the ordinary shape (an object whose `keys` is a
//! non-empty array) and only for text [`super::parse`] accepts; for
//! anything else (not JSON, another shape) it answers `None`, and the caller
//! reads the document with [`super::parse`], which words the errors. So it
//! may refuse more than `parse` does, never less.

use std::borrow::Cow;

use super::{Reader, string_run_end};

/// How deep the entries of `keys` sit: in the root object, in the array.
pub const ENTRY_DEPTH: usize = 2;

/// One entry of the `keys` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry<'a> {
    /// Byte offset of the entry's first character in the document.
    pub start: usize,
    /// Byte offset just past the entry.
    pub end: usize,
    /// The entry's `kid` when it is an object whose (last) `kid` member is a
    /// string, as [`super::parse`] would read that string.
    pub kid: Option<Cow<'a, str>>,
}

/// The entries of a document's `keys` array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSet<'a> {
    /// The first entries, up to the limit asked for, in order.
    pub entries: Vec<RawEntry<'a>>,
    /// How many entries the array has in all.
    pub total: usize,
}

/// Whether the skim goes on: `None` gives the document back to the full reader.
type Step<T> = Option<T>;

impl<'a> Reader<'a> {
    fn expect(&mut self, byte: u8) -> Step<()> {
        (self.peek() == Some(byte)).then(|| self.pos += 1)
    }

    /// Checks a string, after its opening quote, as [`Reader::string`]
    /// reads it; says whether it has escapes.
    fn skip_string(&mut self) -> Step<bool> {
        let mut escaped = false;
        loop {
            self.pos = string_run_end(self.bytes, self.pos);
            match self.peek()? {
                b'"' => {
                    self.pos += 1;
                    return Some(escaped);
                }
                b'\\' => {
                    escaped = true;
                    self.pos += 1;
                    match self.peek()? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.pos += 1,
                        b'u' => {
                            self.pos += 1;
                            self.hex4().ok()?;
                        }
                        _ => return None,
                    }
                }
                // A control character.
                _ => return None,
            }
        }
    }

    /// A string, after its opening quote: borrowed from the document unless
    /// it has escapes.
    fn string_text(&mut self) -> Step<Cow<'a, str>> {
        let start = self.pos;
        if !self.skip_string()? {
            let text: &'a str = self.text;
            return text.get(start..self.pos - 1).map(Cow::Borrowed);
        }
        self.pos = start;
        self.string().ok().map(Cow::Owned)
    }

    /// Whether the string at the reader, after its opening quote, is `word`.
    fn string_is(&mut self, word: &str) -> Step<bool> {
        Some(self.string_text()? == word)
    }

    /// A member name and its colon; says whether the name is `word`.
    fn member_is(&mut self, word: &str) -> Step<bool> {
        self.expect(b'"')?;
        let is = self.string_is(word)?;
        self.skip_ws();
        self.expect(b':')?;
        self.skip_ws();
        Some(is)
    }

    fn skip_number(&mut self) -> Step<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek()? {
            b'0' => self.pos += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return None;
            }
        }
        Some(())
    }

    fn skip_literal(&mut self, word: &str) -> Step<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end) == Some(word.as_bytes())).then(|| self.pos = end)
    }

    /// Checks one value of any depth, without recursion: `open` is the
    /// stack of containers being read (`true` for an object), reused.
    fn skip_value(&mut self, open: &mut Vec<bool>) -> Step<()> {
        open.clear();
        loop {
            match self.peek()? {
                b'{' => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                    } else {
                        self.member_is("")?;
                        open.push(true);
                        continue;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                    } else {
                        open.push(false);
                        continue;
                    }
                }
                b'"' => {
                    self.pos += 1;
                    self.skip_string()?;
                }
                b't' => self.skip_literal("true")?,
                b'f' => self.skip_literal("false")?,
                b'n' => self.skip_literal("null")?,
                b'-' | b'0'..=b'9' => self.skip_number()?,
                _ => return None,
            }
            // A value is complete: close the containers it completes, up to
            // one that goes on.
            loop {
                let Some(&object) = open.last() else {
                    return Some(());
                };
                self.skip_ws();
                match (self.peek()?, object) {
                    (b',', _) => {
                        self.pos += 1;
                        self.skip_ws();
                        if object {
                            self.member_is("")?;
                        }
                        break;
                    }
                    (b'}', true) | (b']', false) => {
                        self.pos += 1;
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// An entry that is an object, at its `{`: checked, and its last `kid`
    /// member if that is a string.
    fn entry_object(&mut self, open: &mut Vec<bool>) -> Step<Option<Cow<'a, str>>> {
        self.pos += 1;
        self.skip_ws();
        let mut kid = None;
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(kid);
        }
        loop {
            if self.member_is("kid")? {
                // As in `JSON.parse`, a later member of the same name wins.
                kid = None;
                if self.peek() == Some(b'"') {
                    self.pos += 1;
                    kid = Some(self.string_text()?);
                } else {
                    self.skip_value(open)?;
                }
            } else {
                self.skip_value(open)?;
            }
            self.skip_ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.skip_ws();
                }
                b'}' => {
                    self.pos += 1;
                    return Some(kid);
                }
                _ => return None,
            }
        }
    }

    /// The `keys` array, at its `[`.
    fn entries(&mut self, limit: usize, open: &mut Vec<bool>) -> Step<RawSet<'a>> {
        let mut set = RawSet {
            entries: Vec::new(),
            total: 0,
        };
        self.pos += 1;
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some(set);
        }
        loop {
            let start = self.pos;
            let kid = if self.peek() == Some(b'{') {
                self.entry_object(open)?
            } else {
                self.skip_value(open)?;
                None
            };
            if set.total < limit {
                set.entries.push(RawEntry {
                    start,
                    end: self.pos,
                    kid,
                });
            }
            set.total += 1;
            self.skip_ws();
            match self.peek()? {
                b',' => {
                    self.pos += 1;
                    self.skip_ws();
                }
                b']' => {
                    self.pos += 1;
                    return Some(set);
                }
                _ => return None,
            }
        }
    }
}

/// The entries of the `keys` array of `text`, noting the first `limit`
/// only, when `text` is JSON that [`super::parse`] reads as an object whose
/// `keys` is a non-empty array; `None` otherwise.
pub fn key_set(text: &str, limit: usize) -> Option<RawSet<'_>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    let mut open = Vec::new();
    reader.skip_ws();
    reader.expect(b'{')?;
    reader.skip_ws();
    let mut keys = None;
    if reader.peek() != Some(b'}') {
        loop {
            // As in `JSON.parse`, the last `keys` member is the one read.
            if reader.member_is("keys")? {
                keys = None;
                if reader.peek() == Some(b'[') {
                    keys = Some(reader.entries(limit, &mut open)?);
                } else {
                    reader.skip_value(&mut open)?;
                }
            } else {
                reader.skip_value(&mut open)?;
            }
            reader.skip_ws();
            match reader.peek()? {
                b',' => {
                    reader.pos += 1;
                    reader.skip_ws();
                }
                b'}' => break,
                _ => return None,
            }
        }
    }
    reader.pos += 1;
    reader.skip_ws();
    if reader.pos != reader.bytes.len() {
        return None;
    }
    keys.filter(|set| set.total > 0)
}

#[cfg(test)]
mod tests;
