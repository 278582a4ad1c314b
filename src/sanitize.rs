//! The one sanitizer between the record and a terminal.
//!
//! Text in the record comes from people and files: a pasted email, a name
//! typed by someone else, a file another program wrote. Such text can hold
//! terminal control sequences (`ESC ] 0 ; … BEL` sets the window title,
//! `ESC ] 52 ; c ; …` writes the clipboard, `ESC [ 2 J` clears the screen).
//! Every string from the record passes through [`visible`] on its way to a
//! terminal or a Markdown export, so a control character is *shown*, never
//! executed: C0 controls become their Unicode "control picture" (`ESC` is
//! shown as `␛`), DEL as `␡`, C1 controls and the bidirectional overrides
//! that can make text read backwards as `�`. Each stays one column wide, so
//! layouts do not shift. Newline and tab are kept: they are text.
//!
//! The CLI writes through [`VisibleWriter`]; the app makes every record,
//! index entry and search hit visible where it enters the app
//! ([`MakeVisible`]); Markdown exports are made visible whole. JSON keeps
//! the text exact: serde escapes control characters there.

use std::borrow::Cow;
use std::io::{self, Write};

/// The visible stand-in for `c`, or `None` when `c` may reach a terminal.
fn stand_in(c: char) -> Option<char> {
    match c {
        '\n' | '\t' => None,
        // C0: U+2400 CONTROL PICTURE FOR NULL onwards, in the same order.
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('\u{2421}'),
        // C1 controls, and the bidi embeddings, overrides and isolates
        // ("Trojan Source"), which make text display in another order.
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// `text` with every control character made visible (see the module docs).
/// Borrows when there is nothing to change, which is almost always.
pub fn visible(text: &str) -> Cow<'_, str> {
    // Printable ASCII, as nearly all text is: nothing to look at char by char.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) || !text.chars().any(|c| stand_in(c).is_some()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| stand_in(c).unwrap_or(c)).collect())
}

/// JSON text with the control characters serde leaves raw (DEL, C1, the
/// bidi overrides) written as `\uXXXX` escapes: the text stays exact for a
/// program that reads it, and inert on a terminal that shows it. (Those
/// characters can only stand inside JSON strings, so this keeps it valid.)
pub fn json_inert(json: String) -> String {
    if is_visible(&json) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match stand_in(c) {
            Some(_) => out.push_str(&format!("\\u{:04x}", c as u32)),
            None => out.push(c),
        }
    }
    out
}

/// True when `text` would reach a terminal unchanged.
pub fn is_visible(text: &str) -> bool {
    matches!(visible(text), Cow::Borrowed(_))
}

/// Makes a string visible in place; no allocation when nothing changes.
fn make_visible_in_place(s: &mut String) {
    if let Cow::Owned(v) = visible(s) {
        *s = v;
    }
}

/// A writer that passes text on with every control character made visible
/// (bytes that are not UTF-8 become `�`). The CLI's standard output and
/// error go through one.
pub struct VisibleWriter<W: Write> {
    inner: W,
    /// The start of a UTF-8 character cut by the end of the last write.
    pending: Vec<u8>,
}

impl<W: Write> VisibleWriter<W> {
    pub fn new(inner: W) -> VisibleWriter<W> {
        VisibleWriter { inner, pending: Vec::new() }
    }
}

impl<W: Write> Write for VisibleWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let bytes = std::mem::take(&mut self.pending);
        let mut rest: &[u8] = &bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(text) => {
                    self.inner.write_all(visible(text).as_bytes())?;
                    break;
                }
                Err(e) => {
                    let (good, bad) = rest.split_at(e.valid_up_to());
                    self.inner.write_all(visible(std::str::from_utf8(good).expect("checked")).as_bytes())?;
                    match e.error_len() {
                        // A character cut at the end: wait for its other bytes.
                        None => {
                            self.pending = bad.to_vec();
                            break;
                        }
                        Some(n) => {
                            self.inner.write_all("\u{fffd}".as_bytes())?;
                            rest = &bad[n..];
                        }
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.pending.is_empty() {
            self.pending.clear();
            self.inner.write_all("\u{fffd}".as_bytes())?;
        }
        self.inner.flush()
    }
}

impl<W: Write> Drop for VisibleWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

/// Values whose every string can be made visible in place: what the app
/// holds of the record is passed through this once, where it enters.
pub trait MakeVisible {
    fn make_visible(&mut self);
}

impl MakeVisible for String {
    fn make_visible(&mut self) {
        make_visible_in_place(self);
    }
}

impl<T: MakeVisible> MakeVisible for Option<T> {
    fn make_visible(&mut self) {
        if let Some(v) = self {
            v.make_visible();
        }
    }
}

impl<T: MakeVisible> MakeVisible for Vec<T> {
    fn make_visible(&mut self) {
        self.iter_mut().for_each(MakeVisible::make_visible);
    }
}

impl<T: MakeVisible> MakeVisible for Box<T> {
    fn make_visible(&mut self) {
        (**self).make_visible();
    }
}

/// Says of every field of a struct whether it is made visible (`show`)
/// or left as it is (`keep`: not text, or held to a grammar when read).
/// Every field is named, so a field added to a type does not compile
/// until it is put in one list or the other.
macro_rules! visible_fields {
    ($($ty:path { show: $($field:ident),* ; keep: $($kept:ident),* })*) => {
        $(impl MakeVisible for $ty {
            fn make_visible(&mut self) {
                let Self { $($field,)* $($kept: _,)* } = self;
                $($field.make_visible();)*
            }
        })*
    };
}

