//! A snapshot's manifest, `backups/<snapshot>/manifest.json`: the client
//! files it holds, each by the SHA-256 of its bytes (stored once, in
//! `backups/objects/`), its size, and what `stat` said of the live file when
//! it was stored, when that can be trusted to tell the next snapshot the
//! file is unchanged. A snapshot folder without its manifest is no snapshot.
//!
//! A manifest is read as untrusted input: a path that is not
//! `clients/<a client file's name>`, a hash that is not 64 hex digits, a
//! size over a client file's limit, a name given twice, or more entries
//! than any practice has, and the whole manifest is refused.

use std::collections::HashSet;
use std::fs::Metadata;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::bounds;
use crate::store::files::{ReadError, read_regular};

/// The manifest's name in a snapshot's folder.
pub const MANIFEST: &str = "manifest.json";
/// The format this Rapport writes and reads.
const FORMAT: u32 = 1;
/// A manifest's size limit: some 300,000 clients.
const MANIFEST_CAP: u64 = 64 * 1024 * 1024;
/// Entries in one manifest, at most.
const ENTRIES_CAP: usize = 200_000;

/// The files of one snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub files: Vec<Entry>,
}

/// One file of a snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// `clients/<file>`, relative to the data folder.
    pub path: String,
    /// SHA-256 of the file's bytes, lowercase hex: the object's name.
    pub hash: String,
    pub size: u64,
    /// The live file as it was stored, when it had not changed for a second
    /// before the snapshot began (see [`Seen::trusted`]); None otherwise,
    /// and the next snapshot hashes that file again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<Seen>,
}

/// What `stat` says of a live file: any write to it changes its ctime
/// (which no program can set), a replacement its inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Seen {
    pub mtime_ns: i64,
    pub ctime_ns: i64,
    pub ino: u64,
    pub dev: u64,
}

impl Seen {
    pub fn of(meta: &Metadata) -> Seen {
        Seen {
            mtime_ns: meta.mtime().saturating_mul(1_000_000_000).saturating_add(meta.mtime_nsec()),
            ctime_ns: meta.ctime().saturating_mul(1_000_000_000).saturating_add(meta.ctime_nsec()),
            ino: meta.ino(),
            dev: meta.dev(),
        }
    }

    /// This `stat` may say "unchanged" at the next snapshot: the file's
    /// last change (ctime) is over a second older than the snapshot's start
    /// (`started_ns`, by the filesystem's own clock). A file changed later,
    /// or within the same tick of a coarse clock, has a ctime that cannot be
    /// told from a change still to come with the same size: it is hashed
    /// again next time, as git treats a "racily clean" file.
    pub fn trusted(self, started_ns: i64) -> Option<Seen> {
        (self.ctime_ns < started_ns.saturating_sub(1_000_000_000)).then_some(self)
    }
}

impl Entry {
    /// The client file's name, without `clients/`.
    pub fn file(&self) -> &str {
        self.path.strip_prefix("clients/").unwrap_or(&self.path)
    }
}

impl Manifest {
    pub fn new(files: Vec<Entry>) -> Manifest {
        Manifest { format: FORMAT, files }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec(self).expect("manifests serialise");
        bytes.push(b'\n');
        bytes
    }

    /// Reads the manifest of the snapshot folder `folder`: None when it has
    /// none; why not when it is not as Rapport writes it.
    pub fn read(folder: &Path) -> Result<Option<Manifest>, String> {
        match read_regular(&folder.join(MANIFEST), MANIFEST_CAP) {
            Ok(bytes) => Manifest::parse(&bytes).map(Some),
            Err(ReadError::NotFound) => Ok(None),
            Err(ReadError::Link) => Err("its manifest is a symbolic link".into()),
            Err(ReadError::NotAFile) => Err("its manifest is not a file".into()),
            Err(ReadError::TooLarge(n)) => Err(format!("its manifest is {}, too large", bounds::size(n))),
            Err(ReadError::Io(e)) => Err(format!("its manifest could not be read: {e}")),
        }
    }

