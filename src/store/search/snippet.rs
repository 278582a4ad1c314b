//! The snippets shown with hits: the client records read for them (kept
//! between searches), and the query's words marked in their text.

use std::collections::HashMap;

use super::super::index::Stamp;
use super::Store;
use crate::domain::find::fold_with_origins;
use crate::domain::{ClientId, ClientRecord};

/// Snippets are about this many characters.
const SNIPPET: usize = 90;

/// How many clients' records the search keeps between searches, for the
/// snippets of the next keystroke's (mostly the same) hits.
const KEPT_RECORDS: usize = 24;

/// Records read for snippets, each with the stamp of the file it was read
/// from: newest last.
pub(crate) type KeptRecords = std::sync::Arc<std::sync::Mutex<Vec<(ClientId, Stamp, std::sync::Arc<ClientRecord>)>>>;

impl Store {
    /// The records of `clients` (each read once, None when unreadable). A
    /// record read by an earlier search is used again while its file's
    /// size and time are unchanged.
    pub(super) fn load_some<'a>(
        &self,
        clients: impl Iterator<Item = &'a str>,
    ) -> HashMap<&'a str, Option<std::sync::Arc<ClientRecord>>> {
        let mut kept = self.kept_records.lock().unwrap_or_else(|e| e.into_inner());
        let mut records = HashMap::new();
        for id in clients {
            if records.contains_key(id) {
                continue;
            }
            let Ok(stamp) = Stamp::of(&self.client_path(&crate::domain::ClientId::new(id))) else {
                records.insert(id, None);
                continue;
            };
            let found = kept.iter().position(|(k, s, _)| k.as_str() == id && *s == stamp);
            let record = match found {
                Some(i) => {
                    let entry = kept.remove(i);
                    let record = entry.2.clone();
                    kept.push(entry);
                    Some(record)
                }
                None => self.load(&crate::domain::ClientId::new(id)).ok().map(std::sync::Arc::new).inspect(|r| {
                    kept.retain(|(k, ..)| k.as_str() != id);
                    kept.push((ClientId::new(id), stamp, r.clone()));
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
/// None when the folded body does not hold every piece of the query (see
/// [`super::pieces`]): the index said it did, but the index is derived,
/// and a hit is shown only from the client's own file.
pub(super) fn snippet(body: &str, words: &[String], pieces: &[String]) -> Option<(String, Vec<(usize, usize)>)> {
    let (folded, origins) = fold_with_origins(body);
    if !pieces.iter().all(|p| folded.contains(p.as_str())) {
        return None;
    }
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
    Some((text, marks))
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
    use super::super::query_words;
    use super::*;

    #[test]
    fn a_body_without_every_word_of_the_query_gives_no_snippet() {
        let words = query_words("suicidal plan").unwrap();
        assert_eq!(snippet("sleep diary; a plan for the week", &words, &words), None);
        let (s, _) = snippet("A Suicidal PLAN was disclosed", &words, &words).unwrap();
        assert_eq!(s, "A Suicidal PLAN was disclosed");
    }

    #[test]
    fn a_snippet_marks_the_words() {
        let body = format!("{} the sleep diary helped {}", "x ".repeat(80), "y ".repeat(80));
        let words = ["sleep".to_string(), "diary".to_string()];
        let (s, marks) = snippet(&body, &words, &words).unwrap();
        assert!(s.starts_with('…') && s.ends_with('…'));
        let marked: Vec<&str> = marks.iter().map(|&(a, b)| &s[a..b]).collect();
        assert_eq!(marked, vec!["sleep", "diary"]);
    }

    #[test]
    fn a_word_typed_without_accents_marks_the_word_as_written() {
        let words = query_words("zoe CAFE").unwrap();
        assert_eq!(words, vec!["zoe", "cafe"]);
        let body = format!("{} Zoë's café, and the Cafe again", "Æ ".repeat(40));
        let (s, marks) = snippet(&body, &words, &words).unwrap();
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
        let words = ["sleep".to_string(), "ss".to_string()];
        let (s, marks) = snippet(body, &words, &words).unwrap();
        for (a, b) in marks {
            let _ = &s[a..b];
        }
    }
}