use crate::domain::{
    Addendum, Appointment, Client, ClientProfile, ClientRecord, Conflict, Contact, Goal, Measure, PersonalDetail,
    Session, SupervisionQuestion, Task, WatchFor,
};

visible_fields! {
    ClientRecord {
        show: client, sessions, tasks, personal, goals, watch_for, appointments, contacts, measures, scales, supervision,
            conflicts;
        keep: schema_version, device
    }
    Client {
        show: id, name, preferred_name, pronouns, phone, email, setting;
        keep: preferred_channel, created, archived
    }
    ClientProfile { show: name, preferred_name, pronouns, phone, email; keep: preferred_channel }
    Session {
        show: id, topics, feedback, observations, plan, notes, assessment, intervention, addenda;
        keep: at, minutes, appointment, finalised
    }
    Addendum { show: text; keep: at }
    Appointment { show: id, note, source_uid; keep: start, minutes, cancelled, not_held, source_start, moved_from }
    Task { show: id, text, session, outcome; keep: set_on, status, closed_on }
    PersonalDetail { show: id, text, session; keep: date, ask, noted_on }
    Goal { show: id, text; keep: status, agreed, set_on }
    WatchFor { show: id, text, resolved_why; keep: noted_on, resolved_on }
    SupervisionQuestion { show: id, text; keep: noted_on, discussed_on }
    Contact { show: id, summary; keep: at, channel, direction, replied_at }
    // A custom kind's key is held to a slug's grammar when read.
    Measure { show: id, session; keep: kind, at, items, total }
    // The values are shown only through `merge::shown`, which makes them visible.
    Conflict { show: item, field; keep: found, kind, part, kept, other }
    crate::domain::measures::CustomScale { show: name; keep: items, item_max, higher_is, cutoff, reliable_change }
    crate::store::index::Awaiting { show: id, summary; keep: channel, at }
}

/// The index's own types keep fields of their own out of sight: their
/// text fields, named.
macro_rules! visible_text_of {
    ($($ty:path { $($field:ident),* })*) => {
        $(impl MakeVisible for $ty {
            fn make_visible(&mut self) {
                $(self.$field.make_visible();)*
            }
        })*
    };
}

visible_text_of! {
    crate::store::ClientSummary { name, preferred_name, reminder, awaiting, flag }
    crate::store::IndexEntry { summary, error }
}

impl MakeVisible for crate::store::search::Hit {
    /// The name and the snippet made visible, the snippet's highlighted
    /// ranges moved to match.
    fn make_visible(&mut self) {
        self.name.make_visible();
        if is_visible(&self.snippet) {
            return;
        }
        let s = &self.snippet;
        let (mut out, mut marks, mut last) = (String::new(), Vec::new(), 0);
        for &(a, b) in &self.marks {
            if a < last || b < a || b > s.len() || !s.is_char_boundary(a) || !s.is_char_boundary(b) {
                continue;
            }
            out.push_str(&visible(&s[last..a]));
            let start = out.len();
            out.push_str(&visible(&s[a..b]));
            marks.push((start, out.len()));
            last = b;
        }
        out.push_str(&visible(&s[last..]));
        self.snippet = out;
        self.marks = marks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_executed() {
        let name = "Eve \u{1b}]0;pwned\u{7}\u{1b}[2JEvil";
        assert_eq!(visible(name), "Eve ␛]0;pwned␇␛[2JEvil");
        assert!(!visible("\u{9b}31m").contains('\u{9b}'));
        assert_eq!(visible("a\u{7f}b\rc"), "a␡b␍c");
        assert_eq!(visible("abc\u{202e}cba"), "abc\u{fffd}cba");
    }

    #[test]
    fn json_keeps_the_exact_text_behind_escapes() {
        let text = "a\u{1b}b\u{9b}c\u{7f}d\u{202e}e";
        let json = json_inert(serde_json::to_string(&text).unwrap());
        assert!(is_visible(&json), "{json}");
        assert_eq!(serde_json::from_str::<String>(&json).unwrap(), text);
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let text = "Zoë Ørsted-Núñez\nline two\twith a tab";
        assert!(matches!(visible(text), Cow::Borrowed(_)));
    }

    #[test]
    fn the_writer_joins_characters_cut_between_writes_and_marks_bad_bytes() {
        let mut out = Vec::new();
        {
            let mut w = VisibleWriter::new(&mut out);
            let c1 = "\u{9b}".as_bytes(); // two bytes: C2 9B
            w.write_all(&[b'a', c1[0]]).unwrap();
            w.write_all(&[c1[1], b'b', 0xff, b'\x1b', b'c']).unwrap();
        }
        assert_eq!(String::from_utf8(out).unwrap(), "a\u{fffd}b\u{fffd}␛c");
    }

    #[test]
    fn no_control_byte_survives_any_input() {
        let mut all = String::new();
        for c in (0u32..0x300).chain(0x2000..0x2100).filter_map(char::from_u32) {
            all.push(c);
        }
        let v = visible(&all);
        assert!(v.chars().all(|c| c == '\n' || c == '\t' || !c.is_control()));
        assert!(is_visible(&v));
    }
}
