//! `rapport calendar` through the real binary: the feed a phone or desktop
//! calendar reads, checked with another iCalendar parser than the one that
//! wrote it (the `ical` crate), and appointments booked from `.ics` files,
//! once each, moved and cancelled as the file says, with hostile files
//! refused in words.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Output;

const NOW: &str = "2026-11-26 09:35";

/// London's rules, written out so that no time-zone database is needed and
/// no test depends on the zone of the machine it runs on: GMT in winter,
/// BST (an hour ahead) from the last Sunday of March to the last of October.
const LONDON: &str = "GMT0BST,M3.5.0/1,M10.5.0";

fn run(dir: &Path, args: &[&str]) -> Output {
    common::rapport_at(dir, NOW).env("TZ", LONDON).args(args).output().unwrap()
}

fn ok(dir: &Path, args: &[&str]) -> String {
    common::succeeded(run(dir, args), args)
}

fn fails(dir: &Path, args: &[&str]) -> String {
    common::failed(run(dir, args), args)
}

/// Every client's name, each word of it, that must never be in a feed
/// without `--names`; and the words of their notes and contact details,
/// never in any feed.
const NAMES: &[&str] = &["Maria", "López", "Lopez", "Mari", "James", "Okafor", "Jim", "Zoë", "Ørsted", "Núñez"];
const NEVER: &[&str] = &["allotment", "7700 900123", "jim@example.org", "leeks"];

/// Maria: weekly from Monday 30 November, the second cancelled by her.
/// Jim: a session last week, held and noted; Friday; and one in June,
/// in summer time. Zoë, archived, with an appointment still booked.
fn practice(dir: &Path) {
    ok(dir, &["client", "add", "Maria López", "--preferred", "Mari", "--phone", "+44 7700 900123"]);
    ok(dir, &["client", "add", "James Okafor", "--preferred", "Jim", "--email", "jim@example.org"]);
    ok(dir, &["client", "add", "Zoë Ørsted-Núñez"]);
    ok(dir, &["appointment", "mari", "--at", "2026-11-30 10:00", "--weekly", "2"]);
    ok(dir, &["appointment", "cancel", "mari", "--at", "2026-12-07 10:00"]);
    ok(dir, &["appointment", "jim", "--at", "2026-11-19 14:00"]);
    ok(dir, &["note", "jim", "--at", "2026-11-19 14:00", "--topic", "the allotment", "--plan", "leeks", "--yes"]);
    ok(dir, &["appointment", "jim", "--at", "2026-11-27 14:00", "--minutes", "90"]);
    ok(dir, &["appointment", "jim", "--at", "2027-06-01 09:00"]);
    ok(dir, &["appointment", "zoe", "--at", "2026-12-01 11:00"]);
    ok(dir, &["client", "archive", "zoe"]);
}

/// The events of a feed as another parser reads them: each UID with its
/// properties by name.
fn events(text: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = parser.next().expect("one calendar").expect("it parses");
    assert!(parser.next().is_none(), "one calendar only");
    calendar
        .events
        .into_iter()
        .map(|e| {
            let props: BTreeMap<String, String> =
                e.properties.into_iter().map(|p| (p.name, unescape(&p.value.unwrap_or_default()))).collect();
            (props["UID"].clone(), props)
        })
        .collect()
}

/// An iCalendar TEXT value as written (RFC 5545 3.3.11), which the `ical`
/// crate leaves escaped: `\;` is `;`, `\,` is `,`, `\n` a line break.
fn unescape(value: &str) -> String {
    let mut out = String::new();
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            },
            c => out.push(c),
        }
    }
    out
}

