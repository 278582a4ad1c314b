//! The segment file's layout: a header (magic, counts, the end of each
//! section) and then its sections in order, read and written as
//! little-endian numbers.

pub(super) const MAGIC: &[u8; 8] = b"RAPSEG01";
pub(super) const SECTIONS: usize = 11;
pub(super) const HEADER: usize = 24 + SECTIONS * 8;
// Sections, in file order.
pub(super) const CLIENT_OFFS: usize = 0;
pub(super) const CLIENT_BLOB: usize = 1;
pub(super) const DOC_CLIENT: usize = 2;
pub(super) const DOC_DATE: usize = 3;
pub(super) const PLACE_OFFS: usize = 4;
pub(super) const PLACE_BLOB: usize = 5;
pub(super) const TERM_OFFS: usize = 6;
pub(super) const TERM_BLOB: usize = 7;
pub(super) const POST_OFFS: usize = 8;
pub(super) const POST_KIND: usize = 9;
pub(super) const POST_BLOB: usize = 10;

/// The kinds of a word's postings: a sorted list of note numbers, or a
/// bitmap of every note.
pub(super) const LIST: u8 = 0;
pub(super) const BITMAP: u8 = 1;

/// The `i`-th little-endian `u32` of `b`, if `b` holds it.
pub(super) fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i * 4..i * 4 + 4)?.try_into().ok()?))
}

/// The `i`-th little-endian `u64` of `b`, if `b` holds it.
pub(super) fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i * 8..i * 8 + 8)?.try_into().ok()?))
}
