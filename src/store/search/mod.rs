//! Full-text search over every note, addendum, task, task outcome, personal
//! detail and message, reading the index's text shards rather than the
//! client files. Text and query are folded alike (see [`fold`]), so "zoe"
//! finds "Zoë".

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use chrono::NaiveDate;
use memchr::memmem;

use super::index::IndexDir;
pub use super::index::Place;
use super::{Store, StoreError};
use crate::domain::ClientRecord;
use crate::domain::find::{fold, fold_with_origins};

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

/// A matching line: (date, client, place).
type Match = (NaiveDate, String, Place);

/// Scans some shard files for lines holding every word. The shards hold
/// folded text, so the fast exact search finds words in any case, with or
/// without accents.
fn scan(dir: &IndexDir, shards: &[PathBuf], words: &[String], client: Option<&str>) -> Vec<Match> {
    let longest = words.iter().max_by_key(|w| w.len()).expect("at least one word");
    let finder = memmem::Finder::new(longest.as_bytes());
    let others: Vec<memmem::Finder> = words.iter().map(|w| memmem::Finder::new(w.as_bytes())).collect();
    let mut found = Vec::new();
    let mut buf = Vec::new();
    for path in shards {
        buf.clear();
        if dir.keys.is_some() {
            match dir.read_bytes(path) {
                Some(plain) => buf = plain,
                None => continue,
            }
        } else if super::files::open_nofollow(path)
            .map_err(|_| ())
            .and_then(|mut f| f.read_to_end(&mut buf).map_err(|_| ()))
            .is_err()
        {
            continue;
        }
        let mut after = 0;
        for at in finder.find_iter(&buf) {
            if at < after {
                continue;
            }
            let start = memchr::memrchr(b'\n', &buf[..at]).map_or(0, |i| i + 1);
            let end = memchr::memchr(b'\n', &buf[at..]).map_or(buf.len(), |i| at + i);
            after = end;
            let line = &buf[start..end];
            let mut fields = line.splitn(4, |&b| b == b'\t');
            let (Some(id), Some(place), Some(date), Some(body)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if client.is_some_and(|c| c.as_bytes() != id) || !others.iter().all(|f| f.find(body).is_some()) {
                continue;
            }
            let (Ok(id), Some(place), Ok(date)) = (
                std::str::from_utf8(id),
                std::str::from_utf8(place).ok().and_then(Place::parse),
                std::str::from_utf8(date),
            ) else {
                continue;
            };
            let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else { continue };
            found.push((date, id.to_string(), place));
        }
    }
    found
}

impl Store {
    /// Notes, addenda, tasks and their outcomes, personal details and
    /// messages that contain every word of `query` (in any case, with or
    /// without accents), newest first. Brings the index up to date first,
    /// so what was just saved is found.
    pub fn search(&self, query: &str, client: Option<&str>, limit: usize) -> Result<Found, StoreError> {
        let words = query_words(query).map_err(|e| StoreError::Record(crate::domain::RecordError::Invalid(e)))?;
        self.index()?;
        let dir = self.index_dir();
        let shards: Vec<PathBuf> = dir.shards().collect();
        // Two halves of the shards on two threads: most machines have two cores.
        let mut found: Vec<Match> = std::thread::scope(|s| {
            let handles: Vec<_> = shards
                .chunks(shards.len().div_ceil(2))
                .map(|chunk| s.spawn(|| scan(&dir, chunk, &words, client)))
                .collect();
            handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
        });
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let total = found.len();
        // Snippets come from the client files, in their own case.
        let mut records: HashMap<String, Option<ClientRecord>> = HashMap::new();
        let hits = found
            .into_iter()
            .filter_map(|(date, client, place)| {
                let record = records.entry(client.clone()).or_insert_with(|| self.load(&client).ok());
                // A hit is shown only from the client's own file: a line of
                // a damaged shard that names no real place is dropped.
                let r = record.as_ref()?;
                let body = place.text(r)?;
                let session = place.session(r);
                let (snippet, marks) = snippet(&body, &words);
                Some(Hit { client, session, place, date, snippet, marks })
            })
            .take(limit)
            .collect();
        Ok(Found { hits, total })
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