#[test]
fn the_feed_holds_every_appointment_as_another_parser_reads_it_and_names_no_client() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("rapport.ics");
    let said = ok(dir, &["calendar", "export", "--out", file.to_str().unwrap()]);
    assert!(said.starts_with("Wrote 6 appointments (1 cancelled) of 2 clients, from Mon 26 Oct"), "{said}");
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.split_terminator('\n').all(|l| l.ends_with('\r')), "every line ends in CRLF");
    let events = events(&text);
    // Maria's three and Jim's three; Zoë is archived.
    assert_eq!(events.len(), 6, "{text}");
    let times: Vec<(&str, &str, &str, &str)> = events
        .values()
        .map(|e| (e["DTSTART"].as_str(), e["DTEND"].as_str(), e["STATUS"].as_str(), e["SUMMARY"].as_str()))
        .collect();
    let mut times = times;
    times.sort();
    let maria = events.values().find(|e| e["DTSTART"] == "20261130T100000Z").unwrap()["SUMMARY"].clone();
    let jim = events.values().find(|e| e["DTSTART"] == "20261127T140000Z").unwrap()["SUMMARY"].clone();
    assert_ne!(maria, jim);
    assert_eq!(
        times,
        [
            ("20261119T140000Z", "20261119T145000Z", "CONFIRMED", jim.as_str()),
            ("20261127T140000Z", "20261127T153000Z", "CONFIRMED", jim.as_str()),
            ("20261130T100000Z", "20261130T105000Z", "CONFIRMED", maria.as_str()),
            ("20261207T100000Z", "20261207T105000Z", "CANCELLED", maria.as_str()),
            ("20261214T100000Z", "20261214T105000Z", "CONFIRMED", maria.as_str()),
            // 09:00 in London in June is 08:00 UTC.
            ("20270601T080000Z", "20270601T085000Z", "CONFIRMED", jim.as_str()),
        ]
    );
    assert!(maria.starts_with("Session ") && maria.len() == "Session ".len() + 8, "{maria}");
    for (uid, e) in &events {
        assert!(uid.ends_with(&format!(".{}@rapport", &e["SUMMARY"]["Session ".len()..])), "{uid}");
        assert_eq!(e["CLASS"], "PRIVATE");
    }
    for word in NAMES.iter().chain(NEVER) {
        assert!(!text.to_lowercase().contains(&word.to_lowercase()), "{word:?} in the feed:\n{text}");
    }
    // The same UIDs from one feed to the next: a calendar updates, never doubles.
    ok(dir, &["appointment", "move", "mari", "--at", "2026-11-30 10:00", "--to", "2026-11-30 11:00"]);
    ok(dir, &["calendar", "export", "--out", file.to_str().unwrap()]);
    let again = self::events(&fs::read_to_string(&file).unwrap());
    assert_eq!(again.keys().collect::<Vec<_>>(), events.keys().collect::<Vec<_>>());
    assert!(again.values().any(|e| e["DTSTART"] == "20261130T110000Z"));
    // A file that is not a feed Rapport wrote is never written over.
    let mine = outside.path().join("mine.ics");
    fs::write(&mine, "BEGIN:VCALENDAR\r\nPRODID:-//Someone else//EN\r\nEND:VCALENDAR\r\n").unwrap();
    let said = fails(dir, &["calendar", "export", "--out", mine.to_str().unwrap()]);
    assert!(said.contains("already exists; Rapport does not overwrite it"), "{said}");
    assert!(fs::read_to_string(&mine).unwrap().contains("Someone else"));
}

#[test]
fn with_names_each_appointment_is_titled_with_its_clients_name_and_nothing_more() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    ok(dir, &["client", "add", "Eve \u{1b}]0;pwned\u{7}"]);
    ok(dir, &["appointment", "eve", "--at", "2026-12-02 09:00"]);
    // On standard output, CRLF and all.
    let out = run(dir, &["calendar", "export", "--names", "--days", "30"]);
    let text = common::succeeded(out, &["calendar", "export"]);
    assert!(text.starts_with("BEGIN:VCALENDAR\r\n"), "{text}");
    let titles: Vec<String> = events(&text).into_values().map(|e| e["SUMMARY"].clone()).collect();
    for name in ["Maria López (Mari)", "James Okafor (Jim)", "Eve ␛]0;pwned␇"] {
        assert!(titles.iter().any(|t| t == name), "{name} in {titles:?}");
    }
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "a name's escape sequence is shown, never sent");
    assert_eq!(titles.len(), 6, "the next 30 days and the month past: {titles:?}");
    for word in NEVER.iter().chain(&["Zoë", "Núñez"]) {
        assert!(!text.contains(word), "{word:?} in the feed:\n{text}");
    }
}

