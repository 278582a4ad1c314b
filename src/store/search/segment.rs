//! The search index's main segment: an inverted index from every word of
//! the folded note text to the notes that hold it, so a query reads only
//! the postings of the words it names.
//!
//! Notes are numbered newest first (then by client id, then in the order
//! of the record), so a set of matches is already ranked: the first set
//! bits are the hits to show. A word's postings are a sorted list of
//! numbers, or a bitmap when that is smaller (a word in most notes).
//!
//! The file is derived. Every offset read from it is checked, so a damaged
//! or hostile file gives wrong hits at worst (each is then checked against
//! the client's own file), never a panic; one that does not parse is
//! rebuilt.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use memchr::memmem;

const MAGIC: &[u8; 8] = b"RAPSEG01";
const SECTIONS: usize = 11;
const HEADER: usize = 24 + SECTIONS * 8;
// Sections, in file order.
const CLIENT_OFFS: usize = 0;
const CLIENT_BLOB: usize = 1;
const DOC_CLIENT: usize = 2;
const DOC_DATE: usize = 3;
const PLACE_OFFS: usize = 4;
const PLACE_BLOB: usize = 5;
const TERM_OFFS: usize = 6;
const TERM_BLOB: usize = 7;
const POST_OFFS: usize = 8;
const POST_KIND: usize = 9;
const POST_BLOB: usize = 10;

const LIST: u8 = 0;
const BITMAP: u8 = 1;

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

/// A segment as read from its file.
pub struct Segment {
    bytes: Vec<u8>,
    n_docs: usize,
    sections: [(usize, usize); SECTIONS],
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i * 4..i * 4 + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], i: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(i * 8..i * 8 + 8)?.try_into().ok()?))
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

    fn section(&self, i: usize) -> &[u8] {
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
    fn for_each_term(&self, mut each: impl FnMut(&str, &[u32])) {
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

/// A note as the segment is built: its client, date and place.
type Doc = (String, NaiveDate, String);

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
struct Encoder {
    sections: [Vec<u8>; SECTIONS],
    n_clients: usize,
    n_docs: usize,
    n_terms: usize,
}

impl Encoder {
    fn new(docs: &[Doc]) -> Encoder {
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

    fn finish(self) -> Vec<u8> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(seg: &Segment, pieces: &[&str]) -> Vec<(String, String)> {
        let pieces: Vec<String> = pieces.iter().map(|p| p.to_string()).collect();
        ones(&seg.matching(&pieces))
            .map(|n| {
                let (c, _, place) = seg.doc(n).unwrap();
                (seg.client(c).unwrap().to_string(), place.to_string())
            })
            .collect()
    }

    const LINES: &[&str] = &[
        "ana\ts1\t2026-11-02\tslept badly; a sleep diary",
        "ben\ts1\t2026-11-16\tkept a sleep diary all week",
        "ana\ts2\t2026-11-09\tthe diary helped, o'neill's self-worth",
        "ben\t-\t2026-01-01\tplays trombone",
    ];

    #[test]
    fn words_are_found_inside_any_word_newest_first() {
        let seg = Segment::parse(build(LINES.iter().copied())).unwrap();
        assert_eq!(seg.n_docs(), 4);
        let pair = |c: &str, p: &str| (c.to_string(), p.to_string());
        assert_eq!(hits(&seg, &["diary"]), vec![pair("ben", "s1"), pair("ana", "s2"), pair("ana", "s1")]);
        assert_eq!(hits(&seg, &["leep", "diary"]), vec![pair("ben", "s1"), pair("ana", "s1")]);
        assert_eq!(hits(&seg, &["o'neill"]), vec![pair("ana", "s2")]);
        assert_eq!(hits(&seg, &["f-w"]), vec![pair("ana", "s2")]);
        assert!(hits(&seg, &["walrus"]).is_empty());
        assert!(hits(&seg, &["sleep", "walrus"]).is_empty());
    }

    #[test]
    fn a_merge_finds_what_a_build_of_the_same_notes_finds() {
        let base = Segment::parse(build(LINES.iter().copied())).unwrap();
        let added = ["ana\ts3\t2026-11-20\ta new diary entry", "cy\ts1\t2026-11-09\ttrombone lessons"];
        let merged = Segment::parse(merge(&base, |c| c == "ana", added.iter().copied())).unwrap();
        let kept = LINES.iter().copied().filter(|l| !l.starts_with("ana"));
        let built = Segment::parse(build(kept.chain(added.iter().copied()))).unwrap();
        for q in [&["diary"][..], &["trombone"], &["sleep", "diary"], &["e"], &["self"]] {
            assert_eq!(hits(&merged, q), hits(&built, q), "{q:?}");
        }
        assert_eq!(merged.bytes, built.bytes);
    }

    #[test]
    fn damaged_bytes_are_refused_or_harmless() {
        let good = build(LINES.iter().copied());
        assert!(Segment::parse(good[..good.len() - 1].to_vec()).is_none());
        assert!(Segment::parse(b"garbage".to_vec()).is_none());
        // Every byte of the body flipped in turn: parsing and querying never panic.
        for i in HEADER..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0xff;
            if let Some(seg) = Segment::parse(bad) {
                let _ = hits_unchecked(&seg);
            }
        }
    }

    fn hits_unchecked(seg: &Segment) -> usize {
        ones(&seg.matching(&["diary".into()])).filter_map(|n| seg.doc(n)).filter_map(|(c, ..)| seg.client(c)).count()
    }

    #[test]
    fn a_word_in_most_notes_is_kept_as_a_bitmap() {
        let lines: Vec<String> = (0..200).map(|i| format!("c{i:03}\ts1\t2026-11-02\tthe sleep {i}")).collect();
        let seg = Segment::parse(build(lines.iter().map(String::as_str))).unwrap();
        assert!(seg.section(POST_KIND).contains(&BITMAP));
        assert_eq!(ones(&seg.matching(&["the".into()])).count(), 200);
        assert_eq!(ones(&seg.matching(&["the".into(), "17".into()])).count(), 12, "17, 117 and 170 to 179");
    }
}
