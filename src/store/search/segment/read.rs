//! Reading a segment a block at a time: the head when it is opened, then
//! only what a query needs (the dictionary, its words' buckets, the notes
//! it shows). Every block is checked as it is read; one that is not what
//! Rapport wrote makes the query answer None, and the index is rebuilt.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fs::File;
use std::os::unix::fs::FileExt;
use std::rc::Rc;

use chrono::NaiveDate;
use memchr::memmem;

use super::format::*;
use super::write::{Doc, Encoder};
use super::{Bits, ones};
use crate::store::crypt::SharedKeys;

/// Where a segment's bytes are: its file, or memory.
pub enum Source {
    File(File),
    Bytes(Vec<u8>),
}

impl Source {
    fn len(&self) -> Option<u64> {
        match self {
            Source::File(f) => f.metadata().ok().map(|m| m.len()),
            Source::Bytes(b) => Some(b.len() as u64),
        }
    }

    fn read(&self, at: u64, len: usize) -> Option<Vec<u8>> {
        match self {
            Source::File(f) => {
                let mut buf = vec![0; len];
                f.read_exact_at(&mut buf, at).ok()?;
                Some(buf)
            }
            Source::Bytes(b) => Some(b.get(usize::try_from(at).ok()?..)?.get(..len)?.to_vec()),
        }
    }
}

/// A segment, opened: its head read, its blocks read when asked for.
pub struct Segment {
    source: Source,
    keys: SharedKeys,
    len: u64,
    id: [u8; 16],
    n_docs: usize,
    n_terms: usize,
    n_buckets: u32,
    n_chunks: usize,
    /// Where the directory starts.
    directory: u64,
    /// Blocks already read and opened, by place (a query may ask twice).
    read: RefCell<HashMap<u32, Rc<Vec<u8>>>>,
}

impl Segment {
    /// The segment in `source`, or None when its head is not one.
    pub fn open(source: Source, keys: SharedKeys) -> Option<Segment> {
        let len = source.len()?;
        let start = source.read(0, MAGIC.len() + 4)?;
        if &start[..MAGIC.len()] != MAGIC {
            return None;
        }
        let head_len = u32_at(&start[MAGIC.len()..], 0)? as usize;
        if head_len > HEAD_MAX {
            return None;
        }
        let head = open_head(keys.as_deref(), source.read(start.len() as u64, head_len)?)?;
        let mut f = Fields(&head);
        let id: [u8; 16] = f.bytes(16)?.try_into().ok()?;
        let mut count = || f.u32().map(|n| n as usize);
        let (n_docs, n_terms, n_buckets, n_chunks) = (count()?, count()?, count()?, count()?);
        let directory = (start.len() + head_len) as u64;
        let blocks = 1 + n_buckets as u64 + n_chunks as u64;
        // Each note takes at least DOC_MIN bytes of the file: a head that
        // claims more notes than fit never sizes a set of them.
        if head.len() != HEAD
            || n_buckets == 0
            || n_chunks != n_docs.div_ceil(CHUNK)
            || n_docs as u64 * DOC_MIN > len
            || directory + blocks * ENTRY as u64 > len
        {
            return None;
        }
        let n_buckets = u32::try_from(n_buckets).ok()?;
        Some(Segment {
            source,
            keys,
            len,
            id,
            n_docs,
            n_terms,
            n_buckets,
            n_chunks,
            directory,
            read: RefCell::default(),
        })
    }

    /// A segment with no notes.
    pub fn empty() -> Segment {
        let bytes = Encoder::new(Vec::new()).finish(None).expect("a plain segment needs no randomness");
        Segment::open(Source::Bytes(bytes), None).expect("an empty segment opens")
    }

    /// Block `place`, opened; None when it is damaged.
    fn block(&self, place: u32) -> Option<Rc<Vec<u8>>> {
        if let Some(b) = self.read.borrow().get(&place) {
            return Some(Rc::clone(b));
        }
        let entry = self.source.read(self.directory + u64::from(place) * ENTRY as u64, ENTRY)?;
        let mut f = Fields(&entry);
        let (at, len) = (f.u64()?, f.u32()?);
        let blocks_start = self.directory + (1 + u64::from(self.n_buckets) + self.n_chunks as u64) * ENTRY as u64;
        if at < blocks_start || at.checked_add(u64::from(len))? > self.len {
            return None;
        }
        let sealed = self.source.read(at, len as usize)?;
        let block = Rc::new(open(self.keys.as_deref(), &self.id, place, sealed)?);
        self.read.borrow_mut().insert(place, Rc::clone(&block));
        Some(block)
    }

    pub fn n_docs(&self) -> usize {
        self.n_docs
    }

    /// An empty set of this segment's notes.
    pub fn none(&self) -> Bits {
        vec![0; self.n_docs.div_ceil(64)]
    }