#[test]
fn an_encrypted_practice_writes_the_feed_encrypted_unless_asked_for_plain() {
    use common::encrypted::{PASS, ok as enc_ok};
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    enc_ok(dir, Some(PASS), &["encrypt", "--yes"]);
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("rapport.ics");
    let said = enc_ok(dir, Some(PASS), &["calendar", "export", "--out", file.to_str().unwrap()]);
    assert!(said.contains("rapport.ics.age") && said.contains("no calendar app can read it"), "{said}");
    assert!(!file.exists());
    let sealed = fs::read(outside.path().join("rapport.ics.age")).unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("VCALENDAR"));
    // Written again over its own encrypted feed.
    enc_ok(dir, Some(PASS), &["calendar", "export", "--out", file.to_str().unwrap()]);
    let said = enc_ok(dir, Some(PASS), &["calendar", "export", "--out", file.to_str().unwrap(), "--plain"]);
    assert!(said.contains("not encrypted"), "{said}");
    assert_eq!(events(&fs::read_to_string(&file).unwrap()).len(), 6);
}

/// An `.ics` file as another system writes it: a time zone defined, events
/// in it and in UTC.
fn calendar(events: &[String]) -> String {
    format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Another practice system//EN\r\nBEGIN:VTIMEZONE\r\n\
         TZID:Europe/London\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\n\
         DTSTART:19701025T020000\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n{}END:VCALENDAR\r\n",
        events.concat()
    )
}

fn event(uid: &str, title: &str, start: &str, end: &str, extra: &str) -> String {
    format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261120T120000Z\r\nSUMMARY:{title}\r\n\
         DTSTART;TZID=Europe/London:{start}\r\nDTEND;TZID=Europe/London:{end}\r\n{extra}END:VEVENT\r\n"
    )
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// Each client's appointments as `rapport export --format json` gives
/// them: (start, minutes, what happened or "booked").
fn appointments(dir: &Path, client: &str) -> Vec<(String, u64, String)> {
    let json: serde_json::Value = serde_json::from_str(&ok(dir, &["export", client, "--format", "json"])).unwrap();
    json["appointments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let state = if a["cancelled"].is_null() { "booked" } else { "cancelled" };
            (a["start"].as_str().unwrap().to_string(), a["minutes"].as_u64().unwrap(), state.to_string())
        })
        .collect()
}

fn clients(dir: &Path) {
    ok(dir, &["client", "add", "Maria López", "--preferred", "Mari"]);
    ok(dir, &["client", "add", "James Okafor", "--preferred", "Jim"]);
}

#[test]
fn importing_the_same_calendar_twice_books_each_appointment_once() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    clients(dir);
    ok(dir, &["appointment", "jim", "--at", "2026-11-27 14:00"]);
    let files = tempfile::tempdir().unwrap();
    let ics = write(
        files.path(),
        "practice.ics",
        &calendar(&[
            event("p1@other", "Maria López", "20261130T100000", "20261130T105000", ""),
            event("p2@other", "Mari", "20261207T100000", "20261207T105000", ""),
            // Booked already here at that time: the same appointment.
            event("p3@other", "James Okafor", "20261127T140000", "20261127T145000", ""),
            event("p4@other", "Jim", "20261201T160000", "20261201T170000", ""),
            // Past: not booked.
            event("p0@other", "Maria López", "20261116T100000", "20261116T105000", ""),
        ]),
    );
    let said = ok(dir, &["calendar", "import", &ics, "--yes"]);
    assert!(said.contains("2026-11-30 10:00    50 min  Maria López (Mari)  book"), "{said}");
    assert!(said.contains("already booked: remember it as this event"), "{said}");
    assert!(said.contains("1 event before now left out"), "{said}");
    assert!(said.contains("Done: 3 appointments booked and 1 linked to its event, for 2 clients."), "{said}");
    let maria = vec![
        ("2026-11-30T10:00:00".to_string(), 50, "booked".to_string()),
        ("2026-12-07T10:00:00".to_string(), 50, "booked".to_string()),
    ];
    assert_eq!(appointments(dir, "mari"), maria);
    assert_eq!(appointments(dir, "jim").len(), 2);
    let again = ok(dir, &["calendar", "import", &ics, "--yes"]);
    assert!(again.contains("4 events already in Rapport as they are"), "{again}");
    assert!(again.contains("Nothing to book"), "{again}");
    assert_eq!(appointments(dir, "mari"), maria);
    assert_eq!(appointments(dir, "jim").len(), 2);
}

