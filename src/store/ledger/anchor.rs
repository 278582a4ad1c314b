//! Anchors: the ledger's head kept where whoever changes the data folder
//! cannot roll it back. `rapport verify --anchor` prints a short code of the
//! head (its entry number and link, which chains every entry before it) for
//! the therapist to keep elsewhere; `verify --against CODE` fails if the
//! ledger no longer extends that head. Each snapshot keeps the head it was
//! taken at too, and `verify` and `doctor` name a ledger shorter than the
//! newest snapshot's.

use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Entry, Kind};
use crate::store::Store;
use crate::store::atomic::write_atomic_in_new_folder;

/// The file in a snapshot's folder that holds the ledger's head then.
pub const SNAPSHOT_HEAD: &str = "ledger-head";

/// Crockford's base32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The code of the head at entry `n` with link `link`: 12 base32
/// characters (60 bits) of a hash of both, shown as `XXXX-XXXX-XXXX`.
pub fn code(n: u64, link: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"rapport ledger head\0");
    h.update(n.to_be_bytes());
    h.update(link.as_bytes());
    let digest = h.finalize();
    let bits = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes")) >> 4;
    let chars: Vec<u8> = (0..12).rev().map(|i| ALPHABET[((bits >> (5 * i)) & 31) as usize]).collect();
    let text = String::from_utf8(chars).expect("ascii");
    format!("{}-{}-{}", &text[..4], &text[4..8], &text[8..])
}

/// A code as typed: case, dashes and spaces aside, with O read as 0 and
/// I or L as 1.
fn normalised(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        })
        .collect()
}

/// The entry whose head has the code `typed`, if the ledger still holds it.
pub fn extends(entries: &[Entry], typed: &str) -> Option<u64> {
    let want = normalised(typed);
    entries.iter().find(|e| normalised(&code(e.n, &e.link)) == want).map(|e| e.n)
}

/// Whether `typed` reads as a code at all.
pub fn is_code(typed: &str) -> bool {
    let t = normalised(typed);
    t.len() == 12 && t.bytes().all(|b| ALPHABET.contains(&b))
}

/// Notes the ledger's head in the snapshot being built at `folder`, if
/// the ledger can be read.
pub(crate) fn note_in_snapshot(
    root: &Path,
    keys: Option<&crate::store::crypt::Keys>,
    folder: &Path,
) -> anyhow::Result<()> {
    // A ledger that cannot be read (a link, say) is named by what reads it
    // next; the snapshot is taken without its head.
    let Ok((n, link)) = super::tail(root, keys) else { return Ok(()) };
    // The snapshot's folder is synced once, with its manifest, before it is named.
    write_atomic_in_new_folder(&folder.join(SNAPSHOT_HEAD), format!("{n} {link}\n").as_bytes())
}

impl Store {
    /// The newest snapshot that noted the ledger's head, and that head's
    /// entry number, when the ledger now holds fewer entries: it was cut
    /// short, or an older copy was put back. Not when an erasure or a
    /// restarted ledger since (an entry dated at or after the snapshot)
    /// made it shorter.
    pub(crate) fn ledger_shorter_than_snapshot(&self, entries: &[Entry]) -> Option<(String, u64)> {
        let name = self
            .snapshot_names()
            .into_iter()
            .rev()
            .find(|name| self.root().join("backups").join(name).join(SNAPSHOT_HEAD).is_file())?;
        let text = crate::store::files::read_regular(&self.root().join("backups").join(&name).join(SNAPSHOT_HEAD), 256)
            .ok()?;
        let n: u64 = String::from_utf8_lossy(&text).split(' ').next()?.trim().parse().ok()?;
        let taken = crate::store::backup::snapshot_time(&name)?;
        let rewritten = entries.iter().any(|e| matches!(e.kind, Kind::Erased | Kind::Start) && e.at >= taken);
        ((entries.len() as u64) < n && !rewritten).then_some((name, n))
    }
}
