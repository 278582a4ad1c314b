//! How one practice's synced files read: plain JSON, or, for an encrypted
//! practice, age ciphertext opened with its key. Only ciphertext travels
//! then: git holds it, and Rapport decrypts it here, in memory, to check and
//! merge it. What it writes back is encrypted again only when the words
//! changed: age is randomised, so the same words encrypted twice are other
//! bytes, which would be committed and sent for nothing.

use std::path::Path;

use crate::domain::ClientRecord;
use crate::domain::process::ProcessNotes;
use crate::store::crypt::Keys;
use crate::store::parse_record;

use super::tracked::{self, Part};

/// The synced files of one practice, plain or encrypted with `keys`.
#[derive(Clone, Copy)]
pub struct Codec<'a> {
    keys: Option<&'a Keys>,
}

impl<'a> Codec<'a> {
    pub fn new(keys: Option<&'a Keys>) -> Codec<'a> {
        Codec { keys }
    }

    pub fn keys(&self) -> Option<&'a Keys> {
        self.keys
    }

    pub fn encrypted(&self) -> bool {
        self.keys.is_some()
    }

    /// The synced file `path` (in the repository) names in this practice.
    pub fn part(&self, path: &str) -> Option<Part> {
        tracked::part(path, self.encrypted())
    }

    /// The path in the repository of client `id`'s file: named by the id,
    /// or by its keyed hash in an encrypted practice.
    pub fn client_path(&self, id: &str) -> String {
        match self.keys {
            None => format!("clients/{id}.json"),
            Some(k) => format!("clients/{}.age", k.stem(id)),
        }
    }

    /// The words of a client file: itself, or decrypted. None when it
    /// cannot be decrypted with this practice's key.
    pub fn plain(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        match self.keys {
            None => Some(bytes.to_vec()),
            Some(k) => k.decrypt(bytes),
        }
    }

    /// The record in the client file `path`, whose name is `stem` (the
    /// client id, or its keyed hash): or why it cannot be used, in words.
    pub fn record(&self, path: &str, stem: &str, bytes: &[u8]) -> Result<ClientRecord, String> {
        let plain = self.plain(bytes).ok_or_else(|| {
            "it cannot be decrypted with this practice's key (it is damaged, or was encrypted with another key)"
                .to_string()
        })?;
        let record = parse_record(&plain, Path::new(path)).map_err(|e| tracked::unreadable(&e))?;
        let named = match self.keys {
            None => record.client.id.as_str() == stem,
            Some(k) => k.stem(record.client.id.as_str()) == stem,
        };
        if !named {
            return Err(if self.encrypted() {
                "it holds the record of a client that another file stands for".to_string()
            } else {
                format!("it holds the record of client '{}' under another name", record.client.id)
            });
        }
        Ok(record)
    }

    /// The process notes in the file named `stem` (the client id, or its
    /// keyed hash): or why they cannot be used, in words.
    pub fn process(&self, stem: &str, bytes: &[u8]) -> Result<ProcessNotes, String> {
        let plain = self.plain(bytes).ok_or_else(|| {
            "it cannot be decrypted with this practice's key (it is damaged, or was encrypted with another key)"
                .to_string()
        })?;
        let notes: ProcessNotes =
            serde_json::from_slice(&plain).map_err(|e| format!("it is not a readable process-notes file ({e})"))?;
        let named = match self.keys {
            None => notes.client.as_str() == stem,
            Some(k) => k.stem(notes.client.as_str()) == stem,
        };
        if !named {
            return Err("it holds the process notes of a client that another file stands for".into());
        }
        if notes.schema_version > crate::domain::process::PROCESS_VERSION {
            return Err(format!(
                "it was written by a newer Rapport (process-notes format {}): update Rapport on this device",
                notes.schema_version
            ));
        }
        notes.check(&notes.client.clone())?;
        Ok(notes)
    }

    /// The bytes of a process-notes file holding `notes`: one of `kept` if
    /// it holds those words already, else written (and encrypted) anew.
    pub fn process_bytes(&self, notes: &ProcessNotes, kept: &[&[u8]]) -> Vec<u8> {
        self.bytes_of(notes, kept)
    }

    fn bytes_of<T: serde::Serialize>(&self, value: &T, kept: &[&[u8]]) -> Vec<u8> {
        let mut plain = serde_json::to_vec_pretty(value).expect("records always serialise");
        plain.push(b'\n');
        if let Some(same) = kept.iter().find(|k| self.plain(k).is_some_and(|p| p == plain)) {
            return same.to_vec();
        }
        match self.keys {
            None => plain,
            Some(k) => k.encrypt(&plain),
        }
    }

    /// The bytes of a client file holding `record`: one of `kept` (versions
    /// of the file already in git) as it is, when it holds the same words.
    pub fn client_bytes(&self, record: &ClientRecord, kept: &[&[u8]]) -> Vec<u8> {
        self.bytes_of(record, kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ClientProfile;
    use crate::domain::time::dt;

    fn ann() -> ClientRecord {
        let profile = ClientProfile { name: "Ann".into(), ..Default::default() };
        ClientRecord::new(crate::domain::ClientId::new("ann"), profile, dt("2026-11-01 09:00").date())
    }

    #[test]
    fn the_same_words_keep_their_ciphertext_and_changed_words_are_encrypted_anew() {
        let keys = Keys::generate().unwrap();
        let codec = Codec::new(Some(&keys));
        let stem = keys.stem("ann");
        let first = codec.client_bytes(&ann(), &[]);
        let again = codec.client_bytes(&ann(), &[]);
        assert_ne!(first, again, "age is randomised");
        assert_eq!(codec.client_bytes(&ann(), &[&again, &first]), again, "a version that holds the words is kept");
        let mut changed = ann();
        changed.client.name = "Ann B".into();
        let new = codec.client_bytes(&changed, &[&first]);
        assert!(new != first && !String::from_utf8_lossy(&new).contains("Ann"));
        assert_eq!(codec.record("clients/x.age", &stem, &new).unwrap(), changed);
        let e = codec.record("clients/x.age", "ann", &new).unwrap_err();
        assert!(e.contains("another file stands for"), "{e}");
        let e = codec.record("clients/x.age", &stem, b"{}").unwrap_err();
        assert!(e.contains("cannot be decrypted with this practice's key"), "{e}");
    }
}
