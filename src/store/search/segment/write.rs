//! Writing a segment: built from searchable lines, or merged from an old
//! segment and new lines without reading the old words' text again.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::format::*;
use super::{Line, Segment, words};
use crate::store::crypt::Keys;

/// A note as the segment holds it: its client, date and place.
pub type Doc = (String, NaiveDate, String);

/// Newest first, then by client id; `sort_by` keeps the record's order.
fn newest_first(a: &Doc, b: &Doc) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
}

/// The segment of `lines` (each `client \t place \t date \t folded text`),
/// sealed with `keys` when the practice is encrypted; a line that is not
/// one is left out.
pub fn build<'a>(lines: impl Iterator<Item = &'a str>, keys: Option<&Keys>) -> anyhow::Result<Vec<u8>> {
    let mut builder = Builder::default();
    builder.add(lines);
    builder.finish(keys)
}

/// A segment built a client at a time: each note's words are taken as its
/// lines are added, so a caller need not hold every note's text at once
/// (rebuilding the index of 450,000 notes held 1.5 GB of it). The notes are
/// numbered newest first when it is finished; a client's lines keep the
/// order they were added in.
#[derive(Default)]
pub struct Builder {
    docs: Vec<Doc>,
    /// Each word and the notes it is in, numbered as added.
    terms: HashMap<String, Vec<u32>>,
}

impl Builder {
    /// Takes the words of `lines`; a line that is not one is left out.
    pub fn add<'a>(&mut self, lines: impl Iterator<Item = &'a str>) {
        for l in lines.filter_map(Line::parse) {
            let n = self.docs.len() as u32;
            self.docs.push((l.client.to_string(), l.date, l.place.to_string()));
            for w in words(l.text) {
                match self.terms.get_mut(w) {
                    Some(list) if list.last() == Some(&n) => {}
                    Some(list) => list.push(n),
                    None => {
                        self.terms.insert(w.to_string(), vec![n]);
                    }
                }
            }
        }
    }

    /// The segment, sealed with `keys` when the practice is encrypted.
    pub fn finish(self, keys: Option<&Keys>) -> anyhow::Result<Vec<u8>> {
        let Builder { docs, terms } = self;
        // Newest first; a stable sort keeps a client's notes of one day in order.
        let mut order: Vec<u32> = (0..docs.len() as u32).collect();
        order.sort_by(|&a, &b| newest_first(&docs[a as usize], &docs[b as usize]));
        let mut rank = vec![0u32; docs.len()];
        for (new, &old) in order.iter().enumerate() {
            rank[old as usize] = new as u32;
        }
        let mut docs: Vec<Option<Doc>> = docs.into_iter().map(Some).collect();
        let docs: Vec<Doc> = order.iter().filter_map(|&old| docs[old as usize].take()).collect();
        let mut terms: Vec<(String, Vec<u32>)> = terms
            .into_iter()
            .map(|(term, mut list)| {
                list.iter_mut().for_each(|n| *n = rank[*n as usize]);
                list.sort_unstable();
                (term, list)
            })
            .collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut out = Encoder::new(docs);
        for (term, list) in &terms {
            out.term(term, list);
        }
        out.finish(keys)
    }
}

/// A new segment: `base` without the notes of the clients in `drop`, with
/// `lines` added. The words of `base` are not read again from any text.
/// None when `base` turns out to be damaged.
pub fn merge<'a>(
    base: &Segment,
    drop: impl Fn(&str) -> bool,
    lines: impl Iterator<Item = &'a str>,
    keys: Option<&Keys>,
) -> anyhow::Result<Option<Vec<u8>>> {
    let added: Vec<Line> = lines.filter_map(Line::parse).collect();
    let Some(old_docs) = base.docs() else { return Ok(None) };
    // Every note, old and added, with where it came from: (doc, old number or added index).
    let mut docs: Vec<(Doc, Result<usize, usize>)> = Vec::with_capacity(old_docs.len() + added.len());
    for (n, doc) in old_docs.into_iter().enumerate() {
        if !drop(&doc.0) {
            docs.push((doc, Ok(n)));
        }
    }
    for (i, l) in added.iter().enumerate() {
        docs.push(((l.client.to_string(), l.date, l.place.to_string()), Err(i)));
    }
    docs.sort_by(|a, b| newest_first(&a.0, &b.0));
    let mut old_to_new = vec![u32::MAX; base.n_docs()];
    let mut added_terms: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (n, (_, from)) in docs.iter().enumerate() {
        match *from {
            Ok(old) => old_to_new[old] = n as u32,
            Err(i) => {
                for w in words(added[i].text) {
                    let list = added_terms.entry(w).or_default();
                    if list.last() != Some(&(n as u32)) {
                        list.push(n as u32);
                    }
                }
            }
        }
    }
    // Old notes keep their order among themselves, so a word's renumbered
    // postings stay sorted: merge them with the added notes' postings.
    let mut out = Encoder::new(docs.into_iter().map(|(d, _)| d).collect());
    let mut added_terms = added_terms.into_iter().peekable();
    let mut renumbered: Vec<u32> = Vec::new();
    let whole = base.for_each_term(|term, old| {
        while let Some((t, list)) = added_terms.next_if(|(t, _)| *t < term) {
            out.term(t, &list);
        }
        renumbered.clear();
        renumbered.extend(old.iter().filter_map(|&n| old_to_new.get(n as usize).copied().filter(|&n| n != u32::MAX)));
        match added_terms.next_if(|(t, _)| *t == term) {
            Some((_, with)) => out.term(term, &merge_sorted(&renumbered, &with)),
            None => out.term(term, &renumbered),
        }
    });
    if whole.is_none() {
        return Ok(None);
    }
    for (t, list) in added_terms {
        out.term(t, &list);
    }
    out.finish(keys).map(Some)
}

