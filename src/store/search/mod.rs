//! Full-text search over every note, addendum, task, task outcome, personal
//! detail and message, reading the index rather than the client files: an
//! inverted index of the words (see [`segment`]) and the lines saved since
//! it was built. Text and query are folded alike (see [`fold`]), so "zoe"
//! finds "Zoë"; a query word is found inside any word ("sleep" in
//! "asleep").

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use chrono::NaiveDate;
use memchr::memmem;

pub use super::index::Place;
use super::index::{IndexDir, Stamp};
use super::{Store, StoreError};
use crate::domain::bounds::is_valid_id;
use crate::domain::find::{fold, fold_with_origins};
use crate::domain::{ClientId, ClientRecord};

mod segment;

use segment::Segment;

/// At most this many words in a query.
pub const MAX_WORDS: usize = 12;
/// Snippets are about this many characters.
const SNIPPET: usize = 90;

/// One match: which client, where in their record, and a snippet to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub client: String,
    /// The session the hit belongs to, which opening it shows; None for a
    /// message or a detail noted outside a session.
    pub session: Option<String>,
    /// Where the words were found: a note, an addendum, a task's outcome…
    pub place: Place,
    pub date: NaiveDate,
    pub snippet: String,
    /// Byte ranges in `snippet` where query words stand.
    pub marks: Vec<(usize, usize)>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Newest first, at most the limit asked for.
    pub hits: Vec<Hit>,
    /// How many matched in all.
    pub total: usize,
}

/// The words of a query, folded (see [`fold`]), or why it cannot be searched.
pub fn query_words(query: &str) -> Result<Vec<String>, String> {
    let words: Vec<&str> = query
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(['\'', '-']))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return Err("Type a word to search for (letters or digits).".into());
    }
    if words.len() > MAX_WORDS {
        return Err(format!("That is {} words; search for at most {MAX_WORDS}.", words.len()));
    }
    if let Some(w) = words.iter().find(|w| w.chars().count() > 64) {
        return Err(format!(
            "'{}…' is too long to be a word; search for shorter words.",
            w.chars().take(20).collect::<String>()
        ));
    }
    // A character that folds to nothing (a lone combining accent) is no word.
    let words: Vec<String> = words.iter().map(|w| fold(w).trim().to_string()).filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Err("Type a word to search for (letters or digits).".into());
    }
    Ok(words)
}

/// The main segment and the lines written since it was built.
const SEGMENT: &str = "search.seg";
const RECENT: &str = "search-recent.tsv";
/// The recent lines are merged into the segment when they reach this size:
/// a search scans them whole, and a save rewrites them.
const MERGE_AT: usize = 2 << 20;

/// The runs of word characters in the folded query words: what the index
/// looks up. (A word folds to more than one run only when folding brings a
/// space or a sign, as some scripts do.)
fn pieces(words: &[String]) -> Vec<String> {
    let mut pieces: Vec<String> = words.iter().flat_map(|w| segment::words(w).map(str::to_string)).collect();
    // The longest first: it usually matches least.
    pieces.sort_by_key(|p| std::cmp::Reverse(p.len()));
    pieces.dedup();
    pieces
}

impl IndexDir {
    /// The search text is there to be read.
    pub(crate) fn has_text(&self) -> bool {
        self.path(SEGMENT).is_file()
    }

    /// The main segment and the recent lines, or None when the segment is
    /// missing or damaged (the index is then rebuilt).
    fn read_text(&self) -> Option<(Segment, Vec<u8>)> {
        let segment = Segment::parse(self.read_bytes(&self.path(SEGMENT))?)?;
        Some((segment, self.read_bytes(&self.path(RECENT)).unwrap_or_default()))
    }

