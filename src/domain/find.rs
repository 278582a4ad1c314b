//! How typed words find things: a client from a CLIENT argument, a note
//! from search words, an item from its short id. Both sides of every
//! comparison go through [`fold`], so "zoe", "ZOE" and "Zoë" are one word.

/// `text` folded for matching: lowercased, with accents and other scripts
/// turned into their nearest ASCII (deunicode), one character at a time so
/// that a match in the folded text can be traced back (see
/// [`fold_with_origins`]). "Zoë Ørsted-Núñez" folds to "zoe orsted-nunez".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Runs of ASCII, most of any note, are lowercased whole: the whole
    // practice's text is folded when the search index is rebuilt.
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| !b.is_ascii()).unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        if let Some(c) = rest.chars().next() {
            push_folded(&mut out, c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// [`fold`], and for each byte of the folded text the byte offset in `text`
/// of the character it came from (plus one entry for the end), so a match
/// found in the folded text can be marked in the original.
pub fn fold_with_origins(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len());
    let mut origins = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        push_folded(&mut out, c);
        // Texts are bounded far below 4 GiB (see `bounds::FILE_BYTES`).
        origins.resize(out.len(), at as u32);
    }
    origins.push(text.len() as u32);
    (out, origins)
}

fn push_folded(out: &mut String, c: char) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match deunicode::deunicode_char(c) {
        // A transliteration never brings a line break or a tab of its own
        // (the search index is one line per place, tab-separated).
        Some(ascii) => {
            out.extend(ascii.chars().map(|a| if a.is_ascii_control() { ' ' } else { a.to_ascii_lowercase() }))
        }
        None => out.extend(c.to_lowercase()),
    }
}

/// Whether a client with this name and preferred name is the one `typed`
/// names: a prefix, in any case and with or without accents, of the full
/// name, the preferred name, or any word of either ("zoe", "orsted",
/// "Núñez" and "zoe ors" all name "Zoë Ørsted-Núñez").
pub fn answers_to(name: &str, preferred: Option<&str>, typed: &str) -> bool {
    NameQuery::new(typed).answered_by(name, preferred)
}

/// What was typed to find a client, folded once to be held against many
/// names (see [`answers_to`]).
pub struct NameQuery(String);

impl NameQuery {
    pub fn new(typed: &str) -> NameQuery {
        NameQuery(words(&fold(typed)))
    }

    /// Whether the client with this name and preferred name is the one named.
    pub fn answered_by(&self, name: &str, preferred: Option<&str>) -> bool {
        !self.0.is_empty()
            && std::iter::once(name).chain(preferred).any(|n| {
                // Most names are plain ASCII words with single spaces, which
                // fold to themselves lowercased: compared as they are.
                let plain = n.is_ascii()
                    && n.split(' ').all(|w| !w.is_empty())
                    && !n.bytes().any(|b| b.is_ascii_whitespace() && b != b' ');
                if plain { starts_a_word_ascii(n, &self.0) } else { starts_a_word(&words(&fold(n)), &self.0) }
            })
    }
}

/// [`starts_a_word`] for ASCII `text`, in any case.
fn starts_a_word_ascii(text: &str, prefix: &str) -> bool {
    let (t, p) = (text.as_bytes(), prefix.as_bytes());
    let at = |i: usize| t.get(i..i + p.len()).is_some_and(|w| w.eq_ignore_ascii_case(p));
    at(0) || t.iter().enumerate().any(|(i, c)| !c.is_ascii_alphanumeric() && at(i + 1))
}

/// The words of `text` joined by single spaces.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `prefix` stands at the start of `text` or right after a
/// character that is not a letter or digit (a space, a hyphen, an apostrophe).
fn starts_a_word(text: &str, prefix: &str) -> bool {
    text.starts_with(prefix)
        || text.char_indices().any(|(i, c)| !c.is_alphanumeric() && text[i + c.len_utf8()..].starts_with(prefix))
}

/// The short id an item argument names: `2` means `t2` for a task; `T2`
/// is `t2`. Anything else is passed on as typed (and refused by the record
/// if no item has it).
pub fn item_id(kind: super::ItemKind, typed: &str) -> String {
    let typed = typed.trim();
    match typed.parse::<u64>() {
        Ok(n) if typed.bytes().all(|b| b.is_ascii_digit()) => format!("{}{n}", kind.prefix()),
        _ => typed.to_lowercase(),
    }
}

