//! Full-text search over every note, task and personal detail, reading the
//! index's text shards rather than the client files.

use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;

use chrono::NaiveDate;
use memchr::memmem;

use super::index::{IndexDir, loose_text, session_text};
use super::{Store, StoreError};
use crate::domain::ClientRecord;

/// At most this many words in a query.
pub const MAX_WORDS: usize = 12;
/// Snippets are about this many characters.
const SNIPPET: usize = 90;

/// One match: which client, which session, and a snippet to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub client: String,
    /// None for details noted outside a session.
    pub session: Option<String>,
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

/// The words of a query, lowercased, or why it cannot be searched.
pub fn query_words(query: &str) -> Result<Vec<String>, String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .map(|w| w.trim_matches(['\'', '-']).to_lowercase())
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
    Ok(words)
}

/// A matching line: (date, client, session).
type Match = (NaiveDate, String, Option<String>);

/// Scans some shard files for lines holding every word. The shards hold
/// lowercased text, so the fast exact search finds words in any case.
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
            let (Some(id), Some(session), Some(date), Some(body)) =
                (fields.next(), fields.next(), fields.next(), fields.next())
            else {
                continue;
            };
            if client.is_some_and(|c| c.as_bytes() != id) || !others.iter().all(|f| f.find(body).is_some()) {
                continue;
            }
            let (Ok(id), Ok(session), Ok(date)) =
                (std::str::from_utf8(id), std::str::from_utf8(session), std::str::from_utf8(date))
            else {
                continue;
            };
            let Ok(date) = NaiveDate::parse_from_str(date, "%Y-%m-%d") else { continue };
            found.push((date, id.to_string(), (session != "-").then(|| session.to_string())));
        }
    }
    found
}

impl Store {
    /// Notes, tasks and personal details that contain every word of
    /// `query` (case-insensitive), newest first. Brings the index up to
    /// date first, so what was just saved is found.
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
            .take(limit)
            .map(|(date, client, session)| {
                let record = records.entry(client.clone()).or_insert_with(|| self.load(&client).ok());
                let body = match (record.as_ref(), &session) {
                    (Some(r), Some(sid)) => r.session(sid).map(|s| session_text(r, s)).unwrap_or_default(),
                    (Some(r), None) => loose_text(r),
                    (None, _) => String::new(),
                };
                let (snippet, marks) = snippet(&body, &words);
                Hit { client, session, date, snippet, marks }
            })
            .collect();
        Ok(Found { hits, total })
    }
}

/// About [`SNIPPET`] characters of `body` around the first word found, and
/// where the words stand in it.
fn snippet(body: &str, words: &[String]) -> (String, Vec<(usize, usize)>) {
    // Offsets in the lowercased text are offsets in `body` when lowercasing
    // kept every length (nearly always); otherwise start at the beginning.
    let lower = body.to_lowercase();
    let first = if lower.len() == body.len() {
        words.iter().filter_map(|w| lower.find(w.as_str())).min().unwrap_or(0)
    } else {
        0
    };
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
    let lower = text.to_lowercase();
    let mut marks: Vec<(usize, usize)> = Vec::new();
    if lower.len() == text.len() {
        for w in words {
            let mut from = 0;
            while let Some(i) = lower[from..].find(w.as_str()) {
                marks.push((from + i, from + i + w.len()));
                from += i + w.len();
            }
        }
        marks.sort_unstable();
    }
    (text.clone(), usable_marks(&text, marks))
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