fn merge_sorted(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] <= b[j] {
            out.push(a[i]);
            i += 1;
        } else {
            out.push(b[j]);
            j += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Writes a segment: its notes (numbered in order) given first, then each
/// word with its sorted postings, in order of the words.
pub(super) struct Encoder {
    docs: Vec<Doc>,
    /// Every word, each ending in a line break, so no piece of a query
    /// spans two.
    dictionary: Vec<u8>,
    n_terms: usize,
    /// Each key (a word, or a client's [`client_key`]) and its postings, encoded.
    postings: Vec<(String, Vec<u8>)>,
}

impl Encoder {
    pub(super) fn new(docs: Vec<Doc>) -> Encoder {
        Encoder { docs, dictionary: Vec::new(), n_terms: 0, postings: Vec::new() }
    }

    /// Adds a word (after every word before it in order) and its postings;
    /// a word in no note is left out.
    pub(super) fn term(&mut self, term: &str, list: &[u32]) {
        if list.is_empty() {
            return;
        }
        self.dictionary.extend(term.as_bytes());
        self.dictionary.push(b'\n');
        self.n_terms += 1;
        let postings = self.encode(list);
        self.postings.push((term.to_string(), postings));
    }

    /// A sorted list of note numbers, or a bitmap when that is smaller (a
    /// word in most notes): its kind first.
    pub(super) fn encode(&self, list: &[u32]) -> Vec<u8> {
        let words = self.docs.len().div_ceil(64);
        if list.len() * 4 > words * 8 {
            let mut bits = vec![0u64; words];
            for &n in list {
                bits[n as usize / 64] |= 1 << (n % 64);
            }
            std::iter::once(BITMAP).chain(bits.iter().flat_map(|w| w.to_le_bytes())).collect()
        } else {
            std::iter::once(LIST).chain(list.iter().flat_map(|n| n.to_le_bytes())).collect()
        }
    }

    /// The file: each client's notes added as postings of their own, then
    /// every block sealed (when `keys` are given) and laid out.
    pub(super) fn finish(mut self, keys: Option<&Keys>) -> anyhow::Result<Vec<u8>> {
        let mut of_client: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for (n, d) in self.docs.iter().enumerate() {
            of_client.entry(d.0.as_str()).or_default().push(n as u32);
        }
        let clients: Vec<(String, Vec<u8>)> =
            of_client.iter().map(|(c, list)| (client_key(c), self.encode(list))).collect();
        self.postings.extend(clients);

        let n_buckets = self.postings.len().next_power_of_two() as u32;
        let mut buckets = vec![Vec::new(); n_buckets as usize];
        for (key, postings) in &self.postings {
            let b = &mut buckets[bucket_of(keys, key, n_buckets) as usize];
            b.extend((key.len() as u32).to_le_bytes());
            b.extend(key.as_bytes());
            b.extend((postings.len() as u32).to_le_bytes());
            b.extend(postings);
        }
        let chunks: Vec<Vec<u8>> = self.docs.chunks(CHUNK).map(encode_chunk).collect();

        // A plain segment needs no id (nothing can be bound to it), and
        // the same notes then give the same file.
        let mut id = [0u8; 16];
        if keys.is_some() {
            getrandom::fill(&mut id).map_err(|e| anyhow::anyhow!("no random bytes for the index: {e}"))?;
        }
        let n_chunks = chunks.len();
        let blocks = std::iter::once(std::mem::take(&mut self.dictionary)).chain(buckets).chain(chunks);
        let blocks: Vec<Vec<u8>> =
            blocks.enumerate().map(|(place, b)| seal(keys, &id, place as u32, b)).collect::<anyhow::Result<_>>()?;

        let mut head = id.to_vec();
        for n in [self.docs.len(), self.n_terms, n_buckets as usize, n_chunks] {
            head.extend((n as u32).to_le_bytes());
        }
        let head = seal_head(keys, head)?;
        let mut out = Vec::with_capacity(blocks.iter().map(|b| b.len() + ENTRY).sum::<usize>() + 512);
        out.extend(MAGIC);
        out.extend((head.len() as u32).to_le_bytes());
        out.extend(&head);
        let mut at = (out.len() + blocks.len() * ENTRY) as u64;
        for b in &blocks {
            out.extend(at.to_le_bytes());
            out.extend((b.len() as u32).to_le_bytes());
            at += b.len() as u64;
        }
        blocks.iter().for_each(|b| out.extend(b));
        Ok(out)
    }
}

/// A block of notes: for each, its client, day and place.
fn encode_chunk(docs: &[Doc]) -> Vec<u8> {
    let mut out = Vec::new();
    for (client, date, place) in docs {
        out.extend((client.len() as u32).to_le_bytes());
        out.extend(client.as_bytes());
        out.extend(date.num_days_from_ce().to_le_bytes());
        out.extend((place.len() as u32).to_le_bytes());
        out.extend(place.as_bytes());
    }
    out
}