/// How an id is shown on screen: without the device mark a synced
/// practice gives it (`t3`, not `t3-k4x`; every command takes the number
/// alone), unless it is among `shared`, whose number another item of its
/// kind has too.
pub fn shown_id<'a>(id: &'a str, shared: &std::collections::BTreeSet<String>) -> &'a str {
    match id.split_once('-') {
        Some((number, _)) if !shared.contains(id) => number,
        _ => id,
    }
}

impl super::ClientRecord {
    /// The ids whose number another item of the same kind has too (two
    /// synced devices both made a `t3`): shown whole.
    pub fn shared_numbers(&self) -> std::collections::BTreeSet<String> {
        use strum::VariantArray;
        let mut shared = std::collections::BTreeSet::new();
        for kind in super::ItemKind::VARIANTS {
            let ids = self.ids_of(*kind);
            let number = |id: &'_ str| id.split_once('-').map_or(id, |(n, _)| n).to_string();
            let mut count = std::collections::HashMap::new();
            for id in &ids {
                *count.entry(number(id)).or_insert(0) += 1;
            }
            shared.extend(ids.iter().filter(|id| count[&number(id)] > 1).map(|id| id.to_string()));
        }
        shared
    }

    /// The ids of the items of `kind`.
    pub fn ids_of(&self, kind: super::ItemKind) -> Vec<&str> {
        use super::ItemKind as K;
        match kind {
            K::Session => self.sessions.iter().map(|x| x.id.as_str()).collect(),
            K::Task => self.tasks.iter().map(|x| x.id.as_str()).collect(),
            K::Detail => self.personal.iter().map(|x| x.id.as_str()).collect(),
            K::Goal => self.goals.iter().map(|x| x.id.as_str()).collect(),
            K::Watch => self.watch_for.iter().map(|x| x.id.as_str()).collect(),
            K::Appointment => self.appointments.iter().map(|x| x.id.as_str()).collect(),
            K::Contact => self.contacts.iter().map(|x| x.id.as_str()).collect(),
            K::Measure => self.measures.iter().map(|x| x.id.as_str()).collect(),
            K::Question => self.supervision.iter().map(|x| x.id.as_str()).collect(),
        }
    }

