//! The ledgers of two devices merged (git's merge driver for `ledger`, see
//! `rapport sync`): the union of their entries in time order, chained anew.
//! Entries both had keep their place, so their links do not change, and
//! each keeps the very line it had: an encrypted ledger's shared lines are
//! not encrypted again (age is randomised, so that would change every
//! line). A ledger whose chain was changed by hand is not merged: `rapport
//! verify` names where, and the sync stops before anything is changed.

use std::collections::HashMap;

use super::*;
use crate::domain::merge::union_keeping;

/// The entries of a ledger, each with its line; a torn last line is
/// skipped, as on reading. With `keys`, every line must be encrypted.
fn entries<'a>(
    bytes: &'a [u8],
    keys: Option<&Keys>,
    whose: &str,
    strict: bool,
) -> Result<Vec<(Entry, &'a [u8])>, String> {
    let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.trim_ascii().is_empty()).collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match std::str::from_utf8(l).ok().and_then(|l| parse(l, keys, None)).flatten() {
            Some(e) => out.push((e, *l)),
            None if i + 1 == lines.len() || !strict => {}
            None => {
                return Err(format!(
                    "the ledger {whose} holds a line Rapport cannot read{} (line {}); `rapport doctor` there says more",
                    if keys.is_some() { " with this practice's key" } else { "" },
                    i + 1
                ));
            }
        }
    }
    let mut prev = String::new();
    for (i, (e, _)) in out.iter().enumerate() {
        if strict && (e.n != i as u64 + 1 || e.prev != prev || e.link != e.compute_link()) {
            return Err(format!(
                "the ledger {whose} was changed by hand at entry {}, so it is not merged; `rapport verify` there names it",
                e.n
            ));
        }
        prev = e.link.clone();
    }
    if let (true, Some(k)) = (strict, keys) {
        let all: Vec<Entry> = out.iter().map(|(e, _)| e.clone()).collect();
        if let Some(n) = authentication(&all, k).0.first() {
            return Err(format!(
                "the ledger {whose} holds an entry not made with this practice's key (entry {n}), so it is not \
                 merged; `rapport verify` there names it"
            ));
        }
    }
    Ok(out)
}

/// Merges the ledgers `ours` and `theirs`, grown from `base`: plain, or
/// encrypted with `keys`.
pub fn merge_files(base: &[u8], ours: &[u8], theirs: &[u8], keys: Option<&Keys>) -> Result<Vec<u8>, String> {
    merge_keeping(base, ours, theirs, keys, &[])
}

/// As [`merge_files`], keeping the entries of the clients `kept` that one
/// side's erasure removed: their record was kept, and stays witnessed.
pub fn merge_keeping(
    base: &[u8],
    ours: &[u8],
    theirs: &[u8],
    keys: Option<&Keys>,
    kept: &[ClientId],
) -> Result<Vec<u8>, String> {
    let b = entries(base, keys, "both devices started from", false)?;
    let o = entries(ours, keys, "on this device", true)?;
    let t = entries(theirs, keys, "from the other device", true)?;
    // This device's line first, where two hold the same entry.
    let had: HashMap<String, &[u8]> =
        t.iter().chain(&b).chain(&o).map(|(e, l)| (serde_json::to_string(e).expect("entries serialise"), *l)).collect();
    let only = |v: Vec<(Entry, &[u8])>| v.into_iter().map(|(e, _)| e).collect::<Vec<_>>();
    let key = |e: &Entry| (e.at, e.kind, e.client.clone(), e.session.clone(), e.hash.clone());
    let merged = union_keeping(&only(b), &only(o), &only(t), key, |e| e.at, |e| kept.contains(&e.client));
    let items = merged
        .into_iter()
        .map(|e| (e.at, NewEntry { kind: e.kind, client: e.client, session: e.session, hash: e.hash }));
    let mut out = Vec::new();
    for entry in chained_entries(0, String::new(), items, keys) {
        match had.get(&serde_json::to_string(&entry).expect("entries serialise")) {
            Some(l) => {
                out.extend_from_slice(l);
                out.push(b'\n');
            }
            None => out.extend(line(&entry, keys)),
        }
    }
    Ok(out)
}

/// The client of each entry of `base` that `theirs` lacks (empty for one
/// of the whole folder): a merge lays the chain again, so entries are
/// compared by what they witness, not by their line. Lines that cannot be
/// read count as nothing.
pub fn entries_lost(base: &[u8], theirs: &[u8], keys: Option<&Keys>) -> Vec<String> {
    let key = |e: &Entry| (e.at, e.kind, e.client.clone(), e.session.clone(), e.hash.clone());
    let kept: std::collections::HashSet<_> =
        entries(theirs, keys, "", false).unwrap_or_default().iter().map(|(e, _)| key(e)).collect();
    let base = entries(base, keys, "", false).unwrap_or_default();
    base.iter().filter(|(e, _)| !kept.contains(&key(e))).map(|(e, _)| e.client.to_string()).collect()
}

