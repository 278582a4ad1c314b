//! Reading a segment: its file checked as it is parsed, and the notes
//! that hold a query's words looked up in it.

use chrono::NaiveDate;
use memchr::memmem;

use super::format::*;
use super::write::Encoder;
use super::{Bits, ones};

/// A segment as read from its file.
pub struct Segment {
    /// The whole file (its tests compare two segments byte for byte).
    pub(super) bytes: Vec<u8>,
    n_docs: usize,
    sections: [(usize, usize); SECTIONS],
}

impl Segment {
    /// The segment in `bytes`, or None when they are not one.
    pub fn parse(bytes: Vec<u8>) -> Option<Segment> {
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return None;
        }
        let count = |i: usize| u32_at(&bytes[8..], i).map(|n| n as usize);
        let (n_clients, n_docs, n_terms) = (count(0)?, count(1)?, count(2)?);
        let mut sections = [(0, 0); SECTIONS];
        let mut start = HEADER;
        for (i, s) in sections.iter_mut().enumerate() {
            let end = usize::try_from(u64_at(&bytes[24..], i)?).ok()?;
            if end < start || end > bytes.len() {
                return None;
            }
            *s = (start, end);
            start = end;
        }
        let len = |i: usize| sections[i].1 - sections[i].0;
        let sized = [
            (CLIENT_OFFS, (n_clients + 1) * 4),
            (DOC_CLIENT, n_docs * 4),
            (DOC_DATE, n_docs * 4),
            (PLACE_OFFS, (n_docs + 1) * 4),
            (TERM_OFFS, (n_terms + 1) * 4),
            (POST_OFFS, (n_terms + 1) * 8),
            (POST_KIND, n_terms),
        ];
        if start != bytes.len() || sized.iter().any(|&(s, want)| len(s) != want) {
            return None;
        }
        Some(Segment { bytes, n_docs, sections })
    }

    /// A segment with no notes.
    pub fn empty() -> Segment {
        Segment::parse(Encoder::new(&[]).finish()).expect("an empty segment parses")
    }

    pub(super) fn section(&self, i: usize) -> &[u8] {
        let (a, b) = self.sections[i];
        &self.bytes[a..b]
    }

    fn count(&self, offs: usize) -> usize {
        self.section(offs).len() / if offs == POST_OFFS { 8 } else { 4 } - 1
    }

    /// The `i`-th string of a table of offsets into a blob.
    fn string(&self, offs: usize, blob: usize, i: usize) -> Option<&str> {
        let (o, b) = (self.section(offs), self.section(blob));
        let (a, z) = (u32_at(o, i)? as usize, u32_at(o, i + 1)? as usize);
        std::str::from_utf8(b.get(a..z)?).ok()
    }

    pub fn n_docs(&self) -> usize {
        self.n_docs
    }

    /// How many clients the segment holds notes of.
    pub fn n_clients(&self) -> usize {
        self.count(CLIENT_OFFS)
    }

    pub fn client(&self, i: usize) -> Option<&str> {
        self.string(CLIENT_OFFS, CLIENT_BLOB, i)
    }

    /// Note `n`: its client's number, date and place.
    pub fn doc(&self, n: usize) -> Option<(usize, NaiveDate, &str)> {
        let client = u32_at(self.section(DOC_CLIENT), n)? as usize;
        let days = u32_at(self.section(DOC_DATE), n)? as i32;
        Some((client, NaiveDate::from_num_days_from_ce_opt(days)?, self.string(PLACE_OFFS, PLACE_BLOB, n)?))
    }

    fn doc_client(&self, n: usize) -> Option<usize> {
        u32_at(self.section(DOC_CLIENT), n).map(|c| c as usize)
    }

    /// An empty set of this segment's notes.
    pub fn none(&self) -> Bits {
        vec![0; self.n_docs.div_ceil(64)]
    }

    /// The notes whose words hold every piece (each a run of word
    /// characters, folded): in any word, anywhere in it.
    pub fn matching(&self, pieces: &[String]) -> Bits {
        let mut all: Option<Bits> = None;
        for piece in pieces {
            let mut these = self.none();
            for t in self.terms_holding(piece) {
                self.add_postings(t, &mut these);
            }
            all = Some(match all {
                None => these,
                Some(mut a) => {
                    a.iter_mut().zip(&these).for_each(|(x, y)| *x &= y);
                    a
                }
            });
        }
        all.unwrap_or_else(|| self.none())
    }

    /// The numbers of the words that hold `piece`: one pass over the list
    /// of words, which is small beside the notes.
    fn terms_holding(&self, piece: &str) -> Vec<usize> {
        let (offs, blob) = (self.section(TERM_OFFS), self.section(TERM_BLOB));
        let n_terms = self.count(TERM_OFFS);
        let mut found: Vec<usize> = Vec::new();
        for at in memmem::find_iter(blob, piece.as_bytes()) {
            // The last word starting at or before `at`.
            let (mut lo, mut hi) = (0, n_terms);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if u32_at(offs, mid).is_some_and(|s| s as usize <= at) { lo = mid + 1 } else { hi = mid }
            }
            if lo > 0 && found.last() != Some(&(lo - 1)) {
                found.push(lo - 1);
            }
        }
        found
    }

    fn add_postings(&self, term: usize, bits: &mut Bits) {
        let offs = self.section(POST_OFFS);
        let (Some(a), Some(z), Some(&kind)) =
            (u64_at(offs, term), u64_at(offs, term + 1), self.section(POST_KIND).get(term))
        else {
            return;
        };
        let Some(p) =
            usize::try_from(a).ok().zip(usize::try_from(z).ok()).and_then(|(a, z)| self.section(POST_BLOB).get(a..z))
        else {
            return;
        };
        match kind {
            BITMAP => {
                for (x, w) in bits.iter_mut().zip(p.chunks_exact(8)) {
                    *x |= u64::from_le_bytes(w.try_into().expect("eight bytes"));
                }
            }
            _ => {
                for n in p.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")) as usize) {
                    if let Some(x) = bits.get_mut(n / 64) {
                        *x |= 1 << (n % 64);
                    }
                }
            }
        }
        // A bitmap's spare bits past the last note stay clear.
        if let Some(last) = bits.last_mut()
            && !self.n_docs.is_multiple_of(64)
        {
            *last &= (1u64 << (self.n_docs % 64)) - 1;
        }
    }

    /// The notes of the clients for which `keep` is true.
    pub fn of_clients(&self, keep: impl Fn(&str) -> bool) -> Bits {
        let kept: Vec<bool> = (0..self.n_clients()).map(|c| self.client(c).is_some_and(&keep)).collect();
        let mut bits = self.none();
        for n in 0..self.n_docs {
            if self.doc_client(n).and_then(|c| kept.get(c)).copied().unwrap_or(false) {
                bits[n / 64] |= 1 << (n % 64);
            }
        }
        bits
    }

    /// Every word and the notes that hold it, in order of the words (the
    /// buffers are used again from one word to the next).
    pub(super) fn for_each_term(&self, mut each: impl FnMut(&str, &[u32])) {
        let mut bits = self.none();
        let mut list: Vec<u32> = Vec::new();
        for t in 0..self.count(TERM_OFFS) {
            let Some(term) = self.string(TERM_OFFS, TERM_BLOB, t).and_then(|t| t.strip_suffix('\n')) else { continue };
            bits.iter_mut().for_each(|w| *w = 0);
            self.add_postings(t, &mut bits);
            list.clear();
            list.extend(ones(&bits).map(|n| n as u32));
            each(term, &list);
        }
    }
}
