//! Generated offline days on two devices, through the real binary and the
//! real git: every kind of item added on both, custom measures included,
//! notes finalised; after syncing both ways, both devices hold the same
//! record with every item of both, and every seal holds.

use super::*;

const CORE_10: &str = r#"{ "measures": [{ "name": "CORE-10", "items": 10, "item_max": 4, "higher_is": "worse" }] }"#;

/// One change a therapist makes, chosen by `pick`, with `word` in it.
fn change(pick: u32, word: &str, minute: usize) -> Vec<String> {
    let w = word.to_string();
    let at = format!("2026-11-23 11:{minute:02}");
    let later = format!("2026-12-01 {:02}:00", 8 + minute % 12);
    let args: Vec<&str> = match pick % 10 {
        0 => vec!["note", "ann", "--topic", &w],
        1 => vec!["task", "add", "ann", &w],
        2 => vec!["personal", "add", "ann", &w],
        3 => vec!["goal", "add", "ann", &w],
        4 => vec!["watch", "add", "ann", &w],
        5 => vec!["contact", "add", "ann", "--channel", "text", "--summary", &w],
        6 => vec!["appointment", "ann", "--at", &later],
        7 => vec!["measure", "add", "ann", "ORS", "5", "6", "7", "8", "--at", &at],
        8 => vec!["measure", "add", "ann", "CORE-10", "1", "1", "1", "1", "1", "1", "1", "1", "1", "1", "--at", &at],
        _ => vec!["finalise", "ann"],
    };
    args.into_iter().map(str::to_string).collect()
}

/// Every item of Ann's record on `dir`, as text, sorted.
fn items(dir: &Path) -> Vec<String> {
    let r = ann(dir);
    let mut out = Vec::new();
    for part in ["sessions", "tasks", "personal", "goals", "watch_for", "appointments", "contacts", "measures"] {
        for i in r[part].as_array().into_iter().flatten() {
            let mut i = i.clone();
            // Where the merge lays a seal again, its place in the chain moves.
            if let Some(f) = i.get_mut("finalised").and_then(|f| f.as_object_mut()) {
                f.remove("seq");
                f.remove("hash");
            }
            out.push(format!("{part} {i}"));
        }
    }
    out.sort();
    out
}

#[test]
fn generated_offline_days_on_two_devices_sync_to_one_record_with_every_item_and_every_seal_holding() {
    if !common::require_tool("git") {
        return;
    }
    let mut rng = fastrand::Rng::with_seed(7);
    for round in 0..3 {
        let p = Practice::new();
        for dir in [&p.laptop, &p.desktop] {
            std::fs::write(dir.join("config.json"), CORE_10).unwrap();
        }
        let mut added = 0;
        for (k, (dir, device)) in [(&p.laptop, "laptop"), (&p.desktop, "desktop")].into_iter().enumerate() {
            for n in 0..6 {
                let pick = rng.u32(..);
                let args = change(pick, &format!("{device}{round}x{n}"), 10 * k + n);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                // Finalising when every note is final already is refused: nothing changes.
                if pick % 10 == 9 {
                    output(&p, dir, NOON, &args);
                } else {
                    ok(&p, dir, NOON, &args);
                }
                added += usize::from(pick % 10 != 9);
            }
        }
        ok(&p, &p.laptop, EVENING, &["sync"]);
        ok(&p, &p.desktop, EVENING, &["sync"]);
        ok(&p, &p.laptop, EVENING, &["sync"]);
        let (l, d) = (items(&p.laptop), items(&p.desktop));
        assert_eq!(l, d, "round {round}: both devices hold the same items");
        // The note and the task both devices started with, and every one added since.
        assert_eq!(l.len(), 2 + added, "round {round}: every item of both devices is kept: {l:#?}");
        for dir in [&p.laptop, &p.desktop] {
            ok(&p, dir, EVENING, &["verify"]);
        }
    }
}