/// Whether the ledger `bytes` (a version from git) holds the tombstone of
/// client `client`: the erasure `client delete` witnessed.
pub fn erased_in(bytes: &[u8], keys: Option<&Keys>, client: &str) -> bool {
    let entries: Vec<Entry> = entries(bytes, keys, "", false).unwrap_or_default().into_iter().map(|(e, _)| e).collect();
    erased(&entries, client)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    fn seal(session: &str, hash: &str) -> NewEntry {
        NewEntry {
            kind: Kind::Seal,
            client: crate::domain::ClientId::new("ann"),
            session: crate::domain::SessionId::new(session),
            hash: hash.into(),
        }
    }

    fn ledger(items: &[(&str, NewEntry)]) -> Vec<u8> {
        chained(0, String::new(), items.iter().map(|(at, e)| (dt(at), e.clone())), None)
    }

    #[test]
    fn two_devices_ledgers_merge_into_one_whole_chain() {
        let base = [("2026-11-01 10:00", seal("s1", "a"))];
        let mut ours = base.to_vec();
        ours.push(("2026-11-03 10:00", seal("s2", "b")));
        let mut theirs = base.to_vec();
        theirs.push(("2026-11-02 10:00", seal("s3", "c")));
        let merged = merge_files(&ledger(&base), &ledger(&ours), &ledger(&theirs), None).unwrap();
        let read = entries(&merged, None, "merged", true).unwrap();
        let sessions: Vec<&str> = read.iter().map(|(e, _)| e.session.as_str()).collect();
        assert_eq!(sessions, vec!["s1", "s3", "s2"]);
        assert!(merged.starts_with(&ledger(&base)), "what both had keeps its links");
        // Merging the result again with the other side changes nothing.
        assert_eq!(merge_files(&ledger(&base), &merged, &ledger(&theirs), None).unwrap(), merged);
    }

    #[test]
    fn encrypted_ledgers_merge_keeping_every_line_both_had_and_refuse_a_plain_line() {
        let keys = Keys::generate().unwrap();
        let enc = |items: &[(&str, NewEntry)]| {
            chained(0, String::new(), items.iter().map(|(at, e)| (dt(at), e.clone())), Some(&keys))
        };
        let base = [("2026-11-01 10:00", seal("s1", "a"))];
        let (mut ours, mut theirs) = (base.to_vec(), base.to_vec());
        ours.push(("2026-11-03 10:00", seal("s2", "b")));
        theirs.push(("2026-11-02 10:00", seal("s3", "c")));
        // Each device appended to the lines both had.
        let b = enc(&base);
        let grown = |items: &[(&str, NewEntry)]| {
            let all = enc(items);
            let new_line = all.split(|c| *c == b'\n').nth(1).unwrap();
            [b.as_slice(), new_line, b"\n"].concat()
        };
        let (o, t) = (grown(&ours), grown(&theirs));
        assert!(o.starts_with(&b) && t.starts_with(&b));
        let merged = merge_files(&b, &o, &t, Some(&keys)).unwrap();
        let text = String::from_utf8(merged.clone()).unwrap();
        assert!(!text.contains("\"session\"") && !text.contains("{"), "nothing plain: {text}");
        let read = entries(&merged, Some(&keys), "merged", true).unwrap();
        let sessions: Vec<&str> = read.iter().map(|(e, _)| e.session.as_str()).collect();
        assert_eq!(sessions, vec!["s1", "s3", "s2"]);
        assert!(merged.starts_with(&b), "the shared line is the same ciphertext");
        // The other device's new entry kept its place and link: its line too.
        let their_line = t.split(|c| *c == b'\n').nth(1).unwrap();
        assert_eq!(merged.split(|c| *c == b'\n').nth(1).unwrap(), their_line);
        let e = merge_files(&b, &o, &ledger(&theirs), Some(&keys)).unwrap_err();
        assert!(e.contains("cannot read with this practice's key (line 1)"), "{e}");
    }

    #[test]
    fn a_ledger_changed_by_hand_is_not_merged() {
        let base = ledger(&[("2026-11-01 10:00", seal("s1", "a"))]);
        let forged = String::from_utf8(base.clone()).unwrap().replace("\"hash\":\"a\"", "\"hash\":\"z\"");
        let e = merge_files(&base, &base, forged.as_bytes(), None).unwrap_err();
        assert!(e.contains("changed by hand at entry 1"), "{e}");
        let e = merge_files(&base, b"not a ledger\n{}\n", &base, None).unwrap_err();
        assert!(e.contains("cannot read (line 1)"), "{e}");
    }
}