    /// The notes whose words hold every piece (each a run of word
    /// characters, folded): in any word, anywhere in it. None when a block
    /// it needs is damaged.
    pub fn matching(&self, pieces: &[String]) -> Option<Bits> {
        let dictionary = self.block(0)?;
        let mut all: Option<Bits> = None;
        for piece in pieces {
            let mut these = self.none();
            for term in terms_holding(&dictionary, piece) {
                // A word of the dictionary must be in its bucket.
                if !self.add_postings(std::str::from_utf8(term).ok()?, &mut these)? {
                    return None;
                }
            }
            all = Some(match all {
                None => these,
                Some(mut a) => {
                    a.iter_mut().zip(&these).for_each(|(x, y)| *x &= y);
                    a
                }
            });
        }
        Some(all.unwrap_or_else(|| self.none()))
    }

    /// The notes of the clients `ids`. None when a block it needs is damaged.
    pub fn of_clients<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Option<Bits> {
        let mut bits = self.none();
        for id in ids {
            // A client with no notes here has no postings.
            self.add_postings(&client_key(id), &mut bits)?;
        }
        Some(bits)
    }

    /// Adds `key`'s postings to `bits`: Some(false) when its bucket does
    /// not hold it, None when the bucket is damaged.
    fn add_postings(&self, key: &str, bits: &mut Bits) -> Option<bool> {
        let bucket = self.block(1 + bucket_of(self.keys.as_deref(), key, self.n_buckets))?;
        let mut f = Fields(&bucket);
        while !f.is_empty() {
            let (k, postings) = (f.str()?, f.sized()?);
            if k == key {
                self.decode(postings, bits)?;
                return Some(true);
            }
        }
        Some(false)
    }

    /// Sets the bits of encoded postings; None when they are not postings
    /// of this segment.
    fn decode(&self, postings: &[u8], bits: &mut Bits) -> Option<()> {
        let (&kind, p) = postings.split_first()?;
        match kind {
            BITMAP if p.len() == bits.len() * 8 => {
                for (x, w) in bits.iter_mut().zip(p.chunks_exact(8)) {
                    *x |= u64::from_le_bytes(w.try_into().ok()?);
                }
                // A bitmap's spare bits past the last note stay clear.
                if let Some(last) = bits.last_mut()
                    && !self.n_docs.is_multiple_of(64)
                {
                    *last &= (1u64 << (self.n_docs % 64)) - 1;
                }
            }
            LIST if p.len().is_multiple_of(4) => {
                for n in p.chunks_exact(4).map(|b| u32::from_le_bytes(b.try_into().expect("four bytes")) as usize) {
                    *bits.get_mut(n / 64)? |= 1 << (n % 64);
                }
            }
            _ => return None,
        }
        Some(())
    }

    /// Note `n`: its client, date and place; None when its block is damaged.
    pub fn doc(&self, n: usize) -> Option<Doc> {
        if n >= self.n_docs {
            return None;
        }
        let chunk = self.chunk(n / CHUNK)?;
        chunk.into_iter().nth(n % CHUNK)
    }

    /// The notes of block `c` of the note table.
    fn chunk(&self, c: usize) -> Option<Vec<Doc>> {
        let block = self.block(1 + self.n_buckets + u32::try_from(c).ok()?)?;
        let want = CHUNK.min(self.n_docs - c * CHUNK);
        let mut f = Fields(&block);
        let mut docs = Vec::with_capacity(want);
        while !f.is_empty() {
            let client = f.str()?.to_string();
            let date = NaiveDate::from_num_days_from_ce_opt(f.u32()? as i32)?;
            docs.push((client, date, f.str()?.to_string()));
        }
        (docs.len() == want).then_some(docs)
    }

    /// Every note, in order; None when a block is damaged.
    pub fn docs(&self) -> Option<Vec<Doc>> {
        let mut docs = Vec::with_capacity(self.n_docs);
        for c in 0..self.n_chunks {
            docs.extend(self.chunk(c)?);
        }
        Some(docs)
    }

    /// Every word and the notes that hold it, in order of the words (the
    /// buffers are used again from one word to the next). None when a
    /// block is damaged.
    pub(super) fn for_each_term(&self, mut each: impl FnMut(&str, &[u32])) -> Option<()> {
        let dictionary = self.block(0)?;
        let terms: Vec<&str> = dictionary
            .split(|&b| b == b'\n')
            .filter(|t| !t.is_empty())
            .map(std::str::from_utf8)
            .collect::<Result<_, _>>()
            .ok()?;
        if terms.len() != self.n_terms {
            return None;
        }
        let mut bits = self.none();
        let mut list: Vec<u32> = Vec::new();
        for term in terms {
            bits.iter_mut().for_each(|w| *w = 0);
            if !self.add_postings(term, &mut bits)? {
                return None;
            }
            list.clear();
            list.extend(ones(&bits).map(|n| n as u32));
            each(term, &list);
        }
        Some(())
    }
}

/// The words of the dictionary that hold `piece`: one pass over the list
/// of words, which is small beside the notes.
fn terms_holding<'a>(dictionary: &'a [u8], piece: &str) -> Vec<&'a [u8]> {
    let mut found: Vec<&[u8]> = Vec::new();
    let mut after = 0;
    for at in memmem::find_iter(dictionary, piece.as_bytes()) {
        if at < after {
            continue;
        }
        let start = memchr::memrchr(b'\n', &dictionary[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &dictionary[at..]).map_or(dictionary.len(), |i| at + i);
        after = end;
        found.push(&dictionary[start..end]);
    }
    found
}