    /// The manifest in `bytes`, checked entry by entry.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, String> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|e| format!("its manifest is damaged ({e})"))?;
        if m.format != FORMAT {
            return Err(format!("its manifest is of format {}, which this Rapport does not read", m.format));
        }
        if m.files.len() > ENTRIES_CAP {
            return Err(format!("its manifest lists {} files, more than any practice holds", m.files.len()));
        }
        let mut seen = HashSet::new();
        for e in &m.files {
            let shown = || crate::sanitize::visible(&e.path);
            let file = e.path.strip_prefix("clients/").filter(|f| is_client_file(f));
            if file.is_none() {
                return Err(format!("its manifest names '{}', which is not a client file of the data folder", shown()));
            }
            if !is_hash(&e.hash) {
                return Err(format!("its manifest gives '{}' a hash that is not one", shown()));
            }
            if e.size > bounds::FILE_BYTES {
                return Err(format!("its manifest gives '{}' a size over a client file's limit", shown()));
            }
            if !seen.insert(e.path.as_str()) {
                return Err(format!("its manifest names '{}' twice", shown()));
            }
        }
        Ok(m)
    }
}

/// Only the (path, hash) pairs a manifest names, read without checking the
/// rest: what collecting garbage needs (every hash named counts, valid or
/// not) and what says whether a snapshot holds a client, at a fraction of
/// the cost of reading each entry whole. Nothing is read or restored by it.
pub fn named(folder: &Path) -> Result<Option<Vec<(String, String)>>, String> {
    let Some(bytes) = read_raw(folder)? else { return Ok(None) };
    parse_named(&bytes).map(Some)
}

/// The (path, hash) pairs of a manifest's `bytes`, as [`named`] reads them.
pub fn parse_named(bytes: &[u8]) -> Result<Vec<(String, String)>, String> {
    #[derive(Deserialize)]
    struct Named<'a> {
        #[serde(borrow)]
        files: Vec<NamedFile<'a>>,
    }
    #[derive(Deserialize)]
    struct NamedFile<'a> {
        #[serde(borrow)]
        path: std::borrow::Cow<'a, str>,
        #[serde(borrow)]
        hash: std::borrow::Cow<'a, str>,
    }
    let named: Named = serde_json::from_slice(bytes).map_err(|e| format!("its manifest is damaged ({e})"))?;
    Ok(named.files.into_iter().map(|f| (f.path.into_owned(), f.hash.into_owned())).collect())
}

/// Every hash a manifest's `bytes` name, found as text, at the speed of a
/// substring search: each `"hash":"<64 characters>` as Rapport writes it.
/// None when the text is not whole as Rapport writes it (cut short, an
/// entry without its hash, a `"hash"` in another form, an escape anywhere):
/// then it is read as JSON ([`parse_named`]), and a damaged one keeps every
/// object. A hash found where no entry is keeps an object that is garbage,
/// never the other way round.
pub fn hashes_as_text(bytes: &[u8]) -> Option<Vec<&str>> {
    let text = std::str::from_utf8(bytes).ok()?;
    let whole = text.starts_with("{\"format\":") && text.trim_end().ends_with("]}");
    if !whole || text.contains('\\') {
        return None;
    }
    const KEY: &str = "\"hash\":\"";
    let mut found = Vec::new();
    for (at, _) in text.match_indices(KEY) {
        found.push(text.get(at + KEY.len()..at + KEY.len() + 64)?);
    }
    let each = text.matches("\"hash\"").count() == found.len() && text.matches("\"path\"").count() == found.len();
    each.then_some(found)
}

/// Every hash the manifest of the snapshot folder `folder` names: as text
/// where it can ([`hashes_as_text`]), as JSON otherwise. None when it has
/// no manifest; an error when it cannot be read, and what it names is not known.
pub fn hashes(folder: &Path) -> Result<Option<Vec<String>>, String> {
    let Some(bytes) = read_raw(folder)? else { return Ok(None) };
    if let Some(hashes) = hashes_as_text(&bytes) {
        return Ok(Some(hashes.into_iter().map(str::to_string).collect()));
    }
    Ok(Some(parse_named(&bytes)?.into_iter().map(|(_, hash)| hash).collect()))
}

/// The bytes of the manifest of the snapshot folder `folder`, unchecked:
/// None when it has none.
pub fn read_raw(folder: &Path) -> Result<Option<Vec<u8>>, String> {
    match read_regular(&folder.join(MANIFEST), MANIFEST_CAP) {
        Ok(bytes) => Ok(Some(bytes)),
        Err(ReadError::NotFound) => Ok(None),
        Err(_) => Err("its manifest cannot be read".into()),
    }
}