#[test]
fn a_second_import_moves_a_moved_event_and_cancels_a_cancelled_one() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    clients(dir);
    let files = tempfile::tempdir().unwrap();
    let first = calendar(&[
        event("p1@other", "Maria López", "20261130T100000", "20261130T105000", ""),
        event("p2@other", "Jim", "20261201T160000", "20261201T170000", ""),
    ]);
    ok(dir, &["calendar", "import", &write(files.path(), "a.ics", &first), "--yes"]);
    let second = calendar(&[
        // Moved an hour later and made longer; the title changed too.
        event("p1@other", "Maria López - moved", "20261130T110000", "20261130T120000", ""),
        event("p2@other", "Jim", "20261201T160000", "20261201T170000", "STATUS:CANCELLED\r\n"),
    ]);
    let said = ok(dir, &["calendar", "import", &write(files.path(), "b.ics", &second), "--yes"]);
    assert!(
        said.contains("2026-11-30 11:00    60 min  Maria López (Mari)  move from 2026-11-30 10:00 (50 min)"),
        "{said}"
    );
    assert!(said.contains("cancel (by the client)"), "{said}");
    assert_eq!(appointments(dir, "mari"), [("2026-11-30T11:00:00".to_string(), 60, "booked".to_string())]);
    assert_eq!(appointments(dir, "jim"), [("2026-12-01T16:00:00".to_string(), 60, "cancelled".to_string())]);
    let agenda = ok(dir, &["agenda", "--days", "7"]);
    assert!(agenda.contains("11:00  Maria López (Mari)") && agenda.contains("[cancelled by client]"), "{agenda}");
}

#[test]
fn what_names_no_client_or_two_is_listed_and_nothing_is_booked_in_their_name() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    for name in ["Sam Byrne", "Sam Okafor", "Callum Ross"] {
        ok(dir, &["client", "add", name]);
    }
    ok(dir, &["client", "add", "Ann Archer"]);
    ok(dir, &["client", "archive", "ann"]);
    let files = tempfile::tempdir().unwrap();
    let ics = write(
        files.path(),
        "phone.ics",
        &calendar(&[
            event("x1", "Sam", "20261130T100000", "20261130T105000", ""),
            event("x2", "Dentist", "20261130T120000", "20261130T130000", ""),
            event("x3", "Dentist", "20261207T120000", "20261207T130000", ""),
            event("x4", "Call", "20261201T090000", "20261201T093000", ""),
            event("x5", "Ann Archer", "20261202T090000", "20261202T095000", ""),
            event("x6", "Sam Byrne", "20261203T090000", "20261203T095000", "RRULE:FREQ=WEEKLY;COUNT=10\r\n"),
            event("x7", "Callum", "20261204T090000", "20261204T095000", ""),
        ]),
    );
    let said = ok(dir, &["calendar", "import", &ics, "--yes"]);
    for line in [
        "Not imported:",
        "'Sam' 2026-11-30 10:00: it names more than one client: Sam Byrne (sam-byrne), Sam Okafor (sam-okafor)",
        "'Dentist' 2026-11-30 12:00 and 1 more: no client answers to it whole",
        "'Call' 2026-12-01 09:00: no client answers to it whole",
        "'Ann Archer' 2026-12-02 09:00: Ann Archer is archived",
        "'Sam Byrne' 2026-12-03 09:00: a recurring event: Rapport imports single events only",
        "Done: 1 appointment booked, for 1 client.",
    ] {
        assert!(said.contains(line), "{line:?} in:\n{said}");
    }
    for sam in ["sam-byrne", "sam-okafor"] {
        assert_eq!(appointments(dir, sam), [], "{sam}");
    }
    assert_eq!(appointments(dir, "callum").len(), 1, "Callum, named whole, is booked; 'Call' is not");
    assert_eq!(appointments(dir, "ann").len(), 0);
}