    /// Builds the search text anew from `lines` (every client's).
    pub(crate) fn rebuild_text(&self, lines: &BTreeMap<ClientId, Vec<String>>) -> anyhow::Result<()> {
        // The text shards of index version 5 and before go: stale, and
        // perhaps the words of a client erased since.
        for e in std::fs::read_dir(self.path("")).into_iter().flatten().filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("text-") && name.ends_with(".tsv") {
                std::fs::remove_file(e.path())?;
            }
        }
        self.write_bytes(&self.path(RECENT), b"")?;
        let bytes = segment::build(lines.values().flatten().map(String::as_str));
        self.write_bytes(&self.path(SEGMENT), &bytes)
    }

    /// Replaces the lines of clients `ids` with `lines`: they go to the
    /// recent lines, each client's after a line `=\tID` that sets aside
    /// what the main segment holds of them.
    pub(crate) fn replace_text(
        &self,
        ids: &BTreeSet<ClientId>,
        lines: &BTreeMap<ClientId, Vec<String>>,
    ) -> anyhow::Result<()> {
        let old = self.read_bytes(&self.path(RECENT)).unwrap_or_default();
        let mut out = Vec::with_capacity(old.len() + 64 * 1024);
        for line in old.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            if !ids.iter().any(|id| recent_client(line) == Some(id.as_bytes())) {
                out.extend(line);
                out.push(b'\n');
            }
        }
        for id in ids {
            out.extend(format!("=\t{id}\n").as_bytes());
            for l in lines.get(id).into_iter().flatten() {
                out.extend(l.as_bytes());
                out.push(b'\n');
            }
        }
        if out.len() > MERGE_AT
            && let Some((segment, _)) = self.read_text()
        {
            let text = String::from_utf8_lossy(&out);
            let set_aside = set_aside(&out);
            let merged = segment::merge(&segment, |c| set_aside.contains(c.as_bytes()), text.lines());
            // The segment first: should the recent lines not be emptied
            // after it, they still set its lines aside and say the same.
            self.write_bytes(&self.path(SEGMENT), &merged)?;
            return self.write_bytes(&self.path(RECENT), b"");
        }
        self.write_bytes(&self.path(RECENT), &out)
    }
}

impl IndexDir {
    /// Takes client `id` out of the search index, leaving no word of theirs
    /// behind (an erasure): the recent lines are merged into the segment
    /// without theirs.
    pub(crate) fn erase_text(&self, id: &str) -> anyhow::Result<()> {
        let Some((segment, recent)) = self.read_text() else {
            // Nothing readable to keep: the next look rebuilds it.
            let _ = std::fs::remove_file(self.path(SEGMENT));
            return self.write_bytes(&self.path(RECENT), b"");
        };
        let set_aside = set_aside(&recent);
        let text = String::from_utf8_lossy(&recent);
        let kept = text.lines().filter(|l| recent_client(l.as_bytes()) != Some(id.as_bytes()));
        let merged = segment::merge(&segment, |c| c == id || set_aside.contains(c.as_bytes()), kept);
        self.write_bytes(&self.path(SEGMENT), &merged)?;
        self.write_bytes(&self.path(RECENT), b"")
    }
}

/// The client a recent line is of: `=\tID` or `ID\t…`.
fn recent_client(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_prefix(b"=\t").unwrap_or(line);
    line.split(|&b| b == b'\t').next()
}

/// The clients whose lines in the main segment the recent lines set aside.
fn set_aside(recent: &[u8]) -> HashSet<&[u8]> {
    recent.split(|&b| b == b'\n').filter_map(|l| l.strip_prefix(b"=\t")).collect()
}

/// A matching line: (date, client, place, order in the recent lines).
type Match<'a> = (NaiveDate, &'a str, &'a str, usize);

/// The recent lines holding every piece (of `client`, if given). The text
/// is folded, so the fast exact search finds words in any case, with or
/// without accents.
fn scan<'a>(buf: &'a [u8], pieces: &[String], client: Option<&str>) -> Vec<Match<'a>> {
    let Some(longest) = pieces.first() else { return Vec::new() };
    let finder = memmem::Finder::new(longest.as_bytes());
    let others: Vec<memmem::Finder> = pieces[1..].iter().map(|w| memmem::Finder::new(w.as_bytes())).collect();
    let mut found = Vec::new();
    let mut after = 0;
    for at in finder.find_iter(buf) {
        if at < after {
            continue;
        }
        let start = memchr::memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1);
        let end = memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
        after = end;
        let Ok(line) = std::str::from_utf8(&buf[start..end]) else { continue };
        let Some(l) = segment::Line::parse(line) else { continue };
        if client.is_some_and(|c| c != l.client) || !others.iter().all(|f| f.find(l.text.as_bytes()).is_some()) {
            continue;
        }
        found.push((l.date, l.client, l.place, start));
    }
    found
}

