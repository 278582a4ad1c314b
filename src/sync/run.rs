//! `rapport sync`: commit this device's changes, fetch, merge, push.

use anyhow::{Result, bail};
use chrono::NaiveDateTime;

use super::codec::Codec;
use super::git::Git;
use super::look::Look;
use super::report::Synced;
use super::{BRANCH, guard, held, history, kept, missing, older, state, tracked, trees, work};
use crate::store::Store;
use crate::store::ledger::{self, Kind, NewEntry};
use crate::store::lock::DataLock;

/// How often a push refused because the remote moved on meanwhile is tried again.
const ATTEMPTS: usize = 3;

/// Syncs the data folder of `store` with its remote. A sync that does
/// not go through is noted (its time only: what it said may name a
/// client), for `doctor` to say until one does.
pub fn sync(store: &Store, now: NaiveDateTime) -> Result<Synced> {
    let synced = sync_once(store, now);
    if super::is_set_up(store.root()) {
        let _ = state::note_failed_sync(store.root(), synced.is_err().then_some(now));
    }
    synced
}

fn sync_once(store: &Store, now: NaiveDateTime) -> Result<Synced> {
    let root = store.root();
    let codec = Codec::new(store.keys());
    if state::setting_up(root) {
        bail!(
            "a `rapport sync init` (or `sync clone`) was stopped part way: run it again (`rapport sync init REMOTE`, \
             or `rapport sync clone REMOTE`) to finish it"
        );
    }
    if !super::is_set_up(root) {
        bail!(
            "this data folder is not set up for syncing: `rapport sync init REMOTE` sends it to an empty remote; \
             `rapport sync clone REMOTE` (with a new data folder) brings one from a remote"
        );
    }
    if let Some(why) = history::unfinished(root) {
        bail!(why);
    }
    // One deadline for all that git says to the remote in this sync.
    let git = Git::new(root).within_one_deadline();
    // One sync of the folder at a time. The folder's own lock is held only
    // while files change, never while git talks to the remote, so the app
    // and other commands go on saving meanwhile.
    let _syncing = match DataLock::acquire(&state::dir(root).join("sync.lock")) {
        Err(crate::store::StoreError::Locked) => {
            bail!("another sync of this practice is under way (in the app or another window); wait for it to finish")
        }
        other => other?,
    };
    let mut synced = Synced::default();
    // Whether this sync put anything new in the repository.
    let (mut anything_new, settings) = {
        let _lock = DataLock::acquire(&root.join("rapport.lock"))?;
        // A sync killed with its git (a power cut) left git's own locks
        // behind; every git that writes in the folder runs in a sync.
        git.clear_stale_locks();
        // Committed anywhere but on the branch, a note would leave the record
        // with the next `git checkout`: nothing is committed or sent.
        if git.branch()?.as_deref() != Some(BRANCH) {
            bail!(
                "this data folder's git is not on its branch {BRANCH} (a `git checkout` was run in it), so nothing \
                 was committed or sent; every note is still in the folder. Run `git -C {} symbolic-ref HEAD \
                 refs/heads/{BRANCH}` (it changes no file), then `rapport sync` again: a file the checkout put back \
                 older is taken as an older copy, and loses nothing",
                root.display()
            );
        }
        let settings = super::setup::configure(&git)?;
        // The key this device opened its own key file with: what a key
        // file from the remote must hold to be accepted.
        if let Some(keys) = store.keys() {
            super::key::note_recipient(root, keys)?;
        }
        // A sync killed after its merge was written leaves seals to witness.
        settle_rewitness(store, now)?;
        (guard_and_commit(store, &git, codec, now, &mut synced)?, settings)
    };
    // Git's settings do not change from here on: read once, not at every
    // fetch and push.
    let git = git.knowing(&settings);
    synced.url = settings.get("remote.origin.url").unwrap_or_default().to_string();
    // Whether what the last commit holds back is still to be looked at.
    let mut held_unknown = true;
    for attempt in 1..=ATTEMPTS {
        let fetched = git
            .output(&["fetch", "-q", "origin", &format!("+refs/heads/{BRANCH}:refs/remotes/origin/{BRANCH}")], None)?;
        // Where things stand, with one git: this device's last commit and
        // the one before it, the remote's, and whether anything is held back.
        let remote = format!("refs/remotes/origin/{BRANCH}^{{commit}}");
        let [head, parent, there, held_tree] =
            <[Option<String>; 4]>::try_from(git.resolve(&["HEAD^{commit}", "HEAD^1", &remote, "HEAD:held"])?)
                .map_err(|_| anyhow::anyhow!("git cat-file answered the wrong number of questions"))?;
        let theirs = match fetched {
            Ok(_) => there,
            // An empty remote (the first push, at `sync init`, did not get
            // there): this device's practice goes out.
            Err(_) if remote_is_empty(&git)? => None,
            Err(f) => return Err(offline(&git, &f.said()).into()),
        };
        // The remote's branch is this device's, or one it holds already:
        // the last sync's, say, under what this sync committed.
        let up_to_date = match (&theirs, &head) {
            (None, _) => true,
            (Some(t), Some(h)) => t == h || parent.as_ref() == Some(t) || git.is_ancestor(t, h)?,
            (Some(_), None) => false,
        };
        let head = match head {
            // Nothing to merge and nothing held back: what was saved here
            // while git fetched waits for the next sync, and nothing in the
            // folder is written now.
            Some(head) if up_to_date && held_tree.is_none() => {
                held_unknown = false;
                head
            }
            _ => {
                let _lock = DataLock::acquire(&root.join("rapport.lock"))?;
                anything_new = true;
                // What was saved here while git fetched.
                guard_and_commit(store, &git, codec, now, &mut synced)?;
                let head = git.commit("HEAD")?;
                let Some(mut head) = head else {
                    bail!("this device's practice has no commit yet; run `rapport sync` again")
                };
                // What was held back and can be merged here now (this device
                // was updated, say) is merged in.
                if held_tree.is_some()
                    && let Some(settled) = held::settle_commit(&git, codec, &head, now)?
                {
                    work::checkout(&git, &head, &settled, Some(&head))?;
                    settle_rewitness(store, now)?;
                    head = settled;
                }
                if let Some(theirs) = &theirs
                    && !up_to_date
                {
                    let target = merge(&git, codec, &head, theirs, now)?;
                    work::checkout(&git, &head, &target, Some(&head))?;
                    seal_process_notes(store, &git, codec, &head, &target, now)?;
                    let (notes, conflicts, finalised, records) =
                        work::notes_between(&git, codec, Some(&head), &target)?;
                    synced.notes_in += notes;
                    synced.records_in += records;
                    synced.conflicts += conflicts;
                    synced.finalised_changed += finalised;
                    synced.merged(store, &git, codec, &head, theirs, &target)?;
                    settle_rewitness(store, now)?;
                    work::commit_local(&git, codec, now, None)?;
                }
                held_unknown = true;
                git.commit("HEAD")?.expect("committed")
            }
        };
        if theirs.as_deref() == Some(head.as_str()) {
            break;
        }
        let (out, _, _, records_out) = work::notes_between(&git, codec, theirs.as_deref(), &head)?;
        let pushed = git.output(&["push", "--porcelain", "origin", &format!("HEAD:refs/heads/{BRANCH}")], None)?;
        match pushed {
            Ok(_) => {
                synced.notes_out += out;
                synced.records_out += records_out;
                // Git notes where the remote's branch is now as it pushes,
                // where the remote's settings say so (`sync init` and `sync
                // clone` set them); elsewhere it is noted here.
                if settings.get("remote.origin.fetch") != Some("+refs/heads/*:refs/remotes/origin/*") {
                    git.run(&["update-ref", &format!("refs/remotes/origin/{BRANCH}"), &head])?;
                }
                anything_new = true;
                break;
            }
            // The remote moved on since the fetch: fetch and merge again.
            Err(f) if f.stdout.contains("[rejected]") && attempt < ATTEMPTS => continue,
            Err(f) => return Err(offline(&git, &f.said()).into()),
        }
    }
    state::set_last_sync(root, now)?;
    // Nothing new in the repository: nothing for git to pack.
    if anything_new {
        git.maintain();
    }
    synced.key_kept_aside = super::key::pending(root);
    // Looked at already, for the last commit, when nothing was held.
    if held_unknown {
        synced.held = held::still(&git, codec, "HEAD", now)?;
    }
    Ok(synced)
}