#[test]
fn without_yes_and_without_a_terminal_the_import_shows_what_it_would_book_and_books_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    clients(dir);
    let files = tempfile::tempdir().unwrap();
    let ics = write(
        files.path(),
        "a.ics",
        &calendar(&[event("p1@other", "Maria López", "20261130T100000", "20261130T105000", "")]),
    );
    let out = run(dir, &["calendar", "import", &ics]);
    assert!(!out.status.success());
    let shown = String::from_utf8(out.stdout).unwrap();
    let said = String::from_utf8(out.stderr).unwrap();
    assert!(shown.contains("2026-11-30 10:00    50 min  Maria López (Mari)  book"), "{shown}");
    assert!(said.contains("Book this in Rapport (1 appointment to book, for 1 client)?"), "{said}");
    assert!(said.contains("nothing was booked (to book from a script, give --yes)"), "{said}");
    assert_eq!(appointments(dir, "mari"), []);
}

#[test]
fn rapports_own_feed_imported_books_nothing_twice() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    practice(dir);
    let files = tempfile::tempdir().unwrap();
    let feed = files.path().join("feed.ics");
    ok(dir, &["calendar", "export", "--names", "--out", feed.to_str().unwrap()]);
    ok(dir, &["appointment", "move", "mari", "--at", "2026-11-30 10:00", "--to", "2026-11-30 12:00"]);
    let before = appointments(dir, "mari");
    let said = ok(dir, &["calendar", "import", feed.to_str().unwrap(), "--yes"]);
    assert!(said.contains("Rapport's own appointment (from `rapport calendar export`), already here"), "{said}");
    assert!(said.contains("Nothing to book"), "{said}");
    assert_eq!(appointments(dir, "mari"), before, "not moved back, nor booked again at the old time");
}

