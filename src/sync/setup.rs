//! Setting a data folder up for syncing: `sync init` (this device's
//! practice to an empty remote) and `sync clone` (a remote's practice onto
//! a new device). Both register Rapport's merge and write what is synced.

use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::{Git, Settings};
use super::tracked::INFO_ATTRIBUTES;
use super::{BRANCH, host_name, state, work};
use crate::progress::Progress;
use crate::store::Store;
use crate::store::atomic::{create_private_dir, write_atomic};
use crate::store::crash;
use crate::store::crypt::{IDENTITY_FILE, Keys};
use crate::store::lock::DataLock;

/// The address git is given: a path is made whole (git runs in the data
/// folder, not here); an option or a remote helper (`ext::…`) is refused.
fn address(remote: &str) -> Result<String> {
    let r = remote.trim();
    if r.is_empty() || r.starts_with('-') {
        bail!(
            "'{r}' is not a remote: give a git address (ssh://host/path, https://…, user@host:path) or the path \
             of a bare repository"
        );
    }
    if r.contains("::") {
        bail!(
            "'{r}' asks git to run a remote helper, which Rapport never does: give an ssh or https address, or a path"
        );
    }
    let path = Path::new(r);
    if path.exists() {
        let whole = std::fs::canonicalize(path).with_context(|| format!("finding {r}"))?;
        return Ok(whole.to_string_lossy().into_owned());
    }
    Ok(r.to_string())
}

/// What to add when the remote wants credentials no one may type.
fn credentials(f: &super::git::Failed) -> String {
    if super::git::wants_credentials(&f.said()) { format!("; {}", super::git::CREDENTIALS) } else { String::new() }
}

/// Registers Rapport's merge, keeps links out and makes commits possible
/// on a machine with no git identity. Run at every sync, so the merge
/// driver follows the rapport program if it moves.
/// Returns the settings as they stand after it, for the rest of the sync.
pub fn configure(git: &Git) -> Result<Settings> {
    let exe = std::env::current_exe().context("finding the rapport program, for git's merge driver")?;
    let driver = format!(
        "{} --data-dir {} sync merge-driver %O %A %B %P",
        shell_words::quote(&exe.to_string_lossy()),
        shell_words::quote(&git.root().to_string_lossy())
    );
    // One read of the repository's settings; a write only for what differs.
    let mut settings = git.settings()?;
    for (key, value) in [
        ("merge.rapport.name", "Rapport's merge of client records, the ledger and the audit log"),
        ("merge.rapport.driver", driver.as_str()),
        ("core.symlinks", "false"),
        ("core.autocrlf", "false"),
        ("pull.rebase", "false"),
        // Thousands of client files: git's settings for a large working
        // tree (a smaller index, the untracked cache), and no automatic
        // repacking in the middle of a sync (see `Git::maintain`).
        ("feature.manyFiles", "true"),
        ("core.untrackedCache", "true"),
        ("gc.auto", "0"),
        ("maintenance.auto", "false"),
    ] {
        if settings.local(key) != Some(value) {
            git.set_config(key, value)?;
            settings.local.insert(key.to_ascii_lowercase(), value.to_string());
            settings.all.insert(key.to_ascii_lowercase(), value.to_string());
        }
    }
    // The remote can change `.gitattributes`, never `.git/info/attributes`.
    let info = git.dir().join("info");
    create_private_dir(&info)?;
    if std::fs::read(info.join("attributes")).ok().as_deref() != Some(INFO_ATTRIBUTES.as_bytes()) {
        write_atomic(&info.join("attributes"), INFO_ATTRIBUTES.as_bytes())?;
    }
    let host = host_name();
    for (key, value) in [("user.name", format!("Rapport on {host}")), ("user.email", format!("rapport@{host}.invalid"))]
    {
        if settings.get(key).is_none_or(str::is_empty) {
            git.set_config(key, &value)?;
            settings.local.insert(key.to_string(), value.clone());
            settings.all.insert(key.to_string(), value);
        }
    }
    Ok(settings)
}

/// Refuses a data folder that is a git repository already, but for one a
/// killed `sync init` left part way.
fn refuse_a_repository(git: &Git) -> Result<()> {
    let root = git.root();
    if !git.dir().exists() || state::setting_up(root) {
        return Ok(());
    }
    if super::is_set_up(root) {
        let url = git.config("remote.origin.url")?.unwrap_or_default();
        bail!("this data folder is already synced with {url}; `rapport sync` syncs it");
    }
    bail!(
        "this data folder is already a git repository that Rapport did not set up ({}); move it away first",
        git.dir().display()
    );
}