/// Every guard, then this device's changes committed (call under the
/// folder's lock), over one look at the folder: a finalised note changed
/// outside Rapport is put back as sealed, a client file removed outside
/// Rapport brought back, the logs kept whole, an older copy of a client
/// file put back. Returns whether anything was committed.
fn guard_and_commit(store: &Store, git: &Git, codec: Codec, now: NaiveDateTime, synced: &mut Synced) -> Result<bool> {
    // The first process note makes the setup files name `process/`:
    // written before the look, so that it sees them.
    tracked::write_setup(git.root())?;
    work::finish_moving(git)?;
    let look = Look::take(git)?;
    synced.put_back(&guard::keep_sealed_here(git, codec, &look, now)?);
    let witnessed = settle_rewitness(store, now)?;
    synced.brought_back.extend(missing::bring_back(git, codec, &look)?);
    synced.entries_back_here += kept::keep_logs_whole(git, codec, &look)?;
    synced.older_put_back.extend(older::keep_newer(git, codec, &look)?);
    // A seal witnessed again changed the ledger since the look.
    work::commit_local(git, codec, now, (!witnessed).then_some(&look))
}

/// `rapport sync keep-this CLIENT`: lets go every version of the client
/// file named `stem` held back at a sync, keeping this device's (see
/// `held.rs`); how many versions were let go.
pub fn keep_this(store: &Store, stem: &str, now: NaiveDateTime) -> Result<usize> {
    let root = store.root();
    if !super::is_set_up(root) {
        bail!("this data folder is not synced, so nothing is held back");
    }
    let codec = Codec::new(store.keys());
    let git = Git::new(root);
    let _syncing = match DataLock::acquire(&state::dir(root).join("sync.lock")) {
        Err(crate::store::StoreError::Locked) => {
            bail!("a sync of this practice is under way (in the app or another window); wait for it to finish")
        }
        other => other?,
    };
    let _lock = DataLock::acquire(&root.join("rapport.lock"))?;
    let Some(head) = git.commit("HEAD")? else { bail!("this device's practice has no commit yet") };
    let (next, versions) = held::let_go(&git, codec, &head, stem, now)?;
    work::move_branch(&git, &next, Some(&head))?;
    Ok(versions)
}

