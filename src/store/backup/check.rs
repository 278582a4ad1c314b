//! Checking the snapshots for `rapport verify` and `rapport doctor`: every
//! manifest reads, and every object it names is there and still has the
//! hash it is named by. Each object is read once, however many snapshots
//! name it.

use std::collections::HashMap;

use super::Backups;
use crate::domain::ClientId;
use crate::store::Store;

/// A damaged snapshot, said in plain words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    pub snapshot: String,
    pub text: String,
}

impl Backups {
    /// The damaged snapshots, oldest first; only client file `only`'s
    /// copies when given. Full copies from an older Rapport carry no hash,
    /// and are not checked.
    pub fn check(&self, only: Option<&str>) -> Vec<Damage> {
        let objects = self.objects();
        let mut read: HashMap<(String, u64), Option<String>> = HashMap::new();
        let mut found = Vec::new();
        for name in self.names() {
            let m = match self.manifest(&name) {
                Ok(Some(m)) => m,
                Ok(None) => continue,
                Err(why) => {
                    let text = format!("snapshot {name} is damaged: {why}, so nothing can be restored from it");
                    found.push(Damage { snapshot: name, text });
                    continue;
                }
            };
            let files: Vec<_> = m.files.iter().filter(|e| only.is_none_or(|f| e.file() == f)).collect();
            let mut bad = Vec::new();
            for e in &files {
                let problem = read
                    .entry((e.hash.clone(), e.size))
                    .or_insert_with(|| objects.read(&e.hash, e.size).err().map(|err| err.to_string()));
                if let Some(problem) = problem {
                    bad.push(format!("clients/{}: {problem}", e.file()));
                }
            }
            if bad.is_empty() {
                continue;
            }
            let shown: Vec<&str> = bad.iter().take(3).map(String::as_str).collect();
            let text = format!(
                "snapshot {name} is damaged: {} of its {} client {} cannot be restored from it ({}{}); restore {} \
                 from another snapshot",
                bad.len(),
                files.len(),
                if files.len() == 1 { "file" } else { "files" },
                shown.join("; "),
                if bad.len() > shown.len() { "; …" } else { "" },
                if bad.len() == 1 { "that client" } else { "those clients" },
            );
            found.push(Damage { snapshot: name, text });
        }
        found
    }
}

impl Store {
    /// The damaged snapshots (only what they hold of client `only`, when
    /// given), each said in plain words.
    pub fn damaged_snapshots(&self, only: Option<&ClientId>) -> Vec<Damage> {
        let file = only.map(|id| self.file_name(id.as_str()));
        self.backups().check(file.as_deref())
    }
}