/// A client file's name as Rapport writes it: an id (or a keyed hash of
/// one) and `.json` or `.age`; never a path, `..` or a hidden name.
pub fn is_client_file(name: &str) -> bool {
    name.strip_suffix(".json").or_else(|| name.strip_suffix(".age")).is_some_and(bounds::is_valid_id)
}

/// A SHA-256 in lowercase hex.
pub fn is_hash(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(path: &str, hash: &str, size: u64) -> Vec<u8> {
        format!(r#"{{"format":1,"files":[{{"path":"{path}","hash":"{hash}","size":{size}}}]}}"#).into_bytes()
    }

    const H: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn a_manifest_naming_a_path_outside_the_clients_folder_is_refused() {
        assert!(Manifest::parse(&with("clients/maria-lopez.json", H, 10)).is_ok());
        for path in [
            "clients/../config.json",
            "../clients/maria.json",
            "/etc/passwd",
            "clients/.hidden.json",
            "clients/a/b.json",
            "drafts/maria.json",
            "clients/maria.txt",
            "clients/",
        ] {
            let e = Manifest::parse(&with(path, H, 10)).unwrap_err();
            assert!(e.contains("not a client file"), "{path}: {e}");
        }
    }

    #[test]
    fn a_manifest_with_a_false_hash_an_oversized_file_or_a_name_twice_is_refused() {
        assert!(Manifest::parse(&with("clients/a.json", "../../x", 1)).is_err());
        assert!(Manifest::parse(&with("clients/a.json", &H.to_uppercase(), 1)).is_err());
        assert!(Manifest::parse(&with("clients/a.json", H, bounds::FILE_BYTES + 1)).is_err());
        let twice = format!(
            r#"{{"format":1,"files":[{{"path":"clients/a.json","hash":"{H}","size":1}},{{"path":"clients/a.json","hash":"{H}","size":1}}]}}"#
        );
        assert!(Manifest::parse(twice.as_bytes()).unwrap_err().contains("twice"));
        assert!(Manifest::parse(br#"{"format":2,"files":[]}"#).unwrap_err().contains("format 2"));
    }

    #[test]
    fn hashes_are_found_as_text_only_in_the_form_rapport_writes_them() {
        let m = Manifest::new(vec![
            Entry { path: "clients/a.json".into(), hash: H.into(), size: 1, seen: None },
            Entry { path: "clients/b.json".into(), hash: H.replace('0', "f"), size: 2, seen: None },
        ]);
        let bytes = m.to_bytes();
        let fast: Vec<String> = hashes_as_text(&bytes).unwrap().into_iter().map(str::to_string).collect();
        let parsed: Vec<String> = parse_named(&bytes).unwrap().into_iter().map(|(_, h)| h).collect();
        assert_eq!(fast, parsed);
        let pretty = serde_json::to_vec_pretty(&m).unwrap();
        assert_eq!(hashes_as_text(&pretty), None, "written otherwise: read as JSON");
        let escaped = String::from_utf8(bytes).unwrap().replacen("\"hash\":\"0", "\"hash\":\"\\u0030", 1);
        assert_eq!(hashes_as_text(escaped.as_bytes()), None);
        let text = String::from_utf8(m.to_bytes()).unwrap();
        assert_eq!(hashes_as_text(&text.as_bytes()[..text.len() / 2]), None, "cut short");
        let no_hash = text.replacen(&format!(",\"hash\":\"{H}\""), "", 1);
        assert_eq!(hashes_as_text(no_hash.as_bytes()), None, "an entry without its hash");
        assert_eq!(hashes_as_text(br#"{"format": 1, "files": ["#), None);
    }

    #[test]
    fn a_file_changed_within_a_second_of_the_snapshot_is_not_trusted_as_unchanged() {
        let seen = Seen { mtime_ns: 5_000_000_000, ctime_ns: 5_000_000_000, ino: 1, dev: 1 };
        assert_eq!(seen.trusted(6_000_000_001), Some(seen));
        assert_eq!(seen.trusted(6_000_000_000), None);
        assert_eq!(seen.trusted(5_000_000_000), None);
    }
}
