//! The search's files in the index folder: the main segment and the
//! lines saved since it was built ("recent lines"); how a rebuild, a save
//! and an erasure change them, and how the recent lines are scanned.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::NaiveDate;
use memchr::memmem;

use super::super::index::state::State;
use super::super::index::{IndexDir, RECENT_CAP, SEGMENT_CAP, Stamp};
use super::segment::{self, Segment, Source};
use crate::domain::ClientId;

/// The main segment and the lines written since it was built.
const SEGMENT: &str = "search.seg";
const RECENT: &str = "search-recent.tsv";
/// The recent lines are merged into the segment when they reach this size:
/// a search scans them whole, and a save rewrites them.
const MERGE_AT: usize = 2 << 20;

impl IndexDir {
    /// The search text is there to be read, as Rapport left it when it
    /// wrote `state` (see [`State::search`]).
    pub(crate) fn text_believed(&self, state: &State) -> bool {
        std::fs::symlink_metadata(self.path(SEGMENT)).is_ok_and(|m| m.file_type().is_file())
            && state.search == self.search_written()
    }

    /// The segment's and the recent lines' time and length now, as
    /// [`State::search`] keeps them. Their time and length, not their
    /// bytes: a query still reads the segment a block at a time.
    pub(crate) fn search_written(&self) -> [u128; 4] {
        let [segment, recent] =
            [SEGMENT, RECENT].map(|f| Stamp::of(&self.path(f)).map_or((0, 0), |s| (s.modified_ns, s.len)));
        [segment.0, u128::from(segment.1), recent.0, u128::from(recent.1)]
    }

    /// The main segment and the recent lines, or None when either is
    /// missing, damaged or changed since Rapport wrote `state` (the index
    /// is then rebuilt: every build writes both, so recent lines gone,
    /// emptied by a cleaning tool or put back from an older copy would
    /// hide every note saved since). The segment is opened, not read: a
    /// query reads the blocks it needs.
    pub(super) fn read_text(&self, state: &State) -> Option<(Segment, Vec<u8>)> {
        if !self.text_believed(state) {
            return None;
        }
        let file = self.open_raw(&self.path(SEGMENT), SEGMENT_CAP)?;
        let segment = Segment::open(Source::File(file), self.keys.clone())?;
        Some((segment, self.read_present(&self.path(RECENT), RECENT_CAP)?))
    }

    /// Builds the search text anew from `lines` (every client's).
    pub(crate) fn rebuild_text(&self, text: segment::Builder) -> anyhow::Result<()> {
        // The text shards of index version 5 and before go: stale, and
        // perhaps the words of a client erased since.
        for e in std::fs::read_dir(self.path("")).into_iter().flatten().filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("text-") && name.ends_with(".tsv") {
                std::fs::remove_file(e.path())?;
            }
        }
        self.write_bytes(&self.path(RECENT), b"")?;
        let bytes = text.finish(self.keys.as_deref())?;
        self.write_raw(&self.path(SEGMENT), &bytes)
    }

    /// Replaces the lines of clients `ids` with `lines`: they go to the
    /// recent lines, each client's after a line `=\tID` that sets aside
    /// what the main segment holds of them. `state`: the index's, which
    /// must say the search text is as Rapport left it.
    pub(crate) fn replace_text(
        &self,
        state: &State,
        ids: &BTreeSet<ClientId>,
        lines: &BTreeMap<ClientId, Vec<String>>,
    ) -> anyhow::Result<()> {
        let old = self.read_or_absent(&self.path(RECENT), RECENT_CAP);
        let Some(old) = old.filter(|_| self.text_believed(state)) else {
            // Damaged or changed by another program: what it set aside in
            // the segment is lost, so the whole index is rebuilt at the
            // next look.
            self.discard()?;
            anyhow::bail!("the index's search text was damaged or changed; the index will be rebuilt");
        };
        let mut out = Vec::with_capacity(old.len() + 64 * 1024);
        for line in old.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
            if !ids.iter().any(|id| recent_client(line) == Some(id.as_str().as_bytes())) {
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
            && let Some((segment, _)) = self.read_text(state)
        {
            let text = String::from_utf8_lossy(&out);
            let set_aside = set_aside(&out);
            match segment::merge(&segment, |c| set_aside.contains(c.as_bytes()), text.lines(), self.keys.as_deref())? {
                Some(merged) => {
                    // The segment first: should the recent lines not be
                    // emptied after it, they still set its lines aside and
                    // say the same.
                    self.write_raw(&self.path(SEGMENT), &merged)?;
                    return self.write_bytes(&self.path(RECENT), b"");
                }
                // Damaged: the next look rebuilds the index.
                None => self.discard()?,
            }
        }
        self.write_bytes(&self.path(RECENT), &out)
    }

    /// Takes client `id` out of the search index, leaving no word of theirs
    /// behind (an erasure): the recent lines are merged into the segment
    /// without theirs. `state`: the index's, as for [`Self::replace_text`].
    pub(crate) fn erase_text(&self, state: &State, id: &str) -> anyhow::Result<()> {
        let Some((segment, recent)) = self.read_text(state) else {
            // Nothing readable to keep: the next look rebuilds it.
            let _ = std::fs::remove_file(self.path(SEGMENT));
            return self.write_bytes(&self.path(RECENT), b"");
        };
        let set_aside = set_aside(&recent);
        let text = String::from_utf8_lossy(&recent);
        let kept = text.lines().filter(|l| recent_client(l.as_bytes()) != Some(id.as_bytes()));
        let merged =
            segment::merge(&segment, |c| c == id || set_aside.contains(c.as_bytes()), kept, self.keys.as_deref())?;
        match merged {
            Some(merged) => self.write_raw(&self.path(SEGMENT), &merged)?,
            // Damaged: none of it is kept, and the next look rebuilds it.
            None => {
                let _ = std::fs::remove_file(self.path(SEGMENT));
                self.discard()?;
            }
        }
        self.write_bytes(&self.path(RECENT), b"")
    }
}

/// The client a recent line is of: `=\tID` or `ID\t…`.
fn recent_client(line: &[u8]) -> Option<&[u8]> {
    let line = line.strip_prefix(b"=\t").unwrap_or(line);
    line.split(|&b| b == b'\t').next()
}

/// The clients whose lines in the main segment the recent lines set aside.
pub(super) fn set_aside(recent: &[u8]) -> HashSet<&[u8]> {
    recent.split(|&b| b == b'\n').filter_map(|l| l.strip_prefix(b"=\t")).collect()
}

/// A matching line: (date, client, place, order in the recent lines).
type Match<'a> = (NaiveDate, &'a str, &'a str, usize);

/// The recent lines holding every piece (of `client`, if given). The text
/// is folded, so the fast exact search finds words in any case, with or
/// without accents.
pub(super) fn scan<'a>(buf: &'a [u8], pieces: &[String], client: Option<&str>) -> Vec<Match<'a>> {
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
