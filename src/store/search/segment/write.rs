//! Writing a segment: built from searchable lines, or merged from an old
//! segment and new lines without reading the old words' text again.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};

use super::format::*;
use super::{Line, Segment, words};

/// A note as the segment is built: its client, date and place.
pub(super) type Doc = (String, NaiveDate, String);

/// Newest first, then by client id; `sort_by` keeps the record's order.
fn newest_first(a: &Doc, b: &Doc) -> std::cmp::Ordering {
    b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0))
}

/// The segment of `lines` (each `client \t place \t date \t folded text`);
/// a line that is not one is left out.
pub fn build<'a>(lines: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let mut lines: Vec<Line> = lines.filter_map(Line::parse).collect();
    lines.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.client.cmp(b.client)));
    let mut terms: HashMap<&str, Vec<u32>> = HashMap::new();
    for (n, l) in lines.iter().enumerate() {
        for w in words(l.text) {
            let list = terms.entry(w).or_default();
            if list.last() != Some(&(n as u32)) {
                list.push(n as u32);
            }
        }
    }
    let docs: Vec<Doc> = lines.iter().map(|l| (l.client.to_string(), l.date, l.place.to_string())).collect();
    let mut terms: Vec<(&str, Vec<u32>)> = terms.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = Encoder::new(&docs);
    for (term, list) in &terms {
        out.term(term, list);
    }
    out.finish()
}

/// A new segment: `base` without the notes of the clients in `drop`, with
/// `lines` added. The words of `base` are not read again from any text.
pub fn merge<'a>(base: &Segment, drop: impl Fn(&str) -> bool, lines: impl Iterator<Item = &'a str>) -> Vec<u8> {
    let added: Vec<Line> = lines.filter_map(Line::parse).collect();
    // Every note, old and added, with where it came from: (doc, old number or added index).
    let mut docs: Vec<(Doc, Result<usize, usize>)> = Vec::with_capacity(base.n_docs() + added.len());
    for n in 0..base.n_docs() {
        let Some((c, date, place)) = base.doc(n) else { continue };
        let Some(client) = base.client(c).filter(|c| !drop(c)) else { continue };
        docs.push(((client.to_string(), date, place.to_string()), Ok(n)));
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
    let plain: Vec<Doc> = docs.into_iter().map(|(d, _)| d).collect();
    let mut out = Encoder::new(&plain);
    let mut added_terms = added_terms.into_iter().peekable();
    let mut renumbered: Vec<u32> = Vec::new();
    base.for_each_term(|term, old| {
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
    for (t, list) in added_terms {
        out.term(t, &list);
    }
    out.finish()
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

/// Writes a segment: its notes (numbered in order) first, then each word
/// with its sorted postings, in order of the words.
pub(super) struct Encoder {
    sections: [Vec<u8>; SECTIONS],
    n_clients: usize,
    n_docs: usize,
    n_terms: usize,
}

impl Encoder {
    pub(super) fn new(docs: &[Doc]) -> Encoder {
        let mut clients: Vec<&str> = docs.iter().map(|d| d.0.as_str()).collect();
        clients.sort_unstable();
        clients.dedup();
        let number: HashMap<&str, u32> = clients.iter().enumerate().map(|(i, c)| (*c, i as u32)).collect();
        let mut e = Encoder { sections: Default::default(), n_clients: clients.len(), n_docs: docs.len(), n_terms: 0 };
        e.strings(CLIENT_OFFS, CLIENT_BLOB, clients.iter().copied(), "");
        for d in docs {
            e.sections[DOC_CLIENT].extend(number[d.0.as_str()].to_le_bytes());
            e.sections[DOC_DATE].extend(d.1.num_days_from_ce().to_le_bytes());
        }
        e.strings(PLACE_OFFS, PLACE_BLOB, docs.iter().map(|d| d.2.as_str()), "");
        e.sections[TERM_OFFS].extend(0u32.to_le_bytes());
        e.sections[POST_OFFS].extend(0u64.to_le_bytes());
        e
    }

    fn strings<'a>(&mut self, offs: usize, blob: usize, items: impl Iterator<Item = &'a str>, end: &str) {
        self.sections[offs].extend(0u32.to_le_bytes());
        for s in items {
            self.sections[blob].extend(s.as_bytes());
            self.sections[blob].extend(end.as_bytes());
            let at = self.sections[blob].len() as u32;
            self.sections[offs].extend(at.to_le_bytes());
        }
    }

    /// Adds a word (after every word before it in order) and its postings;
    /// a word in no note is left out.
    fn term(&mut self, term: &str, list: &[u32]) {
        if list.is_empty() {
            return;
        }
        // Each word ends in a line break, so no piece of a query spans two.
        let blob = &mut self.sections[TERM_BLOB];
        blob.extend(term.as_bytes());
        blob.push(b'\n');
        let at = blob.len() as u32;
        self.sections[TERM_OFFS].extend(at.to_le_bytes());
        let words = self.n_docs.div_ceil(64);
        let bitmap = list.len() * 4 > words * 8;
        self.sections[POST_KIND].push(if bitmap { BITMAP } else { LIST });
        let post = &mut self.sections[POST_BLOB];
        if bitmap {
            let mut bits = vec![0u64; words];
            for &n in list {
                bits[n as usize / 64] |= 1 << (n % 64);
            }
            bits.iter().for_each(|w| post.extend(w.to_le_bytes()));
        } else {
            list.iter().for_each(|n| post.extend(n.to_le_bytes()));
        }
        let at = post.len() as u64;
        self.sections[POST_OFFS].extend(at.to_le_bytes());
        self.n_terms += 1;
    }

    pub(super) fn finish(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.sections.iter().map(Vec::len).sum::<usize>());
        out.extend(MAGIC);
        for n in [self.n_clients, self.n_docs, self.n_terms, 0] {
            out.extend((n as u32).to_le_bytes());
        }
        let mut end = HEADER;
        for s in &self.sections {
            end += s.len();
            out.extend((end as u64).to_le_bytes());
        }
        self.sections.iter().for_each(|s| out.extend(s));
        out
    }
}
