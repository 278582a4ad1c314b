//! The ledgers of two devices merged (git's merge driver for `ledger`, see
//! `rapport sync`): the union of their entries in time order, chained anew.
//! Entries both had keep their place, so their links do not change. A
//! ledger whose chain was changed by hand is not merged: `rapport verify`
//! names where, and the sync stops before anything is changed.

use super::*;
use crate::domain::merge::union_in_time_order;

/// The entries of a plain ledger; a torn last line is skipped, as on reading.
fn entries(bytes: &[u8], whose: &str, strict: bool) -> Result<Vec<Entry>, String> {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match serde_json::from_str::<Entry>(l) {
            Ok(e) => out.push(e),
            Err(_) if i + 1 == lines.len() || !strict => {}
            Err(_) => {
                return Err(format!(
                    "the ledger {whose} holds a line Rapport cannot read (line {}); `rapport doctor` there says more",
                    i + 1
                ));
            }
        }
    }
    let mut prev = String::new();
    for (i, e) in out.iter().enumerate() {
        if strict && (e.n != i as u64 + 1 || e.prev != prev || e.link != e.compute_link()) {
            return Err(format!(
                "the ledger {whose} was changed by hand at entry {}, so it is not merged; `rapport verify` there names it",
                e.n
            ));
        }
        prev = e.link.clone();
    }
    Ok(out)
}

/// Merges the plain ledgers `ours` and `theirs`, grown from `base`.
pub fn merge_files(base: &[u8], ours: &[u8], theirs: &[u8]) -> Result<Vec<u8>, String> {
    let b = entries(base, "both devices started from", false)?;
    let o = entries(ours, "on this device", true)?;
    let t = entries(theirs, "from the other device", true)?;
    let key = |e: &Entry| (e.at, e.kind, e.client.clone(), e.session.clone(), e.hash.clone());
    let merged = union_in_time_order(&b, &o, &t, key, |e| e.at);
    let items = merged
        .into_iter()
        .map(|e| (e.at, NewEntry { kind: e.kind, client: e.client, session: e.session, hash: e.hash }));
    Ok(chained(0, String::new(), items, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::dt;

    fn seal(session: &str, hash: &str) -> NewEntry {
        NewEntry { kind: Kind::Seal, client: "ann".into(), session: session.into(), hash: hash.into() }
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
        let merged = merge_files(&ledger(&base), &ledger(&ours), &ledger(&theirs)).unwrap();
        let read = entries(&merged, "merged", true).unwrap();
        let sessions: Vec<&str> = read.iter().map(|e| e.session.as_str()).collect();
        assert_eq!(sessions, vec!["s1", "s3", "s2"]);
        assert!(merged.starts_with(&ledger(&base)), "what both had keeps its links");
        // Merging the result again with the other side changes nothing.
        assert_eq!(merge_files(&ledger(&base), &merged, &ledger(&theirs)).unwrap(), merged);
    }

    #[test]
    fn a_ledger_changed_by_hand_is_not_merged() {
        let base = ledger(&[("2026-11-01 10:00", seal("s1", "a"))]);
        let forged = String::from_utf8(base.clone()).unwrap().replace("\"hash\":\"a\"", "\"hash\":\"z\"");
        let e = merge_files(&base, &base, forged.as_bytes()).unwrap_err();
        assert!(e.contains("changed by hand at entry 1"), "{e}");
        let e = merge_files(&base, b"not a ledger\n{}\n", &base).unwrap_err();
        assert!(e.contains("cannot read (line 1)"), "{e}");
    }
}
