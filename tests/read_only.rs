//! A data folder on a read-only disk (a mount, a backup drive) is read as
//! it is, in the CLI and the app's opening, and what would write says why
//! it cannot; nothing is written, nothing is lost.

mod common;

use common::{DEFAULT_NOW, ok, on_read_only_disk};

#[test]
fn a_folder_on_a_read_only_disk_is_read_and_what_would_save_says_why_it_cannot() {
    let d = tempfile::tempdir().unwrap();
    ok(d.path(), DEFAULT_NOW, &["client", "add", "Ann Byrne"]);
    ok(d.path(), DEFAULT_NOW, &["note", "ann", "--topic", "sleep diary"]);
    // A folder never indexed, as copied by hand onto the disk.
    std::fs::remove_dir_all(d.path().join("index")).unwrap();
    std::fs::remove_dir_all(d.path().join("drafts")).unwrap();
    let before = common::synced::working_files(d.path());

    let run = |args: &[&str]| on_read_only_disk(d.path(), DEFAULT_NOW, args);
    let Some(list) = run(&["client", "list"]) else { return };
    let (out, err) = (String::from_utf8_lossy(&list.stdout), String::from_utf8_lossy(&list.stderr));
    assert!(list.status.success() && out.contains("Ann Byrne"), "{out}{err}");
    assert!(err.contains("on a read-only disk: everything can be read, and nothing can be saved"), "{err}");
    for (args, want) in [(&["review", "ann"][..], "sleep diary"), (&["search", "sleep"][..], "sleep diary")] {
        let o = run(args).unwrap();
        assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains(want), "{args:?}: {o:?}");
    }
    let note = run(&["note", "ann", "--topic", "more"]).unwrap();
    let err = String::from_utf8_lossy(&note.stderr);
    assert!(!note.status.success() && err.contains("mounted for writing"), "{err}");
    assert_eq!(common::synced::working_files(d.path()), before, "nothing was written");
}