/// The client files (by name: the id, or its keyed hash) with a version
/// held back at the last sync.
pub fn held_back(store: &Store) -> Result<Vec<String>> {
    if !super::is_set_up(store.root()) {
        return Ok(Vec::new());
    }
    held::held_stems(&Git::new(store.root()), Codec::new(store.keys()), "HEAD")
}

/// The remote answers, and holds no branch at all.
fn remote_is_empty(git: &Git) -> Result<bool> {
    Ok(git.output(&["ls-remote", "--heads", "origin"], None)?.is_ok_and(|heads| heads.is_empty()))
}

/// A sync that could not reach the remote, or that the remote refused:
/// everything stays committed on this device.
#[derive(Debug)]
pub struct Offline {
    pub url: String,
    /// What git said, cut short.
    pub said: String,
}

impl std::fmt::Display for Offline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the remote {} could not be reached or refused the changes (git said: {}). Everything is saved and \
             committed on this device; run `rapport sync` again when the remote can be reached",
            self.url, self.said
        )
    }
}

impl std::error::Error for Offline {}

impl Offline {
    /// The app's status line: what to do first, as a line can be cut short.
    pub fn in_the_app(&self) -> String {
        format!(
            "everything is saved here; S tries again. The remote {} could not be reached or refused the \
             changes (git said: {})",
            self.url, self.said
        )
    }
}

