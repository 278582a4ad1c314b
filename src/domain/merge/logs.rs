//! Append-only logs (the ledger, the audit log) merged as the union of
//! their entries in time order.

use std::collections::HashMap;
use std::hash::Hash;

use chrono::NaiveDateTime;

/// The entries of `ours` and `theirs`, both grown from `base`: every entry
/// either added, once (an entry both added, as a sync run twice does, is
/// kept once), less what either removed (an erasure). This device's entries
/// keep their order; the other's new ones are laid among this device's new
/// ones by `at`, after everything both had.
pub fn union_in_time_order<T: Clone, K: Hash + Eq>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> K,
    at: impl Fn(&T) -> NaiveDateTime,
) -> Vec<T> {
    union_keeping(base, ours, theirs, key, at, |_| false)
}

/// As [`union_in_time_order`], but an entry for which `keep` holds stays
/// where one side removed it: the entries of a client whose record the
/// merge keeps although one device erased them.
pub fn union_keeping<T: Clone, K: Hash + Eq>(
    base: &[T],
    ours: &[T],
    theirs: &[T],
    key: impl Fn(&T) -> K,
    at: impl Fn(&T) -> NaiveDateTime,
    keep: impl Fn(&T) -> bool,
) -> Vec<T> {
    let count = |items: &[T]| {
        let mut m: HashMap<K, usize> = HashMap::new();
        for i in items {
            *m.entry(key(i)).or_default() += 1;
        }
        m
    };
    let (b, o, t) = (count(base), count(ours), count(theirs));
    let n = |m: &HashMap<K, usize>, k: &K| m.get(k).copied().unwrap_or(0);
    // How many times each entry stays: what both kept of the base, plus the
    // most either added.
    let wanted = |k: &K| {
        let (b, o, t) = (n(&b, k), n(&o, k), n(&t, k));
        o.min(t).min(b) + o.saturating_sub(b).max(t.saturating_sub(b))
    };
    let mut left: HashMap<K, usize> = HashMap::new();
    let mut take = |item: &T| {
        let k = key(item);
        let w =
            *left.entry(key(item)).or_insert_with(|| if keep(item) { n(&o, &k).max(n(&t, &k)) } else { wanted(&k) });
        if w == 0 {
            return false;
        }
        left.insert(k, w - 1);
        true
    };
    let kept: Vec<T> = ours.iter().filter(|i| take(i)).cloned().collect();
    let new: Vec<T> = theirs.iter().filter(|i| take(i)).cloned().collect();
    let shared = kept.iter().rposition(|i| n(&b, &key(i)) > 0).map_or(0, |p| p + 1);
    let (mut out, mine) = (kept[..shared].to_vec(), &kept[shared..]);
    let (mut i, mut j) = (0, 0);
    while i < mine.len() || j < new.len() {
        if j == new.len() || (i < mine.len() && at(&mine[i]) <= at(&new[j])) {
            out.push(mine[i].clone());
            i += 1;
        } else {
            out.push(new[j].clone());
            j += 1;
        }
    }
    out
}