#[test]
fn hostile_calendar_files_are_refused_in_words_and_change_nothing() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    clients(dir);
    let files = tempfile::tempdir().unwrap();
    let f = files.path();
    let cases: Vec<(String, &str)> = vec![
        (write(f, "a.csv", "name,start\nMaria,2026-11-30 10:00\n"), "it is not an iCalendar file"),
        (write(f, "b.ics", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:Mari\r\nEND:VCALENDAR\r\n"), "not well-formed"),
        (
            write(
                f,
                "c.ics",
                &format!(
                    "BEGIN:VCALENDAR\r\n{}{}END:VCALENDAR\r\n",
                    "BEGIN:X\r\n".repeat(50_000),
                    "END:X\r\n".repeat(50_000)
                ),
            ),
            "nested 9 deep",
        ),
        (write(f, "d.ics", &calendar(&[]).repeat(2)), "it holds 2 calendars"),
        (
            write(f, "e.ics", &calendar(&vec![event("x", "Mari", "20261130T100000", "20261130T105000", ""); 10_001])),
            "it holds 10001 events; Rapport imports at most 10000",
        ),
        (write(f, "f.ics", &" ".repeat(9 * 1024 * 1024)), "Rapport reads a calendar of at most 8.0 MiB"),
        (f.to_str().unwrap().to_string(), "is not a file"),
        (f.join("missing.ics").to_str().unwrap().to_string(), "there is no file"),
    ];
    for (path, why) in cases {
        let said = fails(dir, &["calendar", "import", &path, "--yes"]);
        assert!(said.contains(why), "{path}: {why:?} in {said}");
    }
    fs::write(f.join("g.ics"), [0xff, 0xfe, 0x00, 0x42]).unwrap();
    assert!(fails(dir, &["calendar", "import", f.join("g.ics").to_str().unwrap()]).contains("it is not text"));
    // A pipe is refused at once, never waited on.
    let fifo = f.join("pipe.ics");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let mut c = common::command(dir);
    c.env("TZ", LONDON).args(["calendar", "import", fifo.to_str().unwrap(), "--yes"]);
    let out = common::never_hangs(c, "a pipe as the calendar");
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a file"));
    // Events that cannot be appointments are listed, and an escape sequence
    // in a title is shown, never sent to the terminal.
    let odd = write(
        f,
        "odd.ics",
        &calendar(&[
            "BEGIN:VEVENT\r\nUID:n1\r\nSUMMARY:Mari\r\nDTEND:20261130T105000Z\r\nEND:VEVENT\r\n".to_string(),
            event("n2", "Eve \u{1b}]0;pwned\u{7}", "20261130T100000", "20261130T105000", ""),
            event("n3", "Mari", "20261201T100000", "20261201T105000", &format!("X-LONG:{}\r\n", "y".repeat(100_000))),
        ]),
    );
    let said = ok(dir, &["calendar", "import", &odd, "--yes"]);
    assert!(said.contains("'Mari': no start (DTSTART)"), "{said}");
    assert!(said.contains("'Eve ␛]0;pwned␇' 2026-11-30 10:00: no client answers to it whole"), "{said}");
    assert!(!said.contains('\u{1b}'), "{said}");
    assert!(said.contains("Done: 1 appointment booked, for 1 client."), "{said}");
    assert_eq!(appointments(dir, "mari").len(), 1);
}

#[test]
fn a_large_calendar_is_read_in_bounded_time_whatever_its_line_endings() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    clients(dir);
    let files = tempfile::tempdir().unwrap();
    // 10,000 events, each a distinct time a day apart for 27 years, LF only:
    // a parser that searched for CRLF from each line would take minutes.
    let mut events = Vec::new();
    let start = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().and_hms_opt(10, 0, 0).unwrap();
    for i in 0..10_000 {
        let at = start + chrono::Duration::days(i);
        let s = at.format("%Y%m%dT%H%M%S").to_string();
        let e = (at + chrono::Duration::minutes(50)).format("%Y%m%dT%H%M%S").to_string();
        events.push(event(&format!("u{i}"), if i % 2 == 0 { "Dentist" } else { "Lunch" }, &s, &e, ""));
    }
    let path = write(files.path(), "big.ics", &calendar(&events).replace("\r\n", "\n"));
    let mut c = common::command(dir);
    c.env("TZ", LONDON).args(["calendar", "import", &path, "--yes"]);
    common::cpu_bounded(&mut c, 20);
    let out = common::never_hangs(c, "a large calendar");
    let said = common::succeeded(out, &["calendar", "import"]);
    assert!(said.contains("'Dentist' 2027-01-01 10:00 and 4999 more: no client answers to it whole"), "{said}");
}

#[test]
fn an_appointment_moved_here_stays_where_it_was_moved_until_the_event_itself_moves() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path();
    clients(dir);
    let files = tempfile::tempdir().unwrap();
    let first = calendar(&[event("p1@other", "Maria López", "20261130T100000", "20261130T105000", "")]);
    let ics = write(files.path(), "a.ics", &first);
    ok(dir, &["calendar", "import", &ics, "--yes"]);
    ok(dir, &["appointment", "move", "mari", "--at", "2026-11-30 10:00", "--to", "2026-11-30 16:00"]);
    // The same file again: the event has not moved, the appointment stays.
    let said = ok(dir, &["calendar", "import", &ics, "--yes"]);
    assert_eq!(appointments(dir, "mari"), [("2026-11-30T16:00:00".to_string(), 50, "booked".to_string())], "{said}");
    // The event moved in the calendar: then it is moved.
    let moved = calendar(&[event("p1@other", "Maria López", "20261130T120000", "20261130T125000", "")]);
    ok(dir, &["calendar", "import", &write(files.path(), "b.ics", &moved), "--yes"]);
    assert_eq!(appointments(dir, "mari"), [("2026-11-30T12:00:00".to_string(), 50, "booked".to_string())]);
}
