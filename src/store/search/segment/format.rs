//! The segment file's layout, read a block at a time:
//!
//! ```text
//! MAGIC | head length (u32) | head | directory | blocks
//! head:      the build's id (16 bytes) | notes | words | buckets | chunks (u32 each)
//! directory: for each block, its offset (u64) and length (u32)
//! blocks:    0, the words, each ending in a line break (the dictionary);
//!            1 ..= buckets, the postings of the keys that hash there;
//!            then the notes, CHUNK at a time, newest first.
//! ```
//!
//! In an encrypted practice the head and every block are sealed on their
//! own (see [`Keys::seal_index`]), each bound to the build's id and its
//! place, and a word's bucket is a keyed hash of it: the file names no
//! word, and a query opens only the dictionary and its words' buckets.
//! Numbers are little-endian.

use sha2::{Digest, Sha256};

use crate::store::crypt::Keys;

pub(super) const MAGIC: &[u8; 8] = b"RAPSEG02";
/// The head's plain text: the id and four counts.
pub(super) const HEAD: usize = 16 + 4 * 4;
/// The most a sealed head may take (it is HEAD plus a nonce and a tag).
pub(super) const HEAD_MAX: usize = 256;
/// A directory entry: offset and length.
pub(super) const ENTRY: usize = 12;
/// Notes a block of the note table holds.
pub(super) const CHUNK: usize = 1024;
/// The fewest bytes a note takes there: three lengths and a day.
pub(super) const DOC_MIN: u64 = 16;
/// The head's place, in what seals it.
const HEAD_PLACE: u32 = u32::MAX;

/// The kinds of a key's postings: a sorted list of note numbers, or a
/// bitmap of every note.
pub(super) const LIST: u8 = 0;
pub(super) const BITMAP: u8 = 1;

/// The key of a client's own postings (every note of theirs), among the
/// words: `=` is no word character, so no word is one.
pub(super) fn client_key(id: &str) -> String {
    format!("={id}")
}

/// The bucket, of `n_buckets`, that holds `key`'s postings: a keyed hash
/// when the practice is encrypted, a plain one otherwise.
pub(super) fn bucket_of(keys: Option<&Keys>, key: &str, n_buckets: u32) -> u32 {
    let hash = match keys {
        Some(k) => k.index_hash(key.as_bytes()),
        None => {
            let h = Sha256::new().chain_update(b"rapport search bucket\0").chain_update(key.as_bytes()).finalize();
            u64::from_le_bytes(h[..8].try_into().expect("eight bytes"))
        }
    };
    (hash % u64::from(n_buckets.max(1))) as u32
}

/// What binds block `place` to the build `id`: a block moved to another
/// place or into another index does not open.
fn context(id: &[u8; 16], place: u32) -> Vec<u8> {
    [&MAGIC[..], id, &place.to_le_bytes()].concat()
}

/// Block `place` of build `id`, sealed when the practice is encrypted.
pub(super) fn seal(keys: Option<&Keys>, id: &[u8; 16], place: u32, plain: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    match keys {
        Some(k) => k.seal_index(&context(id, place), &plain),
        None => Ok(plain),
    }
}

/// A block as [`seal`] made it, or None when it was not.
pub(super) fn open(keys: Option<&Keys>, id: &[u8; 16], place: u32, sealed: Vec<u8>) -> Option<Vec<u8>> {
    match keys {
        Some(k) => k.open_index(&context(id, place), &sealed),
        None => Some(sealed),
    }
}

/// The head: the id is not known before it is opened.
pub(super) fn seal_head(keys: Option<&Keys>, plain: Vec<u8>) -> anyhow::Result<Vec<u8>> {
    seal(keys, &[0; 16], HEAD_PLACE, plain)
}

pub(super) fn open_head(keys: Option<&Keys>, sealed: Vec<u8>) -> Option<Vec<u8>> {
    open(keys, &[0; 16], HEAD_PLACE, sealed)
}

/// The `i`-th little-endian `u32` of `b`, if `b` holds it.
pub(super) fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i * 4..i * 4 + 4)?.try_into().ok()?))
}

/// Reads a block's fields in order, each checked against its end.
pub(super) struct Fields<'a>(pub(super) &'a [u8]);

impl<'a> Fields<'a> {
    pub(super) fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.bytes(4)?.try_into().ok()?))
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.bytes(8)?.try_into().ok()?))
    }

    /// Bytes, their length first.
    pub(super) fn sized(&mut self) -> Option<&'a [u8]> {
        let n = self.u32()? as usize;
        self.bytes(n)
    }

    /// A string, its length first.
    pub(super) fn str(&mut self) -> Option<&'a str> {
        std::str::from_utf8(self.sized()?).ok()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}
