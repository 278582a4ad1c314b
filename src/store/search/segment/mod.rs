//! The search index's main segment: an inverted index from every word of
//! the folded note text to the notes that hold it, so a query reads only
//! the postings of the words it names.
//!
//! Notes are numbered newest first (then by client id, then in the order
//! of the record), so a set of matches is already ranked: the first set
//! bits are the hits to show. A word's postings are a sorted list of
//! numbers, or a bitmap when that is smaller (a word in most notes).
//!
//! A query reads only what it needs: the dictionary of words, the buckets
//! of the words that hold its pieces, and the notes it shows (see
//! [`format`]); in an encrypted practice each is sealed on its own.
//!
//! The file is derived. Every offset read from it is checked, so a damaged
//! or hostile file gives wrong hits at worst (each is then checked against
//! the client's own file), never a panic; a block that does not open or
//! parse makes the index rebuilt.

use chrono::NaiveDate;

mod format;
mod read;
#[cfg(test)]
mod tests;
mod write;

pub use read::{Segment, Source};
pub use write::{Builder, build, merge};

/// A character a word is made of: letters, digits, `'` and `-`, as in a
/// query (see [`super::query_words`]).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '-'
}

/// The words of folded text: its longest runs of word characters, each
/// holding a letter or digit. A query word found anywhere in the text lies
/// within one of them, so looking it up among them finds what a scan of
/// the text would.
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c)).filter(|w| w.chars().any(char::is_alphanumeric))
}

/// One searchable line: `client \t place \t date \t folded text`.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    pub client: &'a str,
    pub place: &'a str,
    pub date: NaiveDate,
    pub text: &'a str,
}

impl<'a> Line<'a> {
    pub fn parse(line: &'a str) -> Option<Line<'a>> {
        let mut f = line.splitn(4, '\t');
        let (client, place, date, text) = (f.next()?, f.next()?, f.next()?, f.next()?);
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
        Some(Line { client, place, date, text })
    }
}

/// A set of notes, by number.
pub type Bits = Vec<u64>;

/// The numbers of the set bits, in order.
pub fn ones(bits: &[u64]) -> impl Iterator<Item = usize> + '_ {
    bits.iter().enumerate().flat_map(|(i, &w)| {
        let mut w = w;
        std::iter::from_fn(move || {
            (w != 0).then(|| {
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                i * 64 + b
            })
        })
    })
}
