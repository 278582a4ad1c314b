use super::*;
use crate::domain::time::dt;

/// This machine's zone in these tests: London's rules, from chrono-tz, so
/// no test depends on the zone of the machine it runs on.
fn here() -> chrono_tz::Tz {
    chrono_tz::Europe::London
}

fn calendar(events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n{events}END:VCALENDAR\r\n")
}

fn event(props: &str) -> String {
    format!("BEGIN:VEVENT\r\n{props}END:VEVENT\r\n")
}

fn read_here(text: &str) -> Read {
    read(text.as_bytes(), &here()).unwrap()
}

#[test]
fn events_in_utc_in_a_named_zone_or_floating_become_wall_clock_times_here() {
    let text = calendar(
        &[
            event("UID:u1\r\nSUMMARY:Maria Lopez\r\nDTSTART:20261130T100000Z\r\nDTEND:20261130T105000Z\r\n"),
            // Berlin is an hour ahead of London in winter.
            event(
                "UID:u2\r\nSUMMARY:Jim\r\nDTSTART;TZID=Europe/Berlin:20261201T110000\r\n\
             DTEND;TZID=Europe/Berlin:20261201T120000\r\n",
            ),
            event("UID:u3\r\nSUMMARY:Zoë\r\nDTSTART:20260701T090000\r\nDURATION:PT1H30M\r\n"),
        ]
        .concat(),
    );
    let read = read_here(&text);
    assert_eq!(read.skipped, []);
    let got: Vec<(&str, NaiveDateTime, u32)> =
        read.events.iter().map(|e| (e.uid.as_deref().unwrap(), e.start, e.minutes)).collect();
    assert_eq!(
        got,
        [("u1", dt("2026-11-30 10:00"), 50), ("u2", dt("2026-12-01 10:00"), 60), ("u3", dt("2026-07-01 09:00"), 90)]
    );
    assert_eq!(read.events[2].title, "Zoë");
}

#[test]
fn a_cancelled_event_says_so_and_an_escaped_title_reads_plain_on_one_line() {
    let text = calendar(&event(
        "UID:u1\r\nSUMMARY:Lopez\\,  \\n Maria\r\nSTATUS:CANCELLED\r\nDTSTART:20261130T100000Z\r\nDTEND:20261130T105000Z\r\n",
    ));
    let read = read_here(&text);
    assert!(read.events[0].cancelled);
    assert_eq!(read.events[0].title, "Lopez, Maria");
}

#[test]
fn events_that_cannot_be_one_appointment_are_left_out_with_the_reason() {
    let text = calendar(
        &[
            event(
                "UID:r\r\nSUMMARY:Maria\r\nDTSTART:20261130T100000Z\r\nDTEND:20261130T105000Z\r\nRRULE:FREQ=WEEKLY\r\n",
            ),
            event("UID:d\r\nSUMMARY:Holiday\r\nDTSTART;VALUE=DATE:20261224\r\n"),
            event("UID:n\r\nSUMMARY:Maria\r\n"),
            event("UID:z\r\nSUMMARY:Maria\r\nDTSTART;TZID=Mars/Olympus:20261130T100000\r\nDURATION:PT50M\r\n"),
            event("UID:e\r\nSUMMARY:Maria\r\nDTSTART:20261130T100000Z\r\n"),
            event("UID:l\r\nSUMMARY:Maria\r\nDTSTART:20261130T100000Z\r\nDTEND:20261202T100000Z\r\n"),
            event("UID:b\r\nSUMMARY:Maria\r\nDTSTART:20261130T100000Z\r\nDTEND:20261130T090000Z\r\n"),
            event("UID:y\r\nSUMMARY:Maria\r\nDTSTART:29991130T100000Z\r\nDTEND:29991130T105000Z\r\n"),
            event("UID:twice\r\nSUMMARY:Maria\r\nDTSTART:20261130T100000Z\r\nDTEND:20261130T105000Z\r\n"),
            event("UID:twice\r\nSUMMARY:Maria\r\nDTSTART:20261207T100000Z\r\nDTEND:20261207T105000Z\r\n"),
        ]
        .concat(),
    );
    let read = read_here(&text);
    assert_eq!(read.events, []);
    let skips: Vec<Skip> = read.skipped.iter().map(|s| s.skip.clone()).collect();
    assert_eq!(
        skips,
        [
            Skip::Recurring,
            Skip::AllDay,
            Skip::NoStart,
            Skip::UnknownZone("Mars/Olympus".into()),
            Skip::NoEnd,
            Skip::Length(2880),
            Skip::Length(-60),
            Skip::Year(2999),
            Skip::UidTwice(2),
            Skip::UidTwice(2),
        ]
    );
    assert!(Skip::Recurring.to_string().contains("--weekly"), "says how to book a run instead");
}

#[test]
fn a_file_that_is_no_calendar_is_refused_in_words() {
    let no = |bytes: &[u8]| read(bytes, &here()).unwrap_err();
    assert_eq!(no(b"name,start\nMaria,2026-11-30 10:00\n"), Refused::NotCalendar);
    assert_eq!(no(&[0xff, 0xfe, b'B', 0]), Refused::NotText);
    assert_eq!(no(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n"), Refused::Malformed);
    let two = calendar("") + &calendar("");
    assert_eq!(no(two.as_bytes()), Refused::SeveralCalendars(2));
    let deep =
        format!("BEGIN:VCALENDAR\r\n{}{}END:VCALENDAR\r\n", "BEGIN:X\r\n".repeat(100_000), "END:X\r\n".repeat(100_000));
    assert_eq!(no(deep.as_bytes()), Refused::TooDeep(bounds::CALENDAR_NESTING + 1));
    let many = calendar(&event("SUMMARY:x\r\n").repeat(bounds::CALENDAR_EVENTS + 1));
    assert_eq!(no(many.as_bytes()), Refused::TooManyEvents(bounds::CALENDAR_EVENTS + 1));
    let huge = vec![b' '; bounds::CALENDAR_FILE_BYTES as usize + 1];
    assert!(matches!(no(&huge), Refused::TooLarge(_)));
}

#[test]
fn line_endings_and_folded_lines_of_any_kind_read_the_same() {
    let crlf = calendar(&event(
        "UID:u1\r\nSUMMARY:Maria \r\n Lopez\r\nDTSTART:20261130T100000Z\r\nDTEND:20261130T105000Z\r\n",
    ));
    let lf = crlf.replace("\r\n", "\n");
    for text in [crlf, lf] {
        let read = read_here(&text);
        assert_eq!(read.events.len(), 1, "{text:?}");
        assert_eq!(read.events[0].title, "Maria Lopez");
    }
}
