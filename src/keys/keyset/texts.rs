//! The text a set keeps of its entries, in one string.
//!
//! A set holds, per key, its kid, its algorithm and its encoded members
//! until the key is converted. Kept as strings of their own, that would be
//! four or five allocations per key to make while reading the set and to
//! free when it is dropped, on whichever thread drops it; kept in one
//! string, it is a few.

/// Where a piece of a set's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    start: usize,
    end: usize,
}

/// The text of a set's entries.
#[derive(Debug, Default)]
pub(super) struct Texts(String);

impl Texts {
    /// Appends `text`, and says where it is.
    pub fn keep(&mut self, text: &str) -> Span {
        let start = self.0.len();
        self.0.push_str(text);
        Span {
            start,
            end: self.0.len(),
        }
    }

    /// The text at `span` (one this holder gave, so always whole).
    pub fn get(&self, span: Span) -> &str {
        self.0.get(span.start..span.end).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_read_back_as_kept() {
        let mut texts = Texts::default();
        let a = texts.keep("kid-é");
        let empty = texts.keep("");
        let b = texts.keep("AQAB");
        assert_eq!(
            (texts.get(a), texts.get(empty), texts.get(b)),
            ("kid-é", "", "AQAB")
        );
    }
}
