//! Full-text search over every note, addendum, task, task outcome, personal
//! detail and message, reading the index rather than the client files: an
//! inverted index of the words (see [`segment`]) and the lines saved since
//! it was built. Text and query are folded alike (see [`fold`]), so "zoe"
//! finds "Zoë"; a query word is found inside any word ("sleep" in
//! "asleep").

use std::borrow::Cow;
use std::cell::Cell;

use chrono::NaiveDate;

pub use super::index::Place;
use super::{Store, StoreError};
use crate::domain::bounds::is_valid_id;
use crate::domain::find::fold;
use crate::domain::{ClientId, SessionId};

pub(crate) mod segment;
mod snippet;
mod text_files;

use segment::{Segment, Source};
pub(crate) use snippet::KeptRecords;
use snippet::snippet;
use text_files::{scan, set_aside};

/// At most this many words in a query.
pub const MAX_WORDS: usize = 12;

/// One match: which client, where in their record, and a snippet to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub client: ClientId,
    /// The client's name as shown, from their own file.
    pub name: String,
    /// The session the hit belongs to, which opening it shows; None for a
    /// message or a detail noted outside a session.
    pub session: Option<SessionId>,
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

impl Store {
    /// The search text of every client, made from their files here and
    /// kept nowhere.
    fn text_in_memory(&self) -> Result<Segment, StoreError> {
        let lines: Vec<String> = self
            .load_all()?
            .into_iter()
            .filter_map(|f| f.record.ok())
            .flat_map(|r| super::index::text_lines(&r))
            .collect();
        let bytes = segment::build(lines.iter().map(String::as_str), None).ok();
        Ok(bytes.and_then(|b| Segment::open(Source::Bytes(b), None)).unwrap_or_else(Segment::empty))
    }

    /// The main segment, opened, and the recent lines, brought up to date
    /// first; `rebuild`: built anew from the client files.
    fn search_text(&self, rebuild: bool) -> Result<(Segment, Vec<u8>), StoreError> {
        let dir = self.index_dir();
        let _lock = self.lock()?;
        let state = self.freshen_locked()?;
        if !rebuild && let Some(text) = state.and_then(|s| dir.read_text(&s)) {
            return Ok(text);
        }
        self.rebuild_index_locked()?;
        match dir.state().and_then(|s| dir.read_text(&s)) {
            Some(text) => Ok(text),
            // An index that cannot be written (a read-only disk): the text
            // is made here, for this search.
            None => Ok((self.text_in_memory()?, Vec::new())),
        }
    }

    /// Notes, addenda, tasks and their outcomes, personal details and
    /// messages that contain every word of `query` (in any case, with or
    /// without accents), newest first. The index is brought up to date
    /// first (see [`Store::index`]), so what was just saved is found.
    /// Snippets are made only for the hits returned.
    pub fn search(&self, query: &str, client: Option<&str>, limit: usize) -> Result<Found, StoreError> {
        let words = query_words(query).map_err(|e| StoreError::Record(crate::domain::RecordError::Invalid(e)))?;
        let pieces = pieces(&words);
        let (segment, recent) = self.search_text(false)?;
        if let Some(found) = self.search_in(&segment, &recent, &words, &pieces, client, limit) {
            return Ok(found);
        }
        // A block of the index was damaged or forged: it is rebuilt from
        // the client files, and asked again.
        let (segment, recent) = self.search_text(true)?;
        if let Some(found) = self.search_in(&segment, &recent, &words, &pieces, client, limit) {
            return Ok(found);
        }
        let segment = self.text_in_memory()?;
        Ok(self
            .search_in(&segment, &[], &words, &pieces, client, limit)
            .unwrap_or(Found { hits: Vec::new(), total: 0 }))
    }

    /// [`Store::search`] in `segment` and `recent`: None when a block of
    /// the segment it needed was damaged.
    fn search_in(
        &self,
        segment: &Segment,
        recent: &[u8],
        words: &[String],
        pieces: &[String],
        client: Option<&str>,
        limit: usize,
    ) -> Option<Found> {
        let set_aside = set_aside(recent);
        let mut bits = segment.matching(pieces)?;
        if let Some(c) = client {
            let theirs = segment.of_clients(std::iter::once(c))?;
            bits.iter_mut().zip(&theirs).for_each(|(b, m)| *b &= m);
        }
        if !set_aside.is_empty() {
            let ids = set_aside.iter().filter_map(|c| std::str::from_utf8(c).ok());
            let aside = segment.of_clients(ids)?;
            bits.iter_mut().zip(&aside).for_each(|(b, m)| *b &= !m);
        }
        let mut recent_found = scan(recent, pieces, client);
        recent_found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)).then(a.3.cmp(&b.3)));
        let total = bits.iter().map(|w| w.count_ones() as usize).sum::<usize>() + recent_found.len();
        // Both lists are newest first (then by client): merged, they are.
        // A note the segment cannot give is damage, and ends the search.
        let damaged = Cell::new(false);
        let mut older = segment::ones(&bits)
            .map_while(|n| {
                let doc = segment.doc(n);
                if doc.is_none() {
                    damaged.set(true);
                }
                doc
            })
            .map(|(client, date, place)| (date, Cow::Owned(client), Cow::Owned(place)))
            .peekable();
        let mut newer = recent_found
            .into_iter()
            .map(|(date, client, place, _)| (date, Cow::Borrowed(client), Cow::Borrowed(place)))
            .peekable();
        let in_order = std::iter::from_fn(|| match (older.peek(), newer.peek()) {
            (Some(a), Some(b)) if (b.0, &a.1) < (a.0, &b.1) => older.next(),
            (Some(_), Some(_)) => newer.next(),
            (Some(_), None) => older.next(),
            (None, _) => newer.next(),
        });
        // Snippets come from the client files, in their own case, read
        // only for the hits returned: in rounds, as some may be dropped.
        let mut candidates = in_order.map(|(date, client, place)| {
            // An id Rapport would not write is never made into a path.
            Place::parse(&place).filter(|_| is_valid_id(&client)).map(|place| (date, client, place))
        });
        let (mut hits, mut dropped) = (Vec::new(), 0);
        while hits.len() < limit {
            let round: Vec<Option<(NaiveDate, Cow<str>, Place)>> =
                candidates.by_ref().take(limit - hits.len()).collect();
            if round.is_empty() {
                break;
            }
            let (asked, before) = (round.len(), hits.len());
            let names: Vec<String> = round.iter().flatten().map(|(_, client, _)| client.to_string()).collect();
            let records = self.load_some(names.iter().map(String::as_str));
            for (date, client, place) in round.into_iter().flatten() {
                // A hit is shown only from the client's own file: the place
                // the index names must be there and hold every word, else
                // the line was damaged, forged or is out of date, and is
                // neither shown nor counted.
                let record = records.get(client.as_ref()).and_then(Option::as_ref);
                let Some((r, (snippet, marks))) =
                    record.and_then(|r| Some((r, snippet(&place.text(r)?, words, pieces)?)))
                else {
                    continue;
                };
                let session = place.session(r);
                // The day, too, as the file says.
                let date = place.date(r).unwrap_or(date);
                let name = crate::domain::display_name(&r.client.name, r.client.preferred_name.as_deref());
                hits.push(Hit {
                    client: ClientId::new(client.into_owned()),
                    name,
                    session,
                    place,
                    date,
                    snippet,
                    marks,
                });
            }
            dropped += asked - (hits.len() - before);
        }
        if damaged.get() {
            return None;
        }
        Some(Found { hits, total: total.saturating_sub(dropped) })
    }
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
}