/// What to say when the remote cannot be reached or refuses.
fn offline(git: &Git, said: &str) -> Offline {
    let url = git.config("remote.origin.url").ok().flatten().unwrap_or_default();
    // Short enough for the app's status line to end with what to do.
    let fitted = crate::fit::fit(said, 100).into_owned();
    let said =
        if super::git::wants_credentials(said) { format!("{fitted}; {}", super::git::CREDENTIALS) } else { fitted };
    Offline { url, said }
}

/// Merges `theirs` into `head` without touching the folder: the merged
/// commit, or an error that changed nothing. Every file the merge brings
/// is checked first. An encrypted practice's files are merged here, with
/// the key this process holds, rather than by git's merge driver: no key
/// is handed to another process.
fn merge(git: &Git, codec: Codec, head: &str, theirs: &str, now: NaiveDateTime) -> Result<String> {
    let _ = std::fs::remove_file(state::rewitness_file(git.root()));
    let base = match git.output(&["merge-base", head, theirs], None)? {
        Ok(out) => String::from_utf8_lossy(&out).trim().to_string(),
        Err(_) => {
            // `rapport encrypt --new-history` on another device.
            let key_there = git.blob(theirs, crate::store::crypt::IDENTITY_FILE)?.is_some();
            if key_there != codec.encrypted() {
                bail!(
                    "the remote holds a new history of this practice, {}. Nothing was changed here. Keep this \
                     folder's notes that are not on the remote, move the folder away, and run `rapport sync clone \
                     REMOTE` into a new one",
                    if key_there { "encrypted on another device" } else { "no longer encrypted" }
                );
            }
            bail!(
                "this device's practice and the remote's have nothing in common (each was set up with `sync init`, \
                 or the remote's history was replaced), so they are not merged; nothing was changed. Keep the one \
                 to go on with, and bring it to the other device with `rapport sync clone` into a new data folder"
            )
        }
    };
    // What the other device brings is checked before git merges anything;
    // a client file that cannot be used here is held back.
    let mut hold: Vec<String> =
        tracked::check_incoming(git, codec, &base, theirs, tracked::Logs::MayLack, &mut crate::progress::Quiet)?
            .into_iter()
            .map(|u| u.stem)
            .collect();
    let forward = base == head;
    let their_tree = git.run(&["rev-parse", &format!("{theirs}^{{tree}}")])?;
    let tree = if forward {
        their_tree.clone()
    } else {
        let mut args = Vec::new();
        if codec.encrypted() {
            // Git leaves what both devices changed to Rapport's merge below.
            args.extend(["-c", "merge.rapport.driver=false"]);
        }
        // Renames are not guessed: a client erased on one device is never
        // taken for a new client's file that looks like theirs.
        args.extend(["merge-tree", "--write-tree", "--no-messages", "-z", "-Xfind-renames=100%", head, theirs]);
        match git.output(&args, None)? {
            Ok(out) => String::from_utf8_lossy(out.split(|b| *b == 0).next().unwrap_or_default()).trim().to_string(),
            Err(f) => {
                let output = trees::merge_tree_output(f.stdout.as_bytes());
                let resolved = match output {
                    Some((tree, conflicted)) => trees::resolve(git, codec, &tree, &conflicted, now)
                        .map(|(tree, unmerged)| {
                            hold.extend(unmerged);
                            tree
                        })
                        .map_err(|e| vec![e]),
                    None if codec.encrypted() => Err(vec![format!("git said: {}", f.said())]),
                    None => {
                        Err(f.stderr.lines().filter_map(|l| l.strip_prefix("rapport: ")).map(str::to_string).collect())
                    }
                };
                match resolved {
                    Ok(tree) => tree,
                    Err(said) => {
                        // Rapport's own merge names the file it could not merge.
                        let files = if codec.encrypted() { Vec::new() } else { conflicted(&f.stdout) };
                        bail!(
                            "the two devices' versions could not be merged{}{}. Nothing was changed here; this \
                             device's changes are committed on it. `rapport doctor` on each device may say more",
                            if files.is_empty() { String::new() } else { format!(" ({})", files.join(", ")) },
                            if said.is_empty() { String::new() } else { format!(": {}", said.join(" ")) }
                        );
                    }
                }
            }
        }
    };
    // A client that cannot be merged here never blocks the others: this
    // device's version stays, and the other's is held beside it; what was
    // held before is merged in when it can be.
    hold.sort();
    hold.dedup();
    let tree = if hold.is_empty() { tree } else { held::hold(git, codec, [&base, head, theirs], &tree, &hold)? };
    let (tree, _) = held::settle(git, codec, &tree, now)?;
    // A client file one device lost without `client delete` is kept.
    let tree = missing::keep_in_tree(git, codec, head, theirs, &tree)?;
    let tree = kept::logs(git, codec, &base, head, theirs, &tree)?;
    let tree = guard::changed_there(git, codec, head, &base, &tree, now)?;
    tracked::check_incoming(git, codec, head, &tree, tracked::Logs::Whole, &mut crate::progress::Quiet)?;
    if forward && tree == their_tree {
        return Ok(theirs.to_string());
    }
    let message = format!("Rapport on {}, {}: merged", super::host_name(), now.format("%Y-%m-%d %H:%M"));
    git.run(&["commit-tree", "--no-gpg-sign", &tree, "-p", head, "-p", theirs, "-m", &message])
}

