//! An older copy of a client file put back on one device (a backup
//! restored by hand) takes nothing away on any device.

use super::*;

#[test]
fn an_older_copy_of_a_client_file_put_back_by_hand_takes_nothing_away_on_either_device() {
    if !common::require_tool("git") {
        return;
    }
    let p = Practice::new();
    let older = std::fs::read(p.ann_file(&p.laptop)).unwrap();
    ok(&p, &p.desktop, NOON, &["contact", "add", "ann", "--channel", "text", "--summary", "running late"]);
    ok(&p, &p.desktop, NOON, &["goal", "add", "ann", "sleep through"]);
    ok(&p, &p.desktop, NOON, &["task", "done", "ann", "1", "--outcome", "five nights"]);
    ok(&p, &p.desktop, NOON, &["sync"]);
    ok(&p, &p.laptop, NOON, &["sync"]);
    // A backup tool puts yesterday's file back on the laptop.
    std::fs::write(p.ann_file(&p.laptop), &older).unwrap();
    let said = ok(&p, &p.laptop, EVENING, &["sync"]);
    assert!(said.contains("Ann Byrne's file here was an older copy of itself"), "{said}");
    ok(&p, &p.desktop, EVENING, &["sync"]);
    for dir in [&p.laptop, &p.desktop] {
        let r = ann(dir);
        assert_eq!(r["contacts"][0]["summary"], "running late", "on {}", dir.display());
        assert_eq!(r["goals"][0]["text"], "sleep through", "on {}", dir.display());
        assert_eq!(r["tasks"][0]["outcome"], "five nights", "on {}", dir.display());
    }
    // A change made after the older copy came back still goes out.
    ok(&p, &p.laptop, EVENING, &["note", "ann", "--topic", "panic"]);
    ok(&p, &p.laptop, EVENING, &["sync"]);
    ok(&p, &p.desktop, EVENING, &["sync"]);
    assert_eq!(topics(&p.desktop), vec!["panic", "sleep"]);
}