/// Removes what a `sync init` set up: its repository and the files it
/// wrote, the mark of a set-up under way last.
fn undo_set_up(git: &Git) {
    crate::store::synced::clear_set_up(git.root());
    let _ = state::end_setting_up(git.root());
}

fn lock(root: &Path) -> Result<DataLock> {
    Ok(DataLock::acquire(&root.join("rapport.lock"))?)
}

/// Whether the remote at `url` holds any branch; an unreachable one is an error.
fn holds_anything(git: &Git, url: &str) -> Result<bool> {
    match git.output(&["ls-remote", "--heads", "--", url], None)? {
        Ok(out) => Ok(!out.is_empty()),
        Err(f) => bail!(
            "the remote {url} could not be reached (git said: {}). Check the address, and that this device can \
             reach it (network, ssh keys){}",
            f.said(),
            credentials(&f)
        ),
    }
}

/// `rapport sync init REMOTE`: the data folder becomes a git working tree
/// holding the practice, pushed to an empty REMOTE. Says what it did. An
/// encrypted practice (`keys`) sends only ciphertext, and its key file.
/// `progress` is told client file by client file as they are given ids
/// without names (a plain practice only; an encrypted one has nothing to rename).
pub fn init(store: &Store, remote: &str, now: NaiveDateTime, progress: &mut dyn Progress) -> Result<String> {
    let (root, keys) = (store.root(), store.keys());
    let git = Git::new(root).within_one_deadline();
    refuse_a_repository(&git)?;
    let url = address(remote)?;
    if holds_anything(&git, &url)? {
        bail!(
            "{url} already holds a practice (or other commits), so it was left alone. To bring that practice to \
             this device, run `rapport sync clone {url}` with a new, empty data folder (--data-dir)"
        );
    }
    let lock = lock(root)?;
    // Again under the lock: another `sync init` may have set it up meanwhile.
    refuse_a_repository(&git)?;
    if state::setting_up(root) {
        // A `sync init` killed part way: it is made again from the start.
        undo_set_up(&git);
    }
    // Before the first commit: from then on no name is in a file name or a
    // log line the remote keeps.
    let tag = state::new_tag(&[])?;
    let renamed = store.give_name_free_ids_locked(&tag, now, progress)?;
    let set_up = || -> Result<()> {
        // First the mark that says so, which makes the folder not yet synced
        // for every command until the last step of the set-up removes it.
        crash::point("sync-init.mark");
        state::begin_setting_up(root, state::SettingUp::Init)?;
        crash::point("sync-init.repository");
        git.run(&["init", "-q", "-b", BRANCH])?;
        configure(&git)?;
        git.run(&["remote", "add", "origin", "--", &url])?;
        git.set_config(&format!("branch.{BRANCH}.remote"), "origin")?;
        git.set_config(&format!("branch.{BRANCH}.merge"), &format!("refs/heads/{BRANCH}"))?;
        super::tracked::write_setup(root)?;
        state::write_tag(root, &tag)?;
        crash::point("sync-init.commit");
        work::commit_local(&git, Codec::new(keys), now, None)?;
        crash::point("sync-init.finish");
        state::end_setting_up(root)
    };
    if let Err(e) = set_up() {
        // Nothing half set up is left behind: the folder is as it was.
        undo_set_up(&git);
        return Err(e);
    }
    // Git talks to the remote without the folder's lock: the app and other
    // commands go on saving meanwhile.
    drop(lock);
    let clients = super::tracked::on_disk(root).iter().filter(|p| p.starts_with("clients/")).count();
    let renamed = match renamed {
        0 => String::new(),
        n => format!(
            " {} without names, so no name is in a file name the remote sees (`rapport client list` shows \
             them; a name still finds its client).",
            if n == 1 { "The client has a new id".to_string() } else { format!("The {n} clients have new ids") }
        ),
    };
    let pushed = git.output(&["push", "--porcelain", "-u", "origin", &format!("HEAD:refs/heads/{BRANCH}")], None)?;
    if let Err(f) = pushed {
        return Ok(format!(
            "Set up for syncing with {url}, but the first push failed (git said: {}). The practice is committed \
             here; run `rapport sync` when the remote can be reached.{renamed}",
            f.said()
        ));
    }
    let _ = git.run(&["fetch", "-q", "origin"]);
    state::set_last_sync(root, now)?;
    let encrypted = if keys.is_some() {
        " Only ciphertext was sent, with the key file: the other device opens it with the same passphrase."
    } else {
        ""
    };
    Ok(format!(
        "Synced with {url}: {} sent.{encrypted}{renamed} On another device: `rapport sync clone {url}` (with a \
         new, empty data folder); then `rapport sync` on either.",
        crate::domain::plural(clients, "client")
    ))
}