impl Store {
    /// Notes, addenda, tasks and their outcomes, personal details and
    /// messages that contain every word of `query` (in any case, with or
    /// without accents), newest first. The index is brought up to date
    /// first (see [`Store::index`]), so what was just saved is found.
    /// Snippets are made only for the hits returned.
    pub fn search(&self, query: &str, client: Option<&str>, limit: usize) -> Result<Found, StoreError> {
        let words = query_words(query).map_err(|e| StoreError::Record(crate::domain::RecordError::Invalid(e)))?;
        let pieces = pieces(&words);
        let dir = self.index_dir();
        let (segment, recent) = {
            let _lock = self.lock()?;
            self.freshen_locked()?;
            match dir.read_text() {
                Some(text) => text,
                None => {
                    self.rebuild_index_locked()?;
                    dir.read_text().unwrap_or_else(|| (Segment::empty(), Vec::new()))
                }
            }
        };
        let set_aside = set_aside(&recent);
        let mut bits = segment.matching(&pieces);
        if !set_aside.is_empty() || client.is_some() {
            let mask = segment.of_clients(|c| !set_aside.contains(c.as_bytes()) && client.is_none_or(|x| x == c));
            bits.iter_mut().zip(&mask).for_each(|(b, m)| *b &= m);
        }
        let mut recent_found = scan(&recent, &pieces, client);
        recent_found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)).then(a.3.cmp(&b.3)));
        let total = bits.iter().map(|w| w.count_ones() as usize).sum::<usize>() + recent_found.len();
        // Both lists are newest first (then by client): merged, they are.
        let mut older = segment::ones(&bits)
            .filter_map(|n| segment.doc(n))
            .filter_map(|(c, date, place)| Some((date, segment.client(c)?, place, 0)))
            .peekable();
        let mut newer = recent_found.into_iter().peekable();
        let in_order = std::iter::from_fn(|| match (older.peek(), newer.peek()) {
            (Some(a), Some(b)) if (b.0, a.1) < (a.0, b.1) => older.next(),
            (Some(_), Some(_)) => newer.next(),
            (Some(_), None) => older.next(),
            (None, _) => newer.next(),
        });
        // Snippets come from the client files, in their own case, read
        // only for the hits returned: in rounds, as some may be dropped.
        let mut candidates = in_order.filter_map(|(date, client, place, _)| {
            // An id Rapport would not write is never made into a path.
            Some((date, client, Place::parse(place)?)).filter(|_| is_valid_id(client))
        });
        let mut hits = Vec::new();
        while hits.len() < limit {
            let round: Vec<(NaiveDate, &str, Place)> = candidates.by_ref().take(limit - hits.len()).collect();
            if round.is_empty() {
                break;
            }
            let records = self.load_some(round.iter().map(|(_, client, _)| *client));
            for (date, client, place) in round {
                // A hit is shown only from the client's own file: a line of
                // a damaged index that names no real place is dropped.
                let Some(r) = records.get(client).and_then(Option::as_ref) else { continue };
                let Some(body) = place.text(r) else { continue };
                let session = place.session(r);
                let (snippet, marks) = snippet(&body, &words);
                hits.push(Hit { client: client.to_string(), session, place, date, snippet, marks });
            }
        }
        Ok(Found { hits, total })
    }
}

/// How many clients' records the search keeps between searches, for the
/// snippets of the next keystroke's (mostly the same) hits.
const KEPT_RECORDS: usize = 24;

/// Records read for snippets, each with the stamp of the file it was read
/// from: newest last.
pub(crate) type KeptRecords = std::sync::Arc<std::sync::Mutex<Vec<(String, Stamp, std::sync::Arc<ClientRecord>)>>>;

impl Store {
    /// The records of `clients` (each read once, None when unreadable). A
    /// record read by an earlier search is used again while its file's
    /// size and time are unchanged.
    fn load_some<'a>(
        &self,
        clients: impl Iterator<Item = &'a str>,
    ) -> HashMap<&'a str, Option<std::sync::Arc<ClientRecord>>> {
        let mut kept = self.kept_records.lock().unwrap_or_else(|e| e.into_inner());
        let mut records = HashMap::new();
        for id in clients {
            if records.contains_key(id) {
                continue;
            }
            let Ok(stamp) = Stamp::of(&self.client_path(id)) else {
                records.insert(id, None);
                continue;
            };
            let found = kept.iter().position(|(k, s, _)| k == id && *s == stamp);
            let record = match found {
                Some(i) => {
                    let entry = kept.remove(i);
                    let record = entry.2.clone();
                    kept.push(entry);
                    Some(record)
                }
                None => self.load(id).ok().map(std::sync::Arc::new).inspect(|r| {
                    kept.retain(|(k, ..)| k != id);
                    kept.push((id.to_string(), stamp, r.clone()));
                }),
            };
            records.insert(id, record);
        }
        let excess = kept.len().saturating_sub(KEPT_RECORDS);
        kept.drain(..excess);
        records
    }
}