    /// The id of the item a person typed (`t3`, `3`, or a whole `t3-k4x`)
    /// among the items of its type's kind, synced or not. A number that two
    /// synced devices both gave (`t3-k4x` and `t3-m2p`) is refused, naming
    /// both; one that names nothing is passed on as typed, for the change
    /// to say so.
    pub fn item_ref<I: super::ItemIdType>(&self, typed: &str) -> Result<I, super::RecordError> {
        let want = item_id(I::KIND, typed);
        let ids = self.ids_of(I::KIND);
        if ids.contains(&want.as_str()) {
            return Ok(I::from_typed(want));
        }
        let short: Vec<&str> =
            ids.into_iter().filter(|id| id.split_once('-').is_some_and(|(n, _)| n == want)).collect();
        match short.as_slice() {
            [one] => Ok(I::from_typed(one.to_string())),
            [] => Ok(I::from_typed(want)),
            many => Err(super::RecordError::Invalid(format!(
                "{want} could be {}: both devices gave that number; type the whole id",
                many.join(" or ")
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_shown_without_its_device_mark_unless_another_has_its_number() {
        let shared: std::collections::BTreeSet<String> = ["t3-k4x".to_string(), "t3-m2p".to_string()].into();
        assert_eq!(shown_id("t12-k4x", &shared), "t12");
        assert_eq!(shown_id("t3-k4x", &shared), "t3-k4x");
        assert_eq!(shown_id("t4", &shared), "t4");
    }

    #[test]
    fn accents_case_and_other_scripts_fold_to_plain_lowercase() {
        assert_eq!(fold("Zoë Ørsted-Núñez"), "zoe orsted-nunez");
        assert_eq!(fold("Straße İstanbul ÆGIR"), "strasse istanbul aegir");
        // A decomposed accent (e + combining diaeresis) folds the same.
        assert_eq!(fold("Zoe\u{308}"), "zoe");
        assert!(!fold("a\u{2028}b\u{85}c").contains(['\n', '\t', '\r']));
    }

    #[test]
    fn folding_with_origins_folds_the_same() {
        for text in ["Zoë Ørsted-Núñez", "plain ASCII, Mixed Case", "北京 Straße ǅ ﬃ İ", ""] {
            assert_eq!(fold_with_origins(text).0, fold(text), "{text}");
        }
    }

    #[test]
    fn every_folded_byte_knows_where_it_came_from() {
        let text = "Æon Zoë";
        let (folded, origins) = fold_with_origins(text);
        assert_eq!(folded, "aeon zoe");
        assert_eq!(origins.len(), folded.len() + 1);
        // "ae" both come from Æ (offset 0); the "e" of "zoe" from ë.
        assert_eq!(&origins[..3], &[0, 0, 2]);
        assert_eq!(origins[7] as usize, text.find('ë').unwrap());
        assert_eq!(*origins.last().unwrap() as usize, text.len());
    }

    #[test]
    fn a_client_answers_to_any_word_of_their_names_with_or_without_accents() {
        let zoe = |typed| answers_to("Zoë Ørsted-Núñez", Some("Zo"), typed);
        for typed in ["zoe", "ZOË", "orsted", "nunez", "Núñez", "zoe ors", "orsted-n", "zo", " zoë  ørsted "] {
            assert!(zoe(typed), "{typed}");
        }
        for typed in ["oe", "sted", "", "  ", "zoe nunez", "-"] {
            assert!(!zoe(typed), "{typed}");
        }
        assert!(answers_to("Siobhán O'Brien", None, "brien"));
        assert!(answers_to("Maria Lopez", Some("Mari"), "mari"));
    }

    #[test]
    fn a_plain_ascii_name_is_matched_as_its_folded_words_are() {
        let names = ["Maria Lopez", "Tom O'Neill-Becker", "AL", "x1 Y2", "Ada Kaur"];
        let typed = [
            "m", "ma", "maria l", "lopez", "o'n", "neill", "becker", "al", "y2", "kaur", "ada k", "a", "-b", "z",
            "aria",
        ];
        for n in names {
            for t in typed {
                let q = NameQuery::new(t);
                assert_eq!(starts_a_word_ascii(n, &q.0), starts_a_word(&words(&fold(n)), &q.0), "{n} / {t}");
            }
        }
    }

    #[test]
    fn a_bare_number_is_the_item_of_that_kind() {
        use crate::domain::ItemKind;
        assert_eq!(item_id(ItemKind::Task, "2"), "t2");
        assert_eq!(item_id(ItemKind::Task, " 02 "), "t2");
        assert_eq!(item_id(ItemKind::Task, "T2"), "t2");
        assert_eq!(item_id(ItemKind::Goal, "x9"), "x9");
        assert_eq!(item_id(ItemKind::Session, "+3"), "+3");
    }

    #[test]
    fn a_synced_device_marks_its_ids_and_a_short_number_stays_unambiguous() {
        use crate::domain::{ClientProfile, ClientRecord, DeviceTag, TaskId};
        let day = crate::domain::time::dt("2026-11-02 10:00").date();
        let mut r = ClientRecord::new(
            crate::domain::ClientId::new("ann"),
            ClientProfile { name: "Ann".into(), ..Default::default() },
            day,
        );
        r.add_task("before syncing", None, day).unwrap();
        let mut laptop = r.clone();
        laptop.device = DeviceTag(Some("k4x".into()));
        assert_eq!(laptop.add_task("on the laptop", None, day).unwrap(), crate::domain::TaskId::new("t2-k4x"));
        assert_eq!(
            laptop.add_task("again", None, day).unwrap(),
            crate::domain::TaskId::new("t3-k4x"),
            "numbers go on across marks"
        );
        assert_eq!(laptop.item_ref::<TaskId>("2").unwrap().as_str(), "t2-k4x");
        assert_eq!(laptop.item_ref::<TaskId>("T1").unwrap().as_str(), "t1");
        let mut desktop = r.clone();
        desktop.device = DeviceTag(Some("m2p".into()));
        desktop.add_task("on the desktop", None, day).unwrap();
        let mut both = laptop.clone();
        both.tasks.push(desktop.tasks[1].clone());
        let e = both.item_ref::<TaskId>("2").unwrap_err().to_string();
        assert!(e.contains("t2 could be t2-k4x or t2-m2p"), "{e}");
        assert_eq!(both.item_ref::<TaskId>("t2-m2p").unwrap().as_str(), "t2-m2p");
        assert_eq!(both.item_ref::<TaskId>("9").unwrap().as_str(), "t9", "an unknown one is for the change to refuse");
        assert_eq!(both.check(), Ok(()));
    }
}