/// What `sync clone` brought.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cloned {
    pub clients: usize,
    pub notes: usize,
    /// The practice is encrypted: the folder asks for its passphrase.
    pub encrypted: bool,
}

/// `rapport sync clone REMOTE`: the practice REMOTE holds, onto this
/// device, into a new or empty data folder. An encrypted practice is
/// opened with `passphrase()` to check what comes before it is written.
/// `progress` is told file by file as what came is checked, before any of
/// it is written.
pub fn clone(
    root: &Path,
    remote: &str,
    now: NaiveDateTime,
    passphrase: &dyn Fn() -> Result<String>,
    progress: &mut dyn Progress,
) -> Result<Cloned> {
    // A clone killed part way left its mark: it is made again from the start.
    if crate::store::synced::holds_a_practice(root) && !state::setting_up(root) {
        bail!(
            "{} already holds a practice (or a git repository); `sync clone` needs a new, empty data folder: \
             name one with --data-dir",
            root.display()
        );
    }
    let url = address(remote)?;
    create_private_dir(root)?;
    let git = Git::new(root).within_one_deadline();
    let _lock = lock(root)?;
    if state::setting_up(root) {
        undo_clone(&git);
    }
    let mut fetch = || -> Result<Cloned> {
        state::begin_setting_up(root, state::SettingUp::Clone)?;
        git.run(&["init", "-q", "-b", BRANCH])?;
        configure(&git)?;
        git.run(&["remote", "add", "origin", "--", &url])?;
        git.set_config(&format!("branch.{BRANCH}.remote"), "origin")?;
        git.set_config(&format!("branch.{BRANCH}.merge"), &format!("refs/heads/{BRANCH}"))?;
        if let Err(f) = git.output(&["fetch", "-q", "origin"], None)? {
            bail!(
                "the remote {url} could not be reached (git said: {}). Check the address, and that this device \
                 can reach it (network, ssh keys){}",
                f.said(),
                credentials(&f)
            );
        }
        let Some(theirs) = git.commit(&format!("refs/remotes/origin/{BRANCH}"))? else {
            bail!("{url} holds no practice yet: run `rapport sync init {url}` on the device that has it");
        };
        let keys = match git.blob(&theirs, IDENTITY_FILE)? {
            None => None,
            Some(bytes) => {
                let named = root.join(IDENTITY_FILE);
                Some(Keys::unlock_bytes(&bytes, &named, &passphrase()?).context("opening the practice's key")?)
            }
        };
        let empty = work::empty_tree(&git)?;
        let codec = Codec::new(keys.as_ref());
        if let Some(u) =
            super::tracked::check_incoming(&git, codec, &empty, &theirs, super::tracked::Logs::Whole, progress)?.first()
        {
            bail!(super::tracked::cannot_use(&format!("clients/{}", u.stem), &u.why));
        }
        work::checkout(&git, &empty, &theirs, None)?;
        let mut taken = Vec::new();
        let (mut clients, mut notes, encrypted) = (0, 0, keys.is_some());
        let store = match keys {
            Some(keys) => crate::store::Store::open_unlocked(root, keys)?,
            None => crate::store::Store::open(root)?,
        };
        for f in store.load_all()? {
            let Ok(r) = f.record else { continue };
            clients += 1;
            notes += r.sessions.len();
            taken.extend(super::ids_in(&r).filter_map(|id| id.rsplit_once('-').map(|(_, t)| t.to_string())));
        }
        if let Some(keys) = store.keys() {
            super::key::note_recipient(root, keys)?;
        }
        state::write_tag(root, &state::new_tag(&taken)?)?;
        state::set_last_sync(root, now)?;
        state::end_setting_up(root)?;
        Ok(Cloned { clients, notes, encrypted })
    };
    fetch().inspect_err(|_| undo_clone(&git))
}

/// Back to the empty folder a `sync clone` began with: what it brought and
/// set up, the mark of a set-up under way last.
fn undo_clone(git: &Git) {
    crate::store::synced::clear(git.root());
    undo_set_up(git);
}