/// About [`SNIPPET`] characters of `body` around the first word found, and
/// where the words stand in it. Words are found in the folded body and
/// marked on the characters they were folded from ("zoe" marks "Zoë").
fn snippet(body: &str, words: &[String]) -> (String, Vec<(usize, usize)>) {
    let (folded, origins) = fold_with_origins(body);
    // The range of `body` that the folded bytes a..b came from.
    let in_body = |a: usize, b: usize| {
        let last = origins[b - 1] as usize;
        (origins[a] as usize, last + body[last..].chars().next().map_or(0, char::len_utf8))
    };
    let first = words.iter().filter_map(|w| folded.find(w.as_str())).min().map_or(0, |i| origins[i] as usize);
    let mut start = first.saturating_sub(SNIPPET / 3);
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    if start > 0 {
        start = body[start..].find(' ').map_or(start, |i| start + i + 1);
    }
    let mut end = (start + SNIPPET).min(body.len());
    while !body.is_char_boundary(end) {
        end += 1;
    }
    let prefix = if start > 0 { "…" } else { "" };
    let suffix = if end < body.len() { "…" } else { "" };
    let text = format!("{prefix}{}{suffix}", &body[start..end]);
    // Only the part of the folded text that the snippet shows is searched for marks.
    let (fa, fb) =
        (origins.partition_point(|&o| (o as usize) < start), origins.partition_point(|&o| (o as usize) < end));
    let shown = &folded[fa..fb];
    let mut marks: Vec<(usize, usize)> = Vec::new();
    for w in words {
        let mut from = 0;
        while let Some(i) = shown[from..].find(w.as_str()) {
            let (a, b) = in_body(fa + from + i, fa + from + i + w.len());
            if a >= start && b <= end {
                marks.push((a - start + prefix.len(), b - start + prefix.len()));
            }
            from += i + w.len();
        }
    }
    marks.sort_unstable();
    let marks = usable_marks(&text, marks);
    (text, marks)
}

/// Marks that can be drawn: on character boundaries (lowercasing can move
/// them even when it keeps the total length), in order, not overlapping.
fn usable_marks(text: &str, marks: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    let mut kept: Vec<(usize, usize)> = Vec::new();
    for (a, b) in marks {
        let after_last = kept.last().is_none_or(|&(_, end)| a >= end);
        if after_last && a < b && b <= text.len() && text.is_char_boundary(a) && text.is_char_boundary(b) {
            kept.push((a, b));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_of_nothing_or_too_much_are_refused_plainly() {
        assert!(query_words("  ?!… ").unwrap_err().contains("Type a word"));
        assert!(query_words(&"word ".repeat(200)).unwrap_err().contains("at most 12"));
        assert!(query_words(&"a".repeat(100_000)).unwrap_err().contains("too long"));
        assert_eq!(query_words("Sleep, DIARY!").unwrap(), vec!["sleep", "diary"]);
    }

    #[test]
    fn a_snippet_marks_the_words() {
        let body = format!("{} the sleep diary helped {}", "x ".repeat(80), "y ".repeat(80));
        let (s, marks) = snippet(&body, &["sleep".into(), "diary".into()]);
        assert!(s.starts_with('…') && s.ends_with('…'));
        let marked: Vec<&str> = marks.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(marked, vec!["sleep", "diary"]);
    }

    #[test]
    fn a_word_typed_without_accents_marks_the_word_as_written() {
        let words = query_words("zoe CAFE").unwrap();
        assert_eq!(words, vec!["zoe", "cafe"]);
        let body = format!("{} Zoë's café, and the Cafe again", "Æ ".repeat(40));
        let (s, marks) = snippet(&body, &words);
        let marked: Vec<&str> = marks.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(marked, vec!["Zoë", "café", "Cafe"], "{s}");
        assert_eq!(query_words("Zoë Ørsted").unwrap(), vec!["zoe", "orsted"]);
        assert!(query_words("\u{308}").is_err(), "a lone accent is no word");
    }

    #[test]
    fn marks_off_a_character_boundary_or_overlapping_are_dropped() {
        let text = "aéb sleep";
        assert_eq!(usable_marks(text, vec![(0, 2), (1, 3), (5, 10), (6, 8)]), vec![(1, 3), (5, 10)]);
        // Every kept mark slices without a panic, whatever the text.
        let body = "İİİ Straße sleep ǅ ﬃ sleep";
        let (s, marks) = snippet(body, &["sleep".into(), "ss".into()]);
        for (a, b) in marks {
            let _ = &s[a..b];
        }
    }
}
