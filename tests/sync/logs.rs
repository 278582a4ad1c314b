//! The ledger and the audit log only ever grow, on every path: an older
//! copy put back on one device never goes out, and never stalls the other.

use super::*;

#[test]
fn an_older_copy_put_back_on_one_device_never_stalls_the_other_and_the_ledger_only_grows() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let (laptop, desktop) = (&p.laptop, &p.desktop);
    ok(&p, laptop, NOON, &["finalise", "ann", "s1"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    // A system backup of the laptop, taken now.
    let older_ledger = std::fs::read(laptop.join("ledger")).unwrap();
    let older_ann = std::fs::read(p.ann_file(laptop)).unwrap();
    ok(&p, laptop, NOON, &["note", "ann", "--topic", "after the backup"]);
    ok(&p, laptop, NOON, &["finalise", "ann"]);
    ok(&p, laptop, NOON, &["sync"]);
    ok(&p, desktop, NOON, &["sync"]);
    let whole = std::fs::read(laptop.join("ledger")).unwrap();
    assert!(whole.len() > older_ledger.len());

    // The backup is put back on the laptop.
    std::fs::write(laptop.join("ledger"), &older_ledger).unwrap();
    std::fs::write(p.ann_file(laptop), &older_ann).unwrap();
    let doctor = output(&p, laptop, EVENING, &["doctor"]);
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(!doctor.status.success(), "{said}");
    assert!(said.contains("the ledger here disagrees with the last sync: it lacks 1 entry"), "{said}");

    let said = ok(&p, laptop, EVENING, &["sync"]);
    assert!(said.contains("1 entry of the ledger and the audit log was missing on this device"), "{said}");
    assert_eq!(p.git(&p.remote, &["show", "main:ledger"]).as_bytes(), whole, "no shorter ledger went out");
    // The other device is not stalled, and both end whole.
    ok(&p, desktop, EVENING, &["sync"]);
    ok(&p, laptop, EVENING, &["sync"]);
    for dir in [laptop, desktop] {
        assert_eq!(topics(dir), vec!["after the backup", "sleep"], "no note was lost");
        let verified = ok(&p, dir, EVENING, &["verify"]);
        assert!(verified.contains("All 2 finalised notes"), "{verified}");
        let doctor = ok(&p, dir, EVENING, &["doctor"]);
        assert!(!doctor.contains("NEEDS ATTENTION"), "{doctor}");
    }
    assert_eq!(ann(laptop), ann(desktop));
}

/// A remote cannot grow the ledger past what Rapport ever writes (64 MiB),
/// so `verify` never reads hundreds of megabytes.
#[test]
fn a_ledger_grown_past_its_bound_on_the_remote_is_refused_and_changes_nothing() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    ok(&p, &p.laptop, NOON, &["finalise", "ann", "s1"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    let attacker = p.tmp.path().join("attacker");
    p.git(p.tmp.path(), &["clone", "-q", "-b", "main", p.remote.to_str().unwrap(), "attacker"]);
    let mut ledger = std::fs::read(attacker.join("ledger")).unwrap();
    let line = std::fs::read_to_string(attacker.join("ledger")).unwrap().lines().last().unwrap().to_string() + "\n";
    while ledger.len() <= 64 * 1024 * 1024 {
        ledger.extend_from_slice(line.as_bytes());
    }
    std::fs::write(attacker.join("ledger"), ledger).unwrap();
    p.git(&attacker, &["-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qam", "a grown ledger"]);
    p.git(&attacker, &["push", "-q", "origin", "main"]);
    let before = std::fs::read(p.desktop.join("ledger")).unwrap();
    let e = fails(&p, &p.desktop, EVENING, &["sync"]);
    assert!(e.contains("larger than Rapport ever writes") && e.contains("nothing was changed here"), "{e}");
    assert_eq!(std::fs::read(p.desktop.join("ledger")).unwrap(), before);
    assert!(ok(&p, &p.desktop, EVENING, &["verify"]).contains("as they were finalised"));
}