/// After a merge written in: the process notes of every note the merge
/// brought finalised are sealed with it (the next commit sends them).
fn seal_process_notes(store: &Store, git: &Git, codec: Codec, from: &str, to: &str, now: NaiveDateTime) -> Result<()> {
    for c in tracked::changes(git, from, to)? {
        if let Some(tracked::Part::Client(stem) | tracked::Part::Process(stem)) = codec.part(&c.path)
            && store
                .root()
                .join(crate::store::process::PROCESS_DIR)
                .join(c.path.rsplit('/').next().unwrap_or(""))
                .is_file()
        {
            store.seal_process_notes_of_final_locked(&stem, now);
        }
    }
    Ok(())
}

/// The files `git merge-tree -z` names as conflicted.
fn conflicted(stdout: &str) -> Vec<String> {
    let mut files: Vec<String> = stdout
        .split('\0')
        .skip(1)
        .take_while(|f| !f.is_empty())
        .filter_map(|f| f.split_once('\t').map(|(_, p)| p.to_string()))
        .collect();
    files.dedup();
    files
}

/// Witnesses in the ledger the seals a merge made or kept (see
/// [`crate::domain::merge::Merged::rewitness`]): only a seal still in the
/// client's file, whole, for a note the ledger already knows sealed.
fn settle_rewitness(store: &Store, now: NaiveDateTime) -> Result<bool> {
    let path = state::rewitness_file(store.root());
    let Ok(text) = std::fs::read_to_string(&path) else { return Ok(false) };
    let mut entries = Vec::new();
    for line in text.lines() {
        let [stem, session, hash] = line.split(' ').collect::<Vec<_>>()[..] else { continue };
        let Ok(record) = store.load_named(stem).record else { continue };
        let client = record.client.id.as_str();
        let session = crate::domain::SessionId::new(session);
        let sealed_so = record.session(&session).and_then(|s| s.finalised.as_ref()).is_some_and(|f| f.hash == hash);
        if !sealed_so || record.verify().iter().any(|b| b.session == session) {
            continue;
        }
        let read = ledger::read(store.root(), store.keys(), Some(client))
            .map_err(|e| anyhow::anyhow!("reading the ledger: {e}"))?;
        let witness = ledger::witness(&read.entries, client);
        let known = witness.get(&session).is_some_and(|w| !w.hash.is_empty());
        if known && witness.get(&session).is_some_and(|w| w.hash != hash) {
            entries.push(NewEntry {
                kind: Kind::Seal,
                client: crate::domain::ClientId::new(client),
                session,
                hash: hash.into(),
            });
        }
    }
    if !entries.is_empty() {
        // Encrypted like every other line, in an encrypted practice.
        ledger::append(store.root(), &entries, now, store.keys())
            .map_err(|e| anyhow::anyhow!("writing the ledger: {e}"))?;
        for e in &entries {
            store.audit(now, "seal witnessed again after a sync", e.client.as_str(), e.session.as_str());
        }
    }
    std::fs::remove_file(&path).or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })?;
    Ok(!entries.is_empty())
}
