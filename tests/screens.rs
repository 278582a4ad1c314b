//! The app as a therapist uses it: keys in, screens out, files on disk.
//! Actions go through the real keymap, update and effects against a real
//! data folder; screens are compared with insta snapshots at fixed sizes.

use std::fs;

use rapport::domain::time::dt;
use rapport::domain::{ClientProfile, Conflict, ConflictKind, TaskStatus};
use rapport::store::Store;
use rapport::tui::action::Action;
use rapport::tui::keymap::{action_for, bindings, keys_label, markdown};
use rapport::tui::model::{Popup, Screen};
use rapport::tui::runtime::Runtime;
use rapport::tui::screens::note_form::NoteDraft;
use rapport::tui::theme::Theme;
use rapport::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NOW: &str = "2026-11-26 09:35";

struct App {
    rt: Runtime,
    _dir: tempfile::TempDir,
}

impl App {
    fn open(dir: tempfile::TempDir) -> App {
        let store = Store::open(dir.path()).unwrap();
        let rt = Runtime::open(store, dt(NOW), Theme { color: false }).unwrap();
        let mut app = App { rt, _dir: dir };
        app.dispatch(Action::Tick(dt(NOW)));
        app
    }

    fn empty() -> App {
        App::open(tempfile::tempdir().unwrap())
    }

    fn demo() -> App {
        let dir = tempfile::tempdir().unwrap();
        rapport::demo::write_sample_practice(&Store::open(dir.path()).unwrap(), dt(NOW)).unwrap();
        App::open(dir)
    }

    /// The sample practice, and whatever `add` writes to it, before the app opens.
    fn demo_with(add: impl FnOnce(&Store)) -> App {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        rapport::demo::write_sample_practice(&store, dt(NOW)).unwrap();
        add(&store);
        App::open(dir)
    }

    /// Quits and starts again on the same folder, as after a restart.
    fn restart(self) -> App {
        // The old process is gone (its window lock with it) before the new one starts.
        let App { rt, _dir } = self;
        drop(rt);
        App::open(_dir)
    }

    fn dispatch(&mut self, action: Action) {
        self.rt.dispatch(action);
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) {
        let event = KeyEvent::new(code, modifiers);
        if let Some(a) = action_for(self.rt.model.context(), &event) {
            self.dispatch(a);
        }
    }

    /// Presses keys named like tmux: "Tab", "Enter", "Esc", "C-s", "BTab", or one character.
    fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            match k {
                "Tab" => self.key(KeyCode::Tab, KeyModifiers::NONE),
                "BTab" => self.key(KeyCode::BackTab, KeyModifiers::SHIFT),
                "Enter" => self.key(KeyCode::Enter, KeyModifiers::NONE),
                "Esc" => self.key(KeyCode::Esc, KeyModifiers::NONE),
                "Up" => self.key(KeyCode::Up, KeyModifiers::NONE),
                "Down" => self.key(KeyCode::Down, KeyModifiers::NONE),
                "PgDn" => self.key(KeyCode::PageDown, KeyModifiers::NONE),
                "PgUp" => self.key(KeyCode::PageUp, KeyModifiers::NONE),
                c if c.starts_with("C-") => self.key(KeyCode::Char(c.chars().nth(2).unwrap()), KeyModifiers::CONTROL),
                c => {
                    assert_eq!(c.chars().count(), 1, "unknown key name {c}");
                    self.key(KeyCode::Char(c.chars().next().unwrap()), KeyModifiers::NONE)
                }
            }
        }
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' { KeyCode::Enter } else { KeyCode::Char(c) };
            self.key(code, KeyModifiers::NONE);
        }
    }

    /// Lets time pass: the loop's clock ticks.
    fn wait_ms(&mut self, ms: i64) {
        let now = self.rt.model.now + chrono::Duration::milliseconds(ms);
        self.dispatch(Action::Tick(now));
    }

    fn screen(&self, w: u16, h: u16) -> String {
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view(&self.rt.model, f)).unwrap();
        let buf = t.backend().buffer();
        let mut out = String::new();
        for y in 0..h {
            let line: String = (0..w).map(|x| buf[(x, y)].symbol()).collect();
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    fn status(&self) -> String {
        self.rt.model.status.as_ref().map(|s| s.text.clone()).unwrap_or_default()
    }

    fn file(&self, id: &str) -> serde_json::Value {
        serde_json::from_str(
            &fs::read_to_string(self.rt.store.client_path(&rapport::domain::ClientId::new(id))).unwrap(),
        )
        .unwrap()
    }
}

// ---- The stories ----------------------------------------------------------

#[test]
fn first_run_welcomes_and_a_new_client_and_note_are_saved() {
    let mut app = App::empty();
    assert!(app.screen(80, 24).contains("Press a to add your first client"));
    app.press("a");
    app.type_text("Maria Lopez");
    app.press("Tab");
    app.type_text("Mari");
    app.press("C-s");
    assert!(app.status().contains("Saved Maria Lopez (Mari)"), "{}", app.status());
    app.press("n");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)));
    app.type_text("sleep\nwork stress");
    app.press("Tab");
    app.type_text("the breathing helped");
    app.press("C-s");
    assert_eq!(app.status(), "Note saved for Mari (s1).");
    let screen = app.screen(80, 24);
    assert!(screen.contains("sleep; work stress") && screen.contains("\"the breathing helped\""), "{screen}");
    let file = app.file("maria-lopez");
    assert_eq!(file["sessions"][0]["topics"], serde_json::json!(["sleep", "work stress"]));
    assert_eq!(file["sessions"][0]["at"], "2026-11-26T09:35:00");
    assert_eq!(file["sessions"][0]["minutes"], 50);
}

#[test]
fn one_session_is_not_called_sessions() {
    let mut app = App::empty();
    app.press("a");
    app.type_text("Maria Lopez");
    app.press("C-s n");
    app.type_text("sleep");
    app.press("C-s");
    let screen = app.screen(80, 24);
    assert!(screen.contains("Maria Lopez · 1 session") && !screen.contains("1 sessions"), "{screen}");
}

#[test]
fn ctrl_u_clears_the_search_line_and_the_name_filter() {
    let mut app = App::demo();
    app.press("Tab C-f");
    app.type_text("sleep diary");
    assert!(app.screen(80, 24).contains("sleep diary"));
    app.press("C-u");
    let screen = app.screen(80, 24);
    assert!(!screen.contains("sleep diary") && screen.contains("Type words to find"), "{screen}");
    match &app.rt.model.screen {
        Screen::Search(v) => assert_eq!(v.query(), ""),
        other => panic!("{other:?}"),
    }
    app.press("Esc /");
    app.type_text("aisha");
    app.press("C-u");
    assert_eq!(app.rt.model.list.filter.as_ref().unwrap().text(), "");
    assert_eq!(app.rt.model.list.visible.len(), 9, "every client shows again");
}

#[test]
fn esc_on_a_typed_note_asks_before_throwing_it_away() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("something important");
    app.press("Esc");
    assert!(matches!(app.rt.model.popup, Some(Popup::Discard { .. })));
    assert!(app.screen(80, 24).contains("Discard what you typed?"));
    app.press("n");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)), "n keeps writing");
    assert!(app.screen(80, 24).contains("something important"));
    app.press("Esc y");
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    assert!(app.status().starts_with("Discarded. n on "), "{}", app.status());
}

#[test]
fn a_note_discarded_by_mistake_comes_back_with_n_once() {
    let mut app = App::demo();
    app.press("Tab n");
    let client = match &app.rt.model.screen {
        Screen::NoteForm(f) => f.client.clone(),
        _ => panic!("note form expected"),
    };
    app.type_text("she named the fear at last");
    app.press("Esc y");
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    assert!(app.status().contains("brings it back"), "{}", app.status());
    let kept: Vec<(String, NoteDraft)> = app.rt.store.drafts();
    assert!(kept.iter().any(|(id, d)| client.as_str() == id.as_str() && d.discarded), "kept on disk, marked discarded");
    assert!(!app.screen(80, 24).contains("draft"), "a discarded note is not listed as a draft");

    // Not offered when the app opens again: it was discarded on purpose.
    let mut app = app.restart();
    assert!(app.rt.model.popup.is_none(), "{:?}", app.rt.model.popup);
    app.press("Tab");
    app.rt.model.select_client(client.as_str());
    app.press("n");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!("note form expected") };
    assert_eq!(form.fields[0].text(), "she named the fear at last");
    assert!(app.status().starts_with("Restored the note you discarded"), "{}", app.status());
    app.press("C-s");
    assert!(app.status().starts_with("Note saved"), "{}", app.status());
    assert!(app.rt.store.drafts::<NoteDraft>().is_empty(), "saved: nothing is kept to bring back");
}

#[test]
fn a_ctrl_c_that_comes_with_a_paste_does_not_quit_a_form_with_text() {
    let mut app = App::demo();
    app.press("Tab n");
    app.dispatch(Action::Paste("the first half of the notes".into()));
    app.press("C-c");
    assert!(!app.rt.model.quit, "the Ctrl-C came with the paste");
    assert!(app.status().contains("Not quitting"), "{}", app.status());
    assert!(app.screen(80, 24).contains("the first half of the notes"));
    app.press("C-c");
    assert!(app.rt.model.quit, "Ctrl-C again quits");
    let drafts: Vec<(String, NoteDraft)> = app.rt.store.drafts();
    assert_eq!(drafts[0].1.fields[0], "the first half of the notes", "and the note is kept");

    // Long after a paste, Ctrl-C quits at once.
    let mut app = App::demo();
    app.press("Tab n");
    app.dispatch(Action::Paste("words".into()));
    app.wait_ms(2000);
    app.press("C-c");
    assert!(app.rt.model.quit);
}

#[test]
fn a_note_left_unsaved_is_kept_and_offered_back_after_a_crash() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("grief\nthe funeral");
    app.wait_ms(300);
    assert!(app.rt.store.drafts::<NoteDraft>().is_empty(), "not yet: typing is still going on");
    app.wait_ms(1500);
    let drafts: Vec<(String, NoteDraft)> = app.rt.store.drafts();
    assert_eq!(drafts.len(), 1, "kept within two seconds");
    assert_eq!(drafts[0].1.fields[0], "grief\nthe funeral");

    // The process dies here; the next start offers the note back.
    let mut app = app.restart();
    assert!(matches!(app.rt.model.popup, Some(Popup::Restore { .. })));
    assert!(app.screen(80, 24).contains("was not saved"));
    app.press("Enter");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!("note form expected") };
    assert_eq!(form.fields[0].lines(), ["grief", "the funeral"]);
    app.press("C-s");
    assert!(app.status().starts_with("Note saved"), "{}", app.status());
    assert!(app.rt.store.drafts::<NoteDraft>().is_empty(), "the draft goes once saved");
}

#[test]
fn quitting_mid_note_keeps_it_as_a_draft() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("q is just a letter here");
    app.press("C-c");
    assert!(app.rt.model.quit);
    let drafts: Vec<(String, NoteDraft)> = app.rt.store.drafts();
    assert_eq!(drafts[0].1.fields[0], "q is just a letter here");
}

#[test]
fn a_failed_save_keeps_the_note_and_says_why() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("anxiety");
    // Another program damages the file while the form is open.
    fs::write(app.rt.store.client_path(&rapport::domain::ClientId::new("aisha-khan")), "{ broken").unwrap();
    app.press("C-s");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)), "the form stays open");
    let status = app.status();
    assert!(status.starts_with("Not saved:") && status.contains("aisha-khan.json"), "{status}");
    assert!(status.ends_with("Your note is still here."), "{status}");
    assert_eq!(
        fs::read_to_string(app.rt.store.client_path(&rapport::domain::ClientId::new("aisha-khan"))).unwrap(),
        "{ broken"
    );
}

#[test]
fn an_impossible_time_in_the_note_is_named_and_nothing_saved() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("topic");
    for _ in 0..7 {
        app.press("Tab");
    }
    for _ in 0..16 {
        app.key(KeyCode::Backspace, KeyModifiers::NONE);
    }
    app.type_text("2026-02-30 10:00");
    app.press("C-s");
    assert_eq!(app.status(), "When: 2026-02-30 does not exist in the calendar");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)));
}

#[test]
fn a_huge_paste_lands_in_the_field_whole() {
    let mut app = App::demo();
    app.press("Tab n");
    for _ in 0..6 {
        app.press("Tab");
    }
    let paste = "All work and no play. ".repeat(5000);
    assert!(paste.len() > 100_000);
    app.dispatch(Action::Paste(paste.clone()));
    app.screen(80, 24);
    app.press("C-s");
    let file = app.file("aisha-khan");
    let notes = file["sessions"].as_array().unwrap().last().unwrap()["notes"].as_str().unwrap().to_string();
    assert_eq!(notes, paste.trim_end());
}

#[test]
fn a_task_set_from_the_open_tasks_is_saved_and_shown_selected() {
    let mut app = App::demo();
    app.press("Tab t");
    assert!(matches!(app.rt.model.popup, Some(Popup::Tasks { .. })), "{:?}", app.rt.model.popup);
    let before = app.file("aisha-khan")["tasks"].as_array().map_or(0, Vec::len);
    app.press("a");
    app.type_text("walk to work twice a week");
    assert!(app.screen(80, 24).contains("New task"));
    app.press("Enter");
    assert_eq!(app.status(), format!("Task t{} set: walk to work twice a week.", before + 1));
    let screen = app.screen(80, 24);
    assert!(screen.contains("Open tasks · Aisha Khan") && screen.contains("walk to work twice a week"), "{screen}");
    match &app.rt.model.popup {
        Some(Popup::Tasks { selected, .. }) => {
            let open = app.rt.model.record("aisha-khan").unwrap().open_tasks().count();
            assert_eq!(*selected, open - 1, "the new task is selected");
        }
        other => panic!("{other:?}"),
    }
    let tasks = app.file("aisha-khan")["tasks"].as_array().unwrap().clone();
    assert_eq!(tasks.len(), before + 1);
    assert_eq!(tasks[before]["text"], "walk to work twice a week");
    assert_eq!(tasks[before]["set_on"], "2026-11-26");
    assert!(tasks[before].get("session").is_none());
    // Esc on an empty box goes back to the tasks; Enter on it sets nothing.
    app.press("a Enter");
    assert_eq!(app.status(), "Type the task first, or Esc to cancel.");
    app.press("Esc");
    assert!(matches!(app.rt.model.popup, Some(Popup::Tasks { .. })));
    assert_eq!(app.file("aisha-khan")["tasks"].as_array().unwrap().len(), before + 1);
}

#[test]
fn slash_finds_a_client_by_preferred_name_fuzzily() {
    let mut app = App::demo();
    app.press("Tab /");
    app.type_text("jm");
    let first = app.rt.model.selected_entry().unwrap().name().to_string();
    assert_eq!(first, "James Okafor", "'jm' fuzzily matches Jim");
    app.press("Enter");
    assert!(!app.rt.model.list.filter_typing);
    app.press("Esc");
    assert_eq!(app.rt.model.list.visible.len(), 9, "Esc clears the filter");
}

#[test]
fn marking_a_task_done_in_the_review_saves_the_outcome() {
    let mut app = App::demo();
    // Today opens on the next appointment: James at 10:00.
    app.press("Enter");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)));
    app.press("d");
    app.type_text("went twice");
    app.press("Enter");
    assert!(app.status().contains("marked done"), "{}", app.status());
    let file = app.file("james-okafor");
    let task = file["tasks"].as_array().unwrap().iter().find(|t| t["outcome"] == "went twice").unwrap();
    assert_eq!(task["status"], "done");
    assert!(app.screen(80, 24).contains("+ Done: visit the allotment once: went twice"));
}

#[test]
fn not_done_keeps_the_task_open_with_a_dated_note() {
    let mut app = App::demo();
    app.press("Enter u Enter");
    let file = app.file("james-okafor");
    let open: Vec<_> = file["tasks"].as_array().unwrap().iter().filter(|t| t["status"] == "open").collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["outcome"], "not done yet (26 Nov)");
    let screen = app.screen(120, 40);
    assert!(screen.contains("[t4] visit the allotment once (set 7 days ago) · not done yet (26 Nov)"), "{screen}");
    app.press("Esc Tab");
    app.rt.model.select_client("james-okafor");
    app.press("t");
    let screen = app.screen(120, 40);
    assert!(screen.contains("(set 7 days ago) · not done yet"), "the tasks list says it too:\n{screen}");
}

#[test]
fn tasks_can_be_closed_from_the_client_list() {
    let mut app = App::demo();
    app.press("Tab t");
    assert!(app.screen(80, 24).contains("Open tasks · Aisha Khan"));
    app.press("x");
    app.type_text("not for now");
    app.press("Enter");
    let r = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap();
    assert_eq!(r.open_tasks().count(), 0);
    assert!(r.tasks.iter().any(|t| t.status == TaskStatus::Dropped && t.outcome.as_deref() == Some("not for now")));
}

#[test]
fn a_note_started_from_the_agenda_is_linked_to_the_appointment() {
    let mut app = App::demo();
    app.press("n");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!() };
    assert_eq!(form.appointment, Some(dt("2026-11-26 10:00")));
    app.type_text("grief");
    app.press("C-s");
    // At 09:35 the 10:00 appointment is still ahead: the note's date is asked about.
    let Some(Popup::Confirm { question, .. }) = &app.rt.model.popup else { panic!("asks first") };
    assert!(
        question.starts_with("This note for James Okafor (Jim) is dated Thu 26 Nov 10:00, 25 min ahead."),
        "{question}"
    );
    app.press("y");
    let file = app.file("james-okafor");
    let last = file["sessions"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["at"], "2026-11-26T10:00:00");
    assert_eq!(last["appointment"], "2026-11-26T10:00:00");
    let appointment = file["appointments"].as_array().unwrap().iter().find(|a| a["start"] == "2026-11-26T10:00:00");
    assert_eq!(appointment.unwrap()["note"], last["id"], "the appointment holds its note's id");
}

#[test]
fn booking_moving_and_cancelling_appointments() {
    let mut app = App::demo();
    app.press("Tab Down Down Down s");
    assert!(app.screen(80, 24).contains("Book appointment · Hannah Weiss (Han)"));
    app.press("C-s");
    assert!(app.status().starts_with("Booked 1 appointment (50 min): Fri 25 Dec 11:00"), "{}", app.status());
    assert!(
        app.rt
            .store
            .load(&rapport::domain::ClientId::new("hannah-weiss"))
            .unwrap()
            .appointments
            .iter()
            .any(|a| a.start == dt("2026-12-25 11:00"))
    );

    app.press("Tab");
    assert!(matches!(app.rt.model.screen, Screen::Today));
    app.press("Down c");
    let Some(Popup::Cancel { question, .. }) = &app.rt.model.popup else { panic!("asks which way first") };
    assert_eq!(question, "Priya Raman's appointment on Thu 26 Nov at 11:00 is not held. Which way?");
    let asked = app.screen(80, 24);
    for said in ["c    the client cancelled", "t    you cancelled", "d    did not attend", "Esc  keep it booked"] {
        assert!(asked.contains(said), "{said}: {asked}");
    }
    // Esc keeps it booked.
    app.press("Esc");
    assert!(app.rt.model.popup.is_none());
    let priya = app.rt.store.load(&rapport::domain::ClientId::new("priya-raman")).unwrap();
    assert!(!priya.appointments.iter().find(|a| a.start == dt("2026-11-26 11:00")).unwrap().is_cancelled());
    app.press("c d");
    assert_eq!(app.status(), "The appointment at 2026-11-26 11:00 is marked did not attend.");
    let priya = app.rt.store.load(&rapport::domain::ClientId::new("priya-raman")).unwrap();
    let cancelled = priya.appointments.iter().find(|a| a.start == dt("2026-11-26 11:00")).unwrap();
    assert!(cancelled.is_cancelled(), "a cancelled appointment stays in the record, marked");
    assert_eq!(cancelled.not_held, Some(rapport::domain::NotHeld::DidNotAttend));
    assert!(row(&app.screen(80, 24), "11:00 Priya Raman").contains(" no-show (DNA) "), "{}", app.screen(80, 24));
    app.press("m");
    assert!(app.status().contains("Only a booked appointment"), "{}", app.status());
    // A cancel taken back books the same appointment again.
    app.press("c");
    let Some(Popup::Confirm { question, .. }) = &app.rt.model.popup else { panic!("asks first") };
    assert!(
        question.starts_with("Book Priya Raman's cancelled appointment on Thu 26 Nov at 11:00 again?"),
        "{question}"
    );
    app.press("y");
    let priya = app.rt.store.load(&rapport::domain::ClientId::new("priya-raman")).unwrap();
    let again: Vec<_> = priya.appointments.iter().filter(|a| a.start == dt("2026-11-26 11:00")).collect();
    assert_eq!(again.len(), 1, "one appointment, not a cancelled one and a new one");
    assert!(!again[0].is_cancelled());
    app.press("c t");
    assert!(row(&app.screen(80, 24), "11:00 Priya Raman").contains(" you cancelled "), "{}", app.screen(80, 24));

    app.press("Down m");
    let form = app.screen(80, 24);
    assert!(form.contains("Move appointment") && !form.contains("Weekly repeats"), "moved alone: {form}");
    for _ in 0..5 {
        app.key(KeyCode::Backspace, KeyModifiers::NONE);
    }
    app.type_text("18:30");
    app.press("Enter");
    assert!(app.status().starts_with("Moved to 2026-11-26 18:30"), "{}", app.status());
    // The selection follows the moved appointment, never onto another client.
    let rows = app.rt.model.agenda();
    let selected = &rows[app.rt.model.today.row];
    assert_eq!((selected.client.as_str(), selected.appointment.start), ("tom-becker", dt("2026-11-26 18:30")));
}

#[test]
fn the_preferred_way_to_contact_a_client_is_set_in_the_app_and_shown_in_the_profile() {
    let mut app = App::empty();
    app.press("a");
    app.type_text("Ann Lee");
    for _ in 0..5 {
        app.press("Tab");
    }
    app.type_text("pigeon");
    app.press("C-s");
    assert_eq!(app.status(), "Prefers: 'pigeon' is not text, email, phone or voicemail; leave it empty for none.");
    assert!(matches!(app.rt.model.screen, Screen::ClientForm(_)), "the form stays open");
    for _ in 0..6 {
        app.key(KeyCode::Backspace, KeyModifiers::NONE);
    }
    app.type_text("Voicemail");
    app.press("C-s");
    assert!(app.status().starts_with("Saved Ann Lee"), "{}", app.status());
    assert_eq!(app.file("ann-lee")["client"]["preferred_channel"], "voicemail");
    app.press("p");
    assert!(app.screen(80, 24).lines().nth(2).unwrap().starts_with("prefers voicemail"), "{}", app.screen(80, 24));
    // Editing shows it, and another change keeps it.
    app.press("Esc e");
    match &app.rt.model.screen {
        Screen::ClientForm(f) => assert_eq!(f.fields.value(5), "voicemail"),
        other => panic!("{other:?}"),
    }
    app.press("Tab Tab Tab");
    app.type_text("07700 900123");
    app.press("C-s");
    app.press("p");
    let profile = app.screen(80, 24);
    assert!(profile.contains("prefers voicemail · 07700 900123"), "{profile}");
}

#[test]
fn editing_a_client_someone_else_changed_is_refused() {
    let mut app = App::demo();
    app.press("Tab e");
    app.type_text(" Jr");
    app.rt
        .store
        .update(&rapport::domain::ClientId::new("aisha-khan"), dt(NOW), "test", |r| {
            r.set_profile(ClientProfile { pronouns: Some("they/them".into()), ..r.profile() });
            Ok(())
        })
        .unwrap();
    app.press("C-s");
    assert!(app.status().contains("changed in another window"), "{}", app.status());
    assert_eq!(app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().client.name, "Aisha Khan");
}

#[test]
fn an_unreadable_client_is_shown_and_never_written() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    rapport::demo::write_sample_practice(&store, dt(NOW)).unwrap();
    fs::write(store.client_path(&rapport::domain::ClientId::new("aisha-khan")), "[1, 2").unwrap();
    let mut app = App::open(dir);
    app.press("Tab");
    let screen = app.screen(80, 24);
    assert!(screen.contains("aisha-khan") && screen.contains("unreadable"), "{screen}");
    assert!(screen.contains("could not be read"), "{screen}");
    app.press("n");
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    assert!(app.status().contains("aisha-khan.json"), "{}", app.status());
    assert_eq!(
        fs::read_to_string(app.rt.store.client_path(&rapport::domain::ClientId::new("aisha-khan"))).unwrap(),
        "[1, 2"
    );
}

#[test]
fn a_tiny_window_asks_to_be_bigger_and_keeps_everything() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("kept");
    let tiny = app.screen(20, 5);
    assert!(tiny.contains("Window too small"), "{tiny}");
    assert!(app.screen(80, 24).contains("kept"));
    for (w, h) in [(1, 1), (60, 15), (59, 30), (200, 60)] {
        app.screen(w, h);
    }
}

#[test]
fn help_lists_every_key_of_every_screen() {
    let mut app = App::demo();
    app.press("?");
    assert!(app.rt.model.help.is_some());
    let text: String = rapport::tui::screens::help::lines(&rapport::tui::keymap::TABLE, &Theme { color: false })
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.to_string()).collect::<String>() + "\n")
        .collect();
    for b in bindings() {
        assert!(text.contains(&keys_label(b.keys)) && text.contains(b.describe()), "help lacks {}", b.describe());
    }
    app.press("Esc");
    assert!(app.rt.model.help.is_none());
}

#[test]
fn help_opens_at_the_keys_of_the_screen_it_was_asked_from_and_stops_at_its_end() {
    let mut app = App::demo();
    let first_line = |app: &App| app.screen(80, 24).lines().nth(2).unwrap().to_string();
    app.press("?");
    assert!(first_line(&app).starts_with("│Today "), "{}", app.screen(80, 24));
    app.press("Esc Tab n");
    app.type_text("sleep");
    app.key(KeyCode::F(1), KeyModifiers::NONE);
    assert!(first_line(&app).starts_with("│Session note "), "{}", app.screen(80, 24));
    app.press("Esc");
    assert_eq!(note_field(&app, 0), "sleep", "closing help goes back to the note as it was");
    app.press("Esc y p ?");
    assert!(first_line(&app).starts_with("│Profile "), "{}", app.screen(80, 24));
    // Scrolling stops with the last line at the bottom: one ↑ moves at once.
    for _ in 0..300 {
        app.press("Down");
    }
    let end = app.screen(80, 24);
    assert!(end.lines().nth(20).unwrap().contains("Ctrl-L/F12"), "{end}");
    app.press("Up");
    assert!(app.screen(80, 24).lines().nth(20).unwrap().contains("Ctrl-C"), "{}", app.screen(80, 24));
}

/// The key table in the guide (`docs/using.md`, under Keys) is the key table.
#[test]
fn the_guides_key_table_is_the_key_table() {
    let guide = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/using.md")).unwrap();
    let start = guide.find("<!-- keys:").expect("docs/using.md has a keys section");
    let body_start = guide[start..].find('\n').unwrap() + start + 1;
    let end = guide.find("<!-- /keys -->").expect("docs/using.md's keys section ends");
    // `RAPPORT_BLESS=1 cargo test --test screens -- key_table` writes it anew.
    if std::env::var_os("RAPPORT_BLESS").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/using.md");
        fs::write(path, format!("{}{}{}", &guide[..body_start], markdown(), &guide[end..])).unwrap();
        return;
    }
    assert_eq!(
        &guide[body_start..end],
        markdown(),
        "regenerate the key table of docs/using.md from keymap::markdown()"
    );
}

/// A client whose name, reminder and message are all longer than the room for them.
fn add_max(store: &Store) {
    let profile = ClientProfile {
        name: "Maximilian Alexander Fitzgerald".into(),
        preferred_name: Some("Max".into()),
        ..Default::default()
    };
    let r = store.create_client(profile, dt("2026-11-01 09:00")).unwrap();
    store
        .update(&r.client.id, dt(NOW), "test", |r| {
            // After the others' that day: his row shows his reminder, no double booking.
            r.schedule(dt("2026-11-26 15:00"), 50, 0)?;
            r.add_personal(
                "his daughter's graduation ceremony at the cathedral".into(),
                None,
                true,
                dt(NOW).date(),
                None,
            );
            r.add_contact(
                dt("2026-11-20 08:00"),
                rapport::domain::Channel::Email,
                rapport::domain::Direction::Incoming,
                "wants to talk about moving our sessions to the evenings after the holidays".into(),
            );
            Ok(())
        })
        .unwrap();
}

/// The lines holding Max's name, reminder or messages whose text runs into
/// a panel's right border (or a scrollbar beside it) without `…`: cut silently.
fn cut_without_ellipsis(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|line| ["Max", " ask:", "email", "phone ", "voicemail", "text "].iter().any(|w| line.contains(w)))
        .filter(|line| {
            let line = line.replace("█│", "│").replace("║│", "│");
            let chars: Vec<char> = line.chars().collect();
            chars.windows(2).any(|w| w[1] == '│' && !matches!(w[0], ' ' | '…' | '│' | ']'))
        })
        .map(str::to_string)
        .collect()
}

#[test]
fn a_long_name_shows_the_preferred_name_and_every_cut_text_ends_in_an_ellipsis() {
    let mut app = App::demo_with(add_max);
    let today = app.screen(80, 24);
    assert!(today.contains(" 15:00 Max · Maximilian Alexan… in 5 h 25 min"), "{today}");
    assert!(today.contains("ask: his daughter's graduation…"), "{today}");
    assert!(
        today.contains("│Max · Maximilian Alexan… email 6 days ago: wants to talk about moving our se…█│"),
        "{today}"
    );
    assert_eq!(cut_without_ellipsis(&today), Vec::<String>::new(), "{today}");
    // At 60 columns an awaiting message still says what it is about.
    let narrow = app.screen(60, 18);
    assert!(narrow.contains("│Max · Maximili… email 6 days ago: wants to talk about mo…█│"), "{narrow}");
    assert_eq!(cut_without_ellipsis(&narrow), Vec::<String>::new(), "{narrow}");
    let wide = app.screen(120, 40);
    assert!(wide.contains("Maximilian Alexander Fitzgerald (Max)"), "there is room for all of it: {wide}");

    app.press("Tab");
    while app.rt.model.selected_entry().unwrap().name() != "Maximilian Alexander Fitzgerald" {
        app.press("Down");
    }
    let list = app.screen(80, 24);
    assert!(list.contains("│Max · Maximilian…   "), "{list}");
    assert!(list.contains("│No sessions yet. Press n to write the first…│"), "{list}");
    assert_eq!(cut_without_ellipsis(&list), Vec::<String>::new(), "{list}");
    app.press("p BTab");
    let messages = app.screen(80, 24);
    assert!(
        messages.contains("│email 6 days ago: wants to talk about moving our sessions to… [AWAITING REPLY]│"),
        "{messages}"
    );
    assert_eq!(cut_without_ellipsis(&messages), Vec::<String>::new(), "{messages}");
}

/// Every key the footer of the screen on show lists, whole on one line with its words.
fn footer_keys_whole(app: &App, w: u16, h: u16) {
    let screen = app.screen(w, h);
    for (key, help) in rapport::tui::keymap::footer(app.rt.model.context(), false) {
        let entry = format!("{key} {help}");
        if rapport::fit::width(&entry) <= usize::from(w) {
            assert!(screen.lines().any(|l| l.contains(&entry)), "'{entry}' is split at {w}x{h}:\n{screen}");
        }
    }
}

#[test]
fn footers_wrap_between_whole_keys_and_the_personal_tab_shows_delete() {
    let mut app = App::demo();
    for keys in ["", "Tab", "Enter", "Esc p", "Tab", "Tab", "Tab", "Esc n"] {
        app.press(keys);
        for (w, h) in [(60, 18), (80, 24), (120, 40)] {
            footer_keys_whole(&app, w, h);
        }
    }
    app.press("Esc y p");
    let personal = app.screen(80, 24);
    assert!(personal.contains("Delete remove") && personal.contains("Enter/Space ask / not"), "{personal}");
    assert!(!personal.contains("achieved"), "the goals' keys are on the goals' tab: {personal}");
    app.press("Tab");
    let goals = app.screen(80, 24);
    assert!(goals.contains("d achieved") && goals.contains("x drop") && !goals.contains("Delete"), "{goals}");
}

// ---- Snapshots ------------------------------------------------------------

#[test]
fn snapshot_today() {
    let app = App::demo();
    insta::assert_snapshot!("today_80x24", app.screen(80, 24));
    insta::assert_snapshot!("today_120x40", app.screen(120, 40));
}

#[test]
fn snapshot_clients() {
    let mut app = App::demo();
    app.press("Tab Down");
    insta::assert_snapshot!("clients_80x24", app.screen(80, 24));
    insta::assert_snapshot!("clients_120x40", app.screen(120, 40));
}

#[test]
fn snapshot_review() {
    let mut app = App::demo();
    app.press("Enter");
    insta::assert_snapshot!("review_80x24", app.screen(80, 24));
    insta::assert_snapshot!("review_120x40", app.screen(120, 40));
}

#[test]
fn the_readme_shows_the_review_screen_as_the_snapshot_has_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let snapshot = std::fs::read_to_string(root.join("tests/snapshots/screens__review_80x24.snap")).unwrap();
    // The screen is what follows the snapshot's header (between two `---` lines).
    let screen = snapshot.splitn(3, "---\n").nth(2).expect("an insta snapshot");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let picture = readme.split("```text\n").nth(1).and_then(|rest| rest.split("```").next()).expect("a text block");
    assert!(
        picture.trim_end() == screen.trim_end(),
        "README.md's picture of the review is not the review as tests/snapshots/screens__review_80x24.snap has it: \
         copy the snapshot's screen into the README's ```text block"
    );
}

#[test]
fn snapshot_note_form() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("exam nerves\nsleep");
    app.press("Tab");
    insta::assert_snapshot!("note_form_80x24", app.screen(80, 24));
    insta::assert_snapshot!("note_form_120x40", app.screen(120, 40));
}

#[test]
fn snapshot_client_form_and_welcome() {
    let mut app = App::empty();
    insta::assert_snapshot!("welcome_80x24", app.screen(80, 24));
    app.press("a");
    app.type_text("Maria Lopez");
    insta::assert_snapshot!("client_form_80x24", app.screen(80, 24));
    insta::assert_snapshot!("client_form_120x40", app.screen(120, 40));
}

#[test]
fn snapshot_help() {
    let mut app = App::demo();
    app.press("?");
    insta::assert_snapshot!("help_80x24", app.screen(80, 24));
    insta::assert_snapshot!("help_120x40", app.screen(120, 40));
}

#[test]
fn the_profile_adds_and_flips_what_the_review_shows() {
    let mut app = App::demo();
    app.press("Tab p");
    assert!(app.screen(80, 24).contains("Profile · Aisha Khan"));
    app.press("a");
    app.type_text("sister's wedding 2026-12-05");
    app.press("Enter");
    assert_eq!(app.status(), "Noted p4; flagged to ask about.");
    app.press("Tab a");
    app.type_text("finish the dissertation");
    app.press("Enter");
    app.press("Down Enter");
    assert_eq!(app.status(), "Goal g2: the client agreed.");
    app.press("Tab a");
    app.type_text("exam results are a sore point");
    app.press("Enter");
    app.press("Tab");
    app.press("Enter");
    assert_eq!(app.status(), "Aisha Khan's message c2 marked as replied.");
    app.press("a");
    app.type_text("pigeon: hello");
    app.press("Enter");
    assert!(app.status().starts_with("Start with text:"), "{}", app.status());
    app.press("Esc");
    assert!(matches!(app.rt.model.popup, Some(Popup::Discard { .. })), "Esc asks before throwing typed text away");
    app.press("y");
    insta::assert_snapshot!("profile_80x24", app.screen(80, 24));

    let r = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap();
    assert_eq!(r.personal.last().unwrap().date, chrono::NaiveDate::from_ymd_opt(2026, 12, 5));
    assert!(r.goals.iter().any(|g| g.text == "finish the dissertation" && g.agreed));
    assert!(r.watch_for.iter().any(|w| w.text == "exam results are a sore point"));
    assert!(r.contacts.iter().all(|c| !c.awaits_reply()));
    app.press("Esc");
    app.press("r");
    let review = app.screen(100, 40);
    assert!(review.contains("Ask about: sister's wedding (Sat 5 Dec)"), "{review}");
    assert!(review.contains("exam results are a sore point"), "{review}");
}

#[test]
fn a_conflict_from_two_devices_stands_under_a_heading_that_fits_the_reviews_label_column() {
    let mut app = App::demo_with(|store| {
        store
            .update(&rapport::domain::ClientId::new("james-okafor"), dt(NOW), "test", |r| {
                r.conflicts.push(Conflict {
                    found: dt(NOW),
                    kind: ConflictKind::Edit,
                    part: rapport::domain::RecordPart::Client,
                    item: String::new(),
                    field: "pronouns".into(),
                    kept: "he/him".into(),
                    other: "they/them".into(),
                });
                Ok(())
            })
            .unwrap();
    });
    // Today opens on the next appointment: James at 10:00.
    app.press("Enter");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)));
    let mut seen = String::new();
    for _ in 0..6 {
        seen = app.screen(80, 24);
        if seen.contains("Two devices") {
            break;
        }
        app.press("PgDn");
    }
    let line = seen.lines().find(|l| l.starts_with("Two devices")).unwrap_or_else(|| panic!("{seen}"));
    assert!(
        line.starts_with("Two devices    ! the client's details, pronouns: changed on both devices;"),
        "the heading stays in its column, apart from its text: {line}"
    );
    assert!(seen.contains("him\" is in place; the other value was \"they/them\""), "{seen}");
    // c opens the box, whose hint names the table's keys; o settles it with the other value.
    app.press("c");
    let settling = app.screen(80, 24);
    assert!(settling.contains("From two devices · 1 of 1"), "{settling}");
    assert!(settling.contains("k keeps the value in place; o puts the other value in its place."), "{settling}");
    app.press("o");
    assert!(app.rt.model.popup.is_none());
    let record = app.rt.model.record("james-okafor").expect("the review keeps James loaded");
    assert!(record.conflicts.is_empty(), "settled: {:?}", record.conflicts);
    assert_eq!(record.client.pronouns.as_deref(), Some("they/them"));
}

#[test]
fn ctrl_f_searches_every_note_and_enter_opens_the_session() {
    let mut app = App::demo();
    app.press("C-f");
    assert!(matches!(app.rt.model.screen, Screen::Search(_)));
    app.type_text("leeks");
    let screen = app.screen(80, 24);
    assert!(screen.contains("James Okafor (Jim)") && screen.contains("leeks"), "{screen}");
    insta::assert_snapshot!("search_80x24", screen);
    app.press("Enter");
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    assert_eq!(app.rt.model.selected_entry().unwrap().id, rapport::domain::ClientId::new("james-okafor"));
    let screen = app.screen(80, 24);
    assert!(screen.contains("grows leeks on his father's allotment"), "the session with the match is open: {screen}");
    app.press("C-f");
    app.type_text("?!");
    assert!(app.screen(80, 24).contains("Type a word to search for"));
}

#[test]
fn a_search_line_no_client_file_holds_shows_no_hit_in_the_app() {
    let mut app = App::demo_with(|store| {
        store.index().unwrap();
        let recent = store.root().join("index/search-recent.tsv");
        let mut lines = fs::read_to_string(&recent).unwrap_or_default();
        lines.push_str("james-okafor\ts1\t2026-11-25\tsuicidal plan disclosed\n");
        fs::write(&recent, lines).unwrap();
    });
    app.press("C-f");
    app.type_text("suicidal");
    let screen = app.screen(80, 24);
    assert!(screen.contains("Results (0)") && screen.contains("Nothing in the notes for 'suicidal'."), "{screen}");
    assert!(!screen.contains("James Okafor"), "{screen}");
}

#[test]
fn search_results_past_the_window_are_made_ready_as_the_therapist_moves_down() {
    let mut app = App::demo();
    app.press("C-f");
    app.type_text("the");
    let found = |app: &App| match &app.rt.model.screen {
        Screen::Search(v) => match &v.results {
            Some((_, Ok(f))) => (f.hits.len(), f.total, v.selected),
            _ => panic!("results"),
        },
        _ => panic!("the search screen"),
    };
    let (shown, total, _) = found(&app);
    assert_eq!(shown, 9, "what an 80x24 window shows, snippets and all");
    assert!(total > shown, "{total}");
    for _ in 1..shown {
        app.press("Down");
    }
    assert_eq!(found(&app), (shown, total, shown - 1));
    app.press("Down");
    let (more, _, selected) = found(&app);
    assert!(more > shown, "the next results came");
    assert_eq!(selected, shown, "and the next one is selected");
    assert!(app.screen(80, 24).contains(&format!("Results ({more} newest of {total})")), "{}", app.screen(80, 24));
}

#[test]
fn a_fresh_note_can_be_edited_then_finalised_then_only_corrected_by_addendum() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("exam nerves");
    app.press("C-s");
    app.press("Enter");
    assert!(app.screen(80, 24).contains("Editable until 27 Nov 09:35"), "{}", app.screen(80, 24));
    app.press("e");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!("edit opens the note form") };
    assert_eq!(form.editing.as_ref().map(|s| s.as_str()), Some("s14"));
    assert_eq!(form.fields[0].lines(), ["exam nerves"]);
    app.key(KeyCode::End, KeyModifiers::NONE);
    app.type_text(" and sleep");
    app.press("C-s");
    assert_eq!(app.status(), "Note saved for Aisha Khan (s14).");
    let r = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap();
    assert_eq!(r.sessions.iter().filter(|s| s.id.as_str() == "s14").count(), 1, "edited in place, not added");
    assert_eq!(r.session(&rapport::domain::SessionId::new("s14")).unwrap().topics, vec!["exam nerves and sleep"]);

    app.press("Enter f");
    assert!(matches!(app.rt.model.popup, Some(Popup::Confirm { .. })));
    app.press("y");
    assert!(app.status().starts_with("Note s14 finalised"), "{}", app.status());
    app.press("e");
    assert!(app.status().contains("is final and cannot be changed"), "{}", app.status());
    app.press("+");
    app.type_text("Also talked about her brother.");
    app.press("Enter");
    assert_eq!(app.status(), "Addendum added to note s14.");
    let screen = app.screen(100, 40);
    assert!(screen.contains("Final since 26 Nov 09:35") && screen.contains("Addenda"), "{screen}");
    assert!(screen.contains("2026-11-26 09:35: Also talked about her brother."), "{screen}");
    let r = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap();
    assert!(r.verify().is_empty());
}

#[test]
fn pgdn_in_the_note_pane_stops_at_the_notes_last_line() {
    let mut app = App::demo();
    app.press("Tab Enter");
    let first = app.screen(80, 24);
    for _ in 0..5 {
        app.press("PgDn");
        app.screen(80, 24);
    }
    let end = app.screen(80, 24);
    let scroll = app.rt.model.list.scroll;
    assert!(scroll > 0 && scroll < 5 * 10, "it scrolled, and stopped: {scroll}");
    // The row above the pane's bottom border holds the note's last line, not blank space.
    let rows: Vec<&str> = end.lines().collect();
    let bottom = rows.iter().rposition(|l| l.contains("╰")).unwrap();
    let last_row: String = rows[bottom - 1].chars().skip(35).collect();
    assert!(last_row.trim_matches(|c| c == '│' || c == ' ').len() > 3, "{end}");
    assert_ne!(first, end);
    app.press("PgDn");
    assert_eq!(app.rt.model.list.scroll, scroll, "no further");
    app.press("PgUp");
    assert_eq!(app.rt.model.list.scroll, scroll.saturating_sub(10), "PgUp moves at once");
}

#[test]
fn notes_past_their_editing_period_are_final() {
    let mut app = App::demo();
    app.press("Tab Enter");
    assert!(app.screen(80, 24).contains("Final since"), "the demo's older notes sealed themselves");
    app.press("e");
    assert!(app.status().contains("is final"), "{}", app.status());
}

#[test]
fn a_change_made_elsewhere_is_noticed_and_shown() {
    let mut app = App::demo();
    app.press("Tab");
    app.wait_ms(2500);
    assert_eq!(app.status(), "", "our own start is not a change");
    // Another window adds a note to the client on screen.
    let other = Store::open(app.rt.store.root()).unwrap();
    other
        .update(&rapport::domain::ClientId::new("aisha-khan"), dt(NOW), "test", |r| {
            r.add_session(
                rapport::domain::NewSession { topics: vec!["from the other window".into()], ..Default::default() },
                dt(NOW),
            )
        })
        .unwrap();
    app.wait_ms(2500);
    assert!(app.status().starts_with("Aisha Khan's file changed on disk"), "{}", app.status());
    assert!(app.screen(80, 24).contains("from the other window"));
    // Our own save is not reported as someone else's.
    app.press("n");
    app.type_text("ours");
    app.press("C-s");
    app.wait_ms(2500);
    assert_eq!(app.status(), "Note saved for Aisha Khan (s15).");
}

#[test]
fn ctrl_l_hides_everything_at_once_and_any_key_brings_it_back() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("very private words");
    app.press("C-l");
    let hidden = app.screen(80, 24);
    assert!(hidden.contains("Rapport"), "{hidden}");
    for secret in ["private", "Aisha", "Khan", "Today", "New note"] {
        assert!(!hidden.contains(secret), "{secret} shows while hidden:\n{hidden}");
    }
    insta::assert_snapshot!("blank_80x24", hidden);
    app.press("x");
    let back = app.screen(80, 24);
    assert!(back.contains("very private words"), "the key only brings the screen back: {back}");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!() };
    assert_eq!(form.fields[0].lines(), ["very private words"]);
}

#[test]
fn the_screen_hides_itself_when_left_idle_if_asked() {
    let mut app = App::demo();
    app.rt.model.blank_after_minutes = Some(5);
    app.wait_ms(4 * 60 * 1000);
    assert!(!app.rt.model.blanked);
    app.wait_ms(61 * 1000);
    assert!(app.rt.model.blanked);
}

#[test]
fn x_exports_the_record_and_archived_clients_can_be_shown() {
    let mut app = App::demo();
    app.press("Tab x");
    let status = app.status();
    assert!(status.starts_with("Exported the whole record to "), "{status}");
    let path = status.trim_start_matches("Exported the whole record to ");
    assert!(fs::read_to_string(path).unwrap().starts_with("# Client record: Aisha Khan"));
    app.rt
        .store
        .update(&rapport::domain::ClientId::new("tom-becker"), dt(NOW), "test", |r| {
            r.client.archived = true;
            Ok(())
        })
        .unwrap();
    app.wait_ms(2500);
    let listed = |app: &App| {
        app.rt
            .model
            .list
            .visible
            .iter()
            .any(|&i| app.rt.model.roster.clients[i].id == rapport::domain::ClientId::new("tom-becker"))
    };
    assert!(!listed(&app), "archived clients leave the list");
    app.press("A");
    assert!(listed(&app));
    assert!(app.status().starts_with("Showing 1 archived client too"), "{}", app.status());
}

#[test]
fn snapshot_appointment_profile_and_search_at_both_sizes() {
    let mut app = App::demo();
    app.press("Tab s");
    insta::assert_snapshot!("appointment_80x24", app.screen(80, 24));
    insta::assert_snapshot!("appointment_120x40", app.screen(120, 40));
    app.press("Esc p");
    insta::assert_snapshot!("profile_120x40", app.screen(120, 40));
    app.press("Esc C-f");
    app.type_text("allotment");
    insta::assert_snapshot!("search_120x40", app.screen(120, 40));
}

#[test]
fn an_outdated_personal_detail_can_be_removed_after_asking() {
    let mut app = App::demo();
    app.press("Tab p");
    let before = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().personal.len();
    app.key(KeyCode::Delete, KeyModifiers::NONE);
    assert!(matches!(app.rt.model.popup, Some(Popup::Confirm { .. })));
    app.press("n");
    assert_eq!(app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().personal.len(), before);
    app.key(KeyCode::Delete, KeyModifiers::NONE);
    let Some(Popup::Confirm { question, .. }) = &app.rt.model.popup else { panic!("asks first") };
    assert_eq!(question, "Remove \"final-year biology student\" from Personal? y removes it, n keeps it.");
    assert!(app.screen(80, 24).contains("final-year biology student"), "the question names the item");
    app.press("y");
    assert_eq!(app.status(), "Removed \"final-year biology student\" from Personal.");
    let r = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap();
    assert_eq!(r.personal.len(), before - 1);
    assert!(!r.personal.iter().any(|p| p.text == "final-year biology student"));
    app.press("Tab");
    app.key(KeyCode::Delete, KeyModifiers::NONE);
    assert!(app.status().starts_with("Goals are not removed"), "{}", app.status());
}

#[test]
fn a_personal_detail_is_changed_in_place_and_an_impossible_date_is_named() {
    let mut app = App::demo();
    app.press("Tab p");
    let before = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().personal[0].clone();
    app.press("e");
    assert!(app.screen(80, 24).contains(&format!("Change {} in Personal", before.id)));
    match &app.rt.model.popup {
        Some(Popup::AddItem { input, .. }) => assert_eq!(input.text(), before.text, "the box holds its words"),
        other => panic!("{other:?}"),
    }
    app.press("Esc");
    assert!(app.rt.model.popup.is_none(), "nothing changed: Esc just closes");
    app.press("e");
    app.type_text(", exam 2026-02-30");
    app.press("Enter");
    assert_eq!(
        app.status(),
        "2026-02-30 does not exist in the calendar: write a real date as YYYY-MM-DD, or leave it out."
    );
    assert!(matches!(app.rt.model.popup, Some(Popup::AddItem { .. })), "the box stays open with its text");
    for _ in 0..2 {
        app.key(KeyCode::Backspace, KeyModifiers::NONE);
    }
    app.type_text("27");
    app.press("Enter");
    assert_eq!(app.status(), format!("Changed {} in Personal.", before.id));
    let after = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().personal[0].clone();
    assert_eq!(after.text, format!("{}, exam", before.text));
    assert_eq!(after.date, chrono::NaiveDate::from_ymd_opt(2026, 2, 27));
    assert_eq!((after.id, after.ask, after.noted_on), (before.id, before.ask, before.noted_on));
    let audit = fs::read_to_string(app.rt.store.root().join("audit.log")).unwrap();
    assert!(audit.lines().last().unwrap().contains("profile changed"), "{audit}");

    // In the note form too, the date that does not exist is named, and nothing is saved.
    app.press("Esc n Tab Tab Tab");
    app.type_text("exam 2026-02-30");
    app.press("C-s");
    assert_eq!(
        app.status(),
        "Personal details: 2026-02-30 does not exist in the calendar: write a real date as YYYY-MM-DD, or leave it out."
    );
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)));
}

#[test]
fn a_reply_is_marked_from_today_and_one_marked_by_mistake_is_taken_back() {
    let mut app = App::demo();
    let priya = |app: &App| {
        let r = app.rt.store.load(&rapport::domain::ClientId::new("priya-raman")).unwrap();
        r.contacts.iter().find(|c| c.summary.contains("burnout")).unwrap().clone()
    };
    app.press("w");
    let screen = app.screen(80, 24);
    assert!(screen.contains("r replied") && screen.contains("Enter open"), "{screen}");
    assert!(screen.contains("Awaiting reply (4)"), "{screen}");
    // Enter opens the client's messages with this one selected; Enter there flips it both ways.
    app.press("Enter");
    assert!(
        matches!(&app.rt.model.screen, Screen::Profile(v) if v.client == rapport::domain::ClientId::new("priya-raman"))
    );
    assert!(app.screen(80, 24).contains("Enter/Space replied / not"));
    app.press("Enter");
    let id = priya(&app).id;
    assert_eq!(app.status(), format!("Priya Raman's message {id} marked as replied."));
    assert!(priya(&app).replied_at.is_some());
    app.press("Enter");
    assert_eq!(app.status(), format!("Priya Raman's message {id} awaits a reply again."), "Enter takes a reply back");
    assert!(priya(&app).replied_at.is_none());

    // Back on Today's list, where Enter left it: one key marks it replied.
    app.press("Esc");
    assert_eq!(app.rt.model.context(), rapport::tui::keymap::Context::TodayMessages);
    app.press("r");
    assert_eq!(app.status(), format!("Priya Raman's message {id} marked as replied."));
    assert!(priya(&app).replied_at.is_some());
    let screen = app.screen(80, 24);
    assert!(screen.contains("Awaiting reply (3)") && !screen.contains("burnout"), "{screen}");
    // Up from the first message goes back to the appointments; Down past the last comes back.
    app.press("Up");
    assert_eq!(app.rt.model.context(), rapport::tui::keymap::Context::Today);
    for _ in 0..app.rt.model.agenda().len() {
        app.press("Down");
    }
    assert_eq!(app.rt.model.context(), rapport::tui::keymap::Context::TodayMessages);
    app.press("r r r");
    assert!(app.screen(80, 24).contains("No messages awaiting a reply."));
    assert_eq!(app.rt.model.context(), rapport::tui::keymap::Context::Today, "none left: back to the appointments");
}

// ---- Hostile input ----------------------------------------------------------

#[test]
fn a_name_and_a_note_holding_escape_sequences_are_shown_visibly_never_sent_raw() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let name = "Eve \u{1b}]0;pwned\u{7}\u{1b}[2JEvil";
    let r =
        store.create_client(ClientProfile { name: name.into(), ..Default::default() }, dt("2026-11-20 09:00")).unwrap();
    let now = dt("2026-11-25 10:00");
    store
        .update(&r.client.id, now, "note added", |r| {
            r.add_session(
                rapport::domain::NewSession {
                    topics: vec!["clipboard \u{1b}]52;c;cm0gLXJmIH4=\u{7} here".into()],
                    notes: "a C1 \u{9b}31m CSI and a bidi \u{202e}override".into(),
                    ..Default::default()
                },
                now,
            )
        })
        .unwrap();
    let mut app = App::open(dir);
    app.press("Tab");
    let screen = app.screen(80, 24);
    assert!(screen.contains("Eve ␛]0;pwned␇␛[2JEvil"), "{screen}");
    assert!(screen.contains("␛]52;c;cm0gLXJmIH4=␇"), "{screen}");
    assert!(!screen.chars().any(|c| c.is_control() && c != '\n'), "{screen:?}");
    insta::assert_snapshot!("hostile_clients_80x24", screen);
}

#[test]
fn a_paste_over_the_field_limit_is_refused_and_what_was_typed_is_kept() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("what she said about the move");
    app.dispatch(Action::Paste("x".repeat(300 * 1024)));
    assert!(app.status().contains("Nothing was pasted: that text is 300 KiB"), "{}", app.status());
    let screen = app.screen(80, 24);
    assert!(screen.contains("what she said about the move"), "{screen}");
    assert!(!screen.contains("xxxxxxxxxx"), "{screen}");
}

// ---- Every input path keeps what was typed ---------------------------------

fn note_field(app: &App, i: usize) -> String {
    match &app.rt.model.screen {
        Screen::NoteForm(f) => f.fields[i].text(),
        other => panic!("not on the note form: {other:?}"),
    }
}

#[test]
fn ctrl_j_is_a_new_line_in_a_note_and_nothing_in_a_one_line_field() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("sleep");
    app.press("C-j");
    app.type_text("work");
    assert_eq!(note_field(&app, 0), "sleep\nwork", "Ctrl-J used to wipe the field");
    app.press("Esc y a");
    app.type_text("Ann");
    app.press("C-j");
    app.type_text(" Lee");
    match &app.rt.model.screen {
        Screen::ClientForm(f) => assert_eq!(f.fields.value(0), "Ann Lee"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_multi_line_paste_keeps_its_lines_in_a_note_and_is_never_run_as_keys() {
    let mut app = App::demo();
    app.press("Tab n");
    app.dispatch(Action::Paste("first paragraph\n\nq\nx\nlast paragraph".into()));
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)) && app.rt.model.popup.is_none() && !app.rt.model.quit);
    assert_eq!(note_field(&app, 0), "first paragraph\n\nq\nx\nlast paragraph");

    // In a one-line field the lines are joined with spaces.
    app.press("Esc y a");
    app.dispatch(Action::Paste("Ann\r\nLee".into()));
    match &app.rt.model.screen {
        Screen::ClientForm(f) => assert_eq!(f.fields.value(0), "Ann Lee"),
        other => panic!("{other:?}"),
    }
    // In a task's outcome box: joined, and no line becomes a command.
    app.press("Esc y Tab Enter");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)), "{:?}", app.rt.model.screen);
    app.press("d");
    app.dispatch(Action::Paste("went well\nx\nq".into()));
    match &app.rt.model.popup {
        Some(Popup::Outcome { input, .. }) => assert_eq!(input.text(), "went well x q"),
        other => panic!("{other:?}"),
    }
    // In the search line.
    app.press("Esc y Esc Tab C-f");
    app.dispatch(Action::Paste("sleep\ndiary".into()));
    match &app.rt.model.screen {
        Screen::Search(v) => assert_eq!(v.query(), "sleep diary"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn esc_on_any_form_or_box_with_typed_text_asks_in_the_same_words() {
    let mut app = App::demo();
    // The new-client form, then the edit form.
    app.press("Tab a");
    app.type_text("Ann Lee");
    app.press("Esc");
    assert!(app.screen(80, 24).contains("Discard what you typed? y discards it, n keeps it."));
    app.press("n");
    assert!(matches!(app.rt.model.screen, Screen::ClientForm(_)) && app.screen(80, 24).contains("Ann Lee"));
    app.press("Esc y");
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    app.press("e Esc");
    assert!(matches!(app.rt.model.screen, Screen::Clients), "nothing typed: Esc just leaves");
    app.press("e");
    app.type_text("x");
    app.press("Esc");
    assert!(matches!(app.rt.model.popup, Some(Popup::Discard { .. })));
    app.press("y");
    // The appointment form.
    app.press("s");
    app.type_text("9");
    app.press("Esc");
    assert!(matches!(app.rt.model.popup, Some(Popup::Discard { .. })));
    app.press("y");
    // A box: the profile's add line; n goes back to it with its text.
    app.press("p a");
    app.type_text("loves chess");
    app.press("Esc");
    assert!(app.screen(80, 24).contains("Discard what you typed?"));
    app.press("n");
    match &app.rt.model.popup {
        Some(Popup::AddItem { input, .. }) => assert_eq!(input.text(), "loves chess"),
        other => panic!("{other:?}"),
    }
    app.press("Esc y");
    assert!(app.rt.model.popup.is_none() && matches!(app.rt.model.screen, Screen::Profile(_)));
}

#[test]
fn while_the_window_is_too_small_no_key_but_ctrl_c_acts() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("her mother's illness");
    app.dispatch(Action::Resized(40, 10));
    assert!(app.screen(40, 10).contains("Window too small"));
    app.press("Esc y q Tab");
    app.dispatch(Action::Paste("typed blind".into()));
    app.dispatch(Action::Resized(80, 24));
    assert!(app.rt.model.popup.is_none() && !app.rt.model.quit);
    assert_eq!(note_field(&app, 0), "her mother's illness", "nothing was discarded or typed blind");
    app.dispatch(Action::Resized(40, 10));
    app.press("C-c");
    assert!(app.rt.model.quit, "Ctrl-C still quits (the note is kept as a draft)");
}

#[test]
fn the_tasks_popup_scrolls_to_the_thirtieth_task() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let r = store.create_client(ClientProfile { name: "Tara Tasks".into(), ..Default::default() }, dt(NOW)).unwrap();
    let tasks: Vec<String> = (1..=30).map(|i| format!("homework number {i}")).collect();
    store
        .update(&r.client.id, dt(NOW), "note added", |r| {
            r.add_session(rapport::domain::NewSession { tasks, ..Default::default() }, dt("2026-11-20 10:00"))
        })
        .unwrap();
    let mut app = App::open(dir);
    app.press("Tab t");
    for _ in 0..29 {
        app.press("Down");
    }
    let screen = app.screen(80, 24);
    assert!(screen.contains("homework number 30"), "{screen}");
    app.press("d");
    assert!(matches!(&app.rt.model.popup, Some(Popup::Outcome { task, .. }) if task.as_str() == "t30"));
}

#[test]
fn enter_pressed_before_the_results_come_back_opens_the_first_when_they_do() {
    use rapport::tui::update::update;
    let mut app = App::demo();
    app.press("Tab C-f");
    // Typed, and Enter pressed at once: the search is still on its way.
    let mut pending = Vec::new();
    for c in "sleep".chars() {
        let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
        let action = action_for(app.rt.model.context(), &key).unwrap();
        pending = update(&mut app.rt.model, action);
    }
    update(&mut app.rt.model, Action::Open);
    assert!(matches!(app.rt.model.screen, Screen::Search(_)), "nothing to open yet");
    // The search comes back: its first hit opens.
    for effect in pending {
        let result = rapport::tui::effects::run(&app.rt.store, effect, app.rt.model.now).unwrap();
        app.dispatch(result);
    }
    assert!(matches!(app.rt.model.screen, Screen::Clients), "{:?}", app.rt.model.screen);
    assert!(app.rt.model.list.sessions_focus);
}

#[test]
fn a_note_saved_in_a_second_window_leaves_the_first_windows_unsaved_note_kept() {
    let mut one = App::demo();
    one.press("Tab n");
    one.type_text("grief, and the letter she read out");
    one.wait_ms(1500);
    let kept: Vec<(String, NoteDraft)> = one.rt.store.drafts();
    assert_eq!(kept.len(), 1, "window one kept its note");
    let client = kept[0].0.clone();
    // A second window on the same practice writes and saves a note for the same client.
    let store = Store::open(one._dir.path()).unwrap();
    let mut two = Runtime::open(store, dt(NOW), Theme { color: false }).unwrap();
    two.dispatch(Action::Tick(dt(NOW)));
    two.dispatch(Action::Back); // the offer of window one's draft: decide later
    two.model.select_client(&client);
    two.dispatch(Action::SwitchTab);
    two.model.select_client(&client);
    two.dispatch(Action::NewNote);
    match &two.model.screen {
        Screen::NoteForm(f) => assert!(f.fields[0].is_blank(), "window one's note is its own, not offered here"),
        other => panic!("{other:?}"),
    }
    two.dispatch(Action::Paste("a quick note from the other window".into()));
    two.dispatch(Action::Save);
    assert!(two.model.status.as_ref().is_some_and(|s| s.text.contains("Note saved")), "{:?}", two.model.status);
    let still: Vec<(String, NoteDraft)> = one.rt.store.drafts();
    assert_eq!(still.len(), 1, "window one's unsaved note is still kept");
    assert!(still[0].1.fields[0].contains("the letter she read out"));
    // Window one dies: its note is offered to the next window that opens.
    let App { rt, _dir } = one;
    drop(rt);
    let three = Runtime::open(Store::open(_dir.path()).unwrap(), dt(NOW), Theme { color: false }).unwrap();
    assert!(matches!(three.model.popup, Some(Popup::Restore { .. })));
}

#[test]
fn editing_a_note_says_what_it_already_set_so_nothing_is_typed_twice() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("sleep");
    app.press("Tab Tab");
    app.type_text("walk daily 20 min");
    app.press("C-s");
    assert!(app.status().starts_with("Note saved"), "{}", app.status());
    app.press("Enter e");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)), "{:?}", app.rt.model.screen);
    app.press("Tab Tab");
    let screen = app.screen(120, 40);
    assert!(screen.contains("already set, and kept: walk daily 20 min"), "{screen}");
    app.press("C-s");
    let id = app.rt.model.selected_entry().unwrap().id.clone();
    let tasks = app.file(id.as_str())["tasks"]
        .as_array()
        .map_or(0, |t| t.iter().filter(|t| t["text"] == "walk daily 20 min").count());
    assert!(tasks <= 1, "no task was set twice");
}

// ---- The daily loop ----------------------------------------------------------

/// The line of `screen` that holds `start`.
fn row<'a>(screen: &'a str, start: &str) -> &'a str {
    screen.lines().find(|l| l.contains(start)).unwrap_or_else(|| panic!("no row {start}:\n{screen}"))
}

#[test]
fn today_opens_on_the_next_appointment_counts_notes_due_and_reaches_day_seven() {
    let mut app = App::demo();
    let rows = app.rt.model.agenda();
    let selected = &rows[app.rt.model.today.row];
    assert_eq!((selected.client.as_str(), selected.appointment.start), ("james-okafor", dt("2026-11-26 10:00")));
    let screen = app.screen(80, 24);
    assert!(screen.contains("today and the next 7 days · 1 note due"), "{screen}");
    assert!(row(&screen, "08:00 Maria López (Mari)").contains(" note due "), "{screen}");
    assert!(app.screen(120, 40).contains("Thu 3 Dec"), "day 7 is shown");
    // Enter at once reviews it.
    app.press("Enter");
    assert!(app.screen(80, 24).contains("Review · James Okafor (Jim)"));
}

#[test]
fn a_note_for_the_appointment_just_held_is_linked_from_wherever_it_is_started() {
    // Maria's 08:00 session has ended without a note: from the client list,
    // `n` starts the note for it, at its time.
    let mut app = App::demo();
    app.press("Tab");
    app.rt.model.select_client("maria-lopez");
    app.press("n");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!("note form expected") };
    assert_eq!(form.appointment, Some(dt("2026-11-26 08:00")));
    assert!(app.screen(80, 24).contains("for Thu 26 Nov 08:00"));
    app.type_text("breathing");
    app.press("C-s");
    assert!(app.status().starts_with("Note saved"), "{}", app.status());
    app.press("Tab");
    let screen = app.screen(80, 24);
    assert!(row(&screen, "08:00 Maria López (Mari)").contains(" noted "), "{screen}");
    assert!(!screen.contains("note due"), "{screen}");
}

#[test]
fn ctrl_s_on_an_empty_note_says_so_and_saves_nothing() {
    let mut app = App::demo();
    app.press("Tab n");
    let before = app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().sessions.len();
    app.press("C-s");
    assert!(app.status().starts_with("The note is empty"), "{}", app.status());
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)));
    assert_eq!(app.rt.store.load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().sessions.len(), before);
}

#[test]
fn two_windows_offered_the_same_kept_note_restore_it_once() {
    let mut one = App::demo();
    one.press("Tab n");
    one.type_text("the letter she read out");
    one.wait_ms(1500);
    let App { rt, _dir } = one;
    drop(rt); // the window dies with its note kept
    let before =
        Store::open(_dir.path()).unwrap().load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().sessions.len();
    let open = || {
        let mut w = Runtime::open(Store::open(_dir.path()).unwrap(), dt(NOW), Theme { color: false }).unwrap();
        w.dispatch(Action::Tick(dt(NOW)));
        assert!(matches!(w.model.popup, Some(Popup::Restore { .. })), "both windows are offered the note");
        w
    };
    let (mut a, mut b) = (open(), open());
    a.dispatch(Action::Open);
    let Screen::NoteForm(form) = &a.model.screen else { panic!("window a restores it") };
    assert_eq!(form.fields[0].lines(), ["the letter she read out"]);
    b.dispatch(Action::Open);
    assert!(!matches!(b.model.screen, Screen::NoteForm(_)), "window b does not restore it too");
    let said = b.model.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("open in another Rapport window"), "{said}");
    assert!(!b.model.drafts.contains_key("aisha-khan"), "b no longer offers it");
    a.dispatch(Action::Save);
    let after =
        Store::open(_dir.path()).unwrap().load(&rapport::domain::ClientId::new("aisha-khan")).unwrap().sessions.len();
    assert_eq!(after, before + 1, "one note, not two");
}

#[test]
fn the_tasks_list_with_thirty_open_tasks_scrolls_to_the_last_and_shows_a_scrollbar() {
    let mut app = App::demo_with(|store| {
        let now = dt("2026-11-20 10:00");
        let tasks: Vec<String> = (1..=30).map(|n| format!("step {n} of the ladder")).collect();
        let note = rapport::domain::NewSession { tasks, ..Default::default() };
        store
            .update(&rapport::domain::ClientId::new("tom-becker"), now, "note added", |r| r.add_session(note, now))
            .unwrap();
    });
    app.press("Tab");
    app.rt.model.select_client("tom-becker");
    app.press("t");
    let first = app.screen(80, 24);
    assert!(first.contains("step 1 of the ladder") && !first.contains("step 30 of"), "{first}");
    assert!(first.contains('█'), "a scrollbar says there is more: {first}");
    for _ in 0..40 {
        app.press("Down");
    }
    let last = app.screen(80, 24);
    assert!(last.contains("step 30 of the ladder"), "{last}");
    app.press("d");
    assert!(app.screen(80, 24).contains("step 30 of the ladder"), "the last one is the one acted on");
}

#[test]
fn booking_in_the_past_or_over_another_clients_appointment_warns_in_the_app() {
    let mut app = App::demo();
    app.press("Tab");
    app.rt.model.select_client("hannah-weiss");
    let book = |app: &mut App, when: &str| {
        app.press("s");
        for _ in 0..16 {
            app.key(KeyCode::Backspace, KeyModifiers::NONE);
        }
        app.type_text(when);
        app.press("C-s");
        app.status()
    };
    let over = book(&mut app, "2026-11-26 11:15");
    // The same warnings as the CLI's, from the same use case: every overlap.
    assert!(over.contains("Note: this overlaps Priya Raman's appointment at 2026-11-26 11:00."), "{over}");
    assert!(over.contains("Note: this overlaps Tom Becker's appointment at 2026-11-26 12:00."), "{over}");
    let past = book(&mut app, "2026-11-20 10:00");
    assert!(past.contains("Note: 2026-11-20 10:00 is in the past."), "{past}");
}

// ---- Measures ---------------------------------------------------------------

#[test]
fn scores_typed_in_the_review_are_recorded_and_its_warnings_show_at_once() {
    let mut app = App::demo();
    app.press("Enter");
    let before = fs::read(app.rt.store.client_path(&rapport::domain::ClientId::new("james-okafor"))).unwrap();
    app.press("m");
    app.type_text("ORS 5 5");
    app.press("Enter");
    assert_eq!(app.status(), "ORS takes 4 item scores; 2 were given");
    assert!(matches!(app.rt.model.popup, Some(Popup::Measures { .. })), "the box stays with what was typed");
    assert_eq!(
        fs::read(app.rt.store.client_path(&rapport::domain::ClientId::new("james-okafor"))).unwrap(),
        before,
        "nothing saved"
    );
    app.type_text(" 5 5; PHQ9 1 1 1 1 1 0 0 0 1");
    app.press("Enter");
    assert_eq!(app.status(), "Recorded ORS 20 (clinical range), PHQ-9 6 (mild).");
    let file = app.file("james-okafor");
    let m = file["measures"].as_array().unwrap();
    let phq = m.iter().find(|m| m["kind"] == "phq-9").unwrap();
    assert_eq!((phq["at"].as_str(), phq.get("session")), (Some("2026-11-26T09:35:00"), None), "no note yet today");
    let screen = app.screen(80, 24);
    assert!(screen.contains("!! check risk: PHQ-9 item 9 scored 1 on 26 Nov"), "{screen}");
}

#[test]
fn the_scores_box_shows_phq9_wording_item_by_item() {
    let mut app = App::demo();
    app.press("Enter m");
    app.type_text("PHQ-9 1 2 ");
    let screen = app.screen(80, 24);
    assert!(screen.contains("PHQ-9 item 3 of 9: Trouble falling or staying asleep"), "{screen}");
    insta::assert_snapshot!("scores_box_80x24", screen);
    app.press("Esc");
    assert!(matches!(app.rt.model.popup, Some(Popup::Discard { .. })), "typed scores are not thrown away unasked");
}

#[test]
fn measures_typed_in_the_note_are_saved_with_it_and_a_wrong_one_keeps_the_form() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("exam nerves");
    app.press("BTab");
    app.type_text("ORS 6 6.5 7 6\nGAD7 1 1");
    assert!(app.screen(120, 40).contains("GAD-7 item 2 of 7: Not being able to stop or control worrying"));
    app.press("C-s");
    assert_eq!(app.status(), "Measures: measure 2 (GAD7 1 1): GAD-7 takes 7 item scores; 2 were given");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)));
    app.type_text(" 1 1 1 1 1");
    app.press("C-s");
    assert!(app.status().starts_with("Note saved"), "{}", app.status());
    let file = app.file("aisha-khan");
    let session = file["sessions"].as_array().unwrap().last().unwrap().clone();
    let taken: Vec<_> = file["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["session"] == session["id"])
        .map(|m| (m["kind"].as_str().unwrap().to_string(), m["total"].clone(), m["at"].clone()))
        .collect();
    assert_eq!(
        taken,
        [
            ("ors".into(), serde_json::json!(25.5), session["at"].clone()),
            ("gad-7".into(), serde_json::json!(7), session["at"].clone())
        ]
    );
}

#[test]
fn a_client_whose_alliance_dipped_is_marked_on_today_and_in_the_list_until_the_next_srs() {
    let mut app = App::demo();
    let screen = app.screen(120, 40);
    assert!(row(&screen, "10:00 James Okafor (Jim)").contains("in 25 min     !! alliance: last SRS 34"), "{screen}");
    app.press("Tab");
    assert!(app.screen(120, 40).contains("│! James Okafor (Jim)"), "{}", app.screen(120, 40));
    assert!(!app.screen(120, 40).contains("! Maria"), "only the flagged client is marked");
    app.press("Tab Enter m");
    app.type_text("SRS 9.5 9.5 9.5 9.5");
    app.press("Enter Esc");
    let today = app.screen(120, 40);
    assert!(
        row(&today, "10:00 James Okafor (Jim)").contains("in 25 min     task: visit the allotment once"),
        "{today}"
    );
    app.press("Tab");
    assert!(app.screen(120, 40).contains("│James Okafor (Jim) "), "the mark is gone");
}

#[test]
fn snapshot_chart() {
    let mut app = App::demo();
    // Maria López: her ORS crosses the cutoff (recovered), her GAD-7 improves.
    app.press("Tab");
    app.rt.model.select_client("maria-lopez");
    app.press("r g");
    assert!(matches!(app.rt.model.screen, Screen::Chart(_)));
    let small = app.screen(80, 24);
    assert!(small.contains("ORS (wellbeing) · latest 29 (non-clinical range) · 18 → 29: recovered"), "{small}");
    assert!(small.contains("⠤⠒ ORS totals · ••• cutoff 25"), "the key, with no colour: {small}");
    insta::assert_snapshot!("chart_80x24", small);
    let large = app.screen(120, 40);
    assert!(large.contains("SRS (alliance)") && large.contains("GAD-7 (anxiety)"), "three charts fit: {large}");
    insta::assert_snapshot!("chart_120x40", large);
    app.press("l");
    assert!(app.screen(80, 24).contains("SRS (alliance) · latest"), "→ shows the next measure");
    app.press("Esc");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)), "back to the review");
}

#[test]
fn a_window_that_was_already_open_never_writes_over_a_stopped_windows_kept_note() {
    let mut a = App::demo();
    let dir = a._dir.path().to_path_buf();
    let mut b = Runtime::open(Store::open(&dir).unwrap(), dt(NOW), Theme { color: false }).unwrap();
    b.dispatch(Action::Tick(dt(NOW)));
    // Window a keeps a note for Aisha, then dies.
    a.press("Tab n");
    a.type_text("Rhododendron, and the letter");
    a.wait_ms(1500);
    let App { rt, _dir } = a;
    drop(rt);
    // Window b, open all along, starts a note for the same client and types.
    b.dispatch(Action::SwitchTab);
    b.model.select_client("aisha-khan");
    b.dispatch(Action::NewNote);
    b.dispatch(Action::Paste("a second note".into()));
    b.dispatch(Action::Tick(dt("2026-11-26 09:40")));
    let said = b.model.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("from a Rapport window that stopped is kept"), "{said}");
    let kept: Vec<(String, NoteDraft)> = Store::open(&dir).unwrap().drafts();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].1.fields[0].contains("Rhododendron"), "window a's words are still on disk");
}

#[test]
fn a_note_dated_off_its_appointment_or_long_ago_is_asked_about_before_it_is_saved() {
    let mut app = App::demo();
    let write = |app: &mut App, when: &str| {
        app.type_text("sleep");
        for _ in 0..7 {
            app.press("Tab");
        }
        for _ in 0..16 {
            app.key(KeyCode::Backspace, KeyModifiers::NONE);
        }
        app.type_text(when);
        app.press("C-s");
        match &app.rt.model.popup {
            Some(Popup::Confirm { question, .. }) => question.clone(),
            other => panic!("nothing asked: {other:?} {}", app.status()),
        }
    };
    // Maria's 08:00 has ended without its note: a typo puts the note ten days back.
    app.press("Up n");
    let asked = write(&mut app, "2026-11-16 08:00");
    assert!(
        asked.starts_with(
            "This note for Maria López (Mari) is dated Mon 16 Nov 08:00, but its appointment was Thu 26 Nov."
        ),
        "{asked}"
    );
    app.press("n");
    assert!(matches!(app.rt.model.screen, Screen::NoteForm(_)), "n goes back to the form");
    app.press("Esc y");
    // A note for no appointment, dated long ago, would be final at once.
    app.press("Tab");
    app.rt.model.select_client("erik-lindqvist");
    app.press("n");
    let asked = write(&mut app, "2026-11-16 10:00");
    assert!(asked.contains("10 days ago, so it would be final as soon as it is saved"), "{asked}");
    app.press("y");
    assert!(app.status().starts_with("Note saved"), "{}", app.status());
}

#[test]
fn two_windows_editing_one_note_never_write_over_each_other() {
    let a = App::demo_with(|store| {
        let profile = rapport::domain::ClientProfile { name: "Zed Two".into(), ..Default::default() };
        let r = store.create_client(profile, dt(NOW)).unwrap();
        let note = rapport::domain::NewSession { topics: vec!["sleep".into()], ..Default::default() };
        store.update(&r.client.id, dt(NOW), "note added", |r| r.add_session(note, dt("2026-11-26 09:00"))).unwrap();
    });
    let mut a = a;
    let dir = a._dir.path().to_path_buf();
    let mut b = Runtime::open(Store::open(&dir).unwrap(), dt(NOW), Theme { color: false }).unwrap();
    b.dispatch(Action::Tick(dt(NOW)));
    // Both windows open the note to change it.
    for rt in [&mut a.rt, &mut b] {
        rt.dispatch(Action::SwitchTab);
        rt.model.select_client("zed-two");
        rt.dispatch(Action::Open);
        rt.dispatch(Action::EditNote);
        assert!(matches!(rt.model.screen, Screen::NoteForm(_)), "{:?}", rt.model.status);
    }
    a.dispatch(Action::Paste(" and the dream".into()));
    a.dispatch(Action::Save);
    assert!(a.status().contains("Note saved"), "{}", a.status());
    b.dispatch(Action::Paste(" and the garden".into()));
    b.dispatch(Action::Save);
    let said = b.model.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(said.contains("changed in another window since you opened it"), "{said}");
    // The look in the background that finds the file changed never covers why it was not saved.
    b.dispatch(Action::Refreshed(Store::open(&dir).unwrap().index_checked().unwrap()));
    let still = b.model.status.as_ref().map(|s| s.text.clone()).unwrap_or_default();
    assert!(still.contains("changed in another window since you opened it"), "{still}");
    assert!(matches!(b.model.screen, Screen::NoteForm(_)), "window b keeps its text on screen");
    let record = Store::open(&dir).unwrap().load(&rapport::domain::ClientId::new("zed-two")).unwrap();
    assert_eq!(record.sessions[0].topics, vec!["sleep and the dream".to_string()], "window a's change stays");
}

#[test]
fn a_note_backfilled_past_the_editing_period_is_asked_about_in_the_same_words_by_the_app_and_the_cli() {
    let mut app = App::empty();
    app.press("a");
    app.type_text("Maria Lopez");
    app.press("C-s n");
    app.type_text("sleep");
    // Topics → … → When, cleared and typed again: six days back.
    app.press("Tab Tab Tab Tab Tab Tab Tab C-u");
    app.type_text("2026-11-20 10:00");
    app.press("C-s");
    let Some(rapport::tui::model::Popup::Confirm { question, .. }) = &app.rt.model.popup else {
        panic!("the app asks before saving: {}", app.screen(80, 24));
    };
    let suffix = format!(" {}", rapport::tui::screens::note_form::save_anyway(&rapport::tui::keymap::TABLE));
    let asked = question.strip_suffix(&suffix).expect("the app adds its keys to the core's question").to_string();
    assert!(asked.contains("so it would be final as soon as it is saved"), "{asked}");
    // The CLI, on the same folder, without a terminal to ask on: refused, in the same words.
    let dir = app._dir.path().to_path_buf();
    let cli = |yes: bool| {
        let mut c = assert_cmd::Command::cargo_bin("rapport").unwrap();
        c.env("RAPPORT_DIR", &dir).env("RAPPORT_NOW", NOW).env_remove("RAPPORT_PASSPHRASE").write_stdin("");
        c.args(["note", "maria", "--at", "2026-11-20 10:00", "--topic", "work"]);
        if yes {
            c.arg("--yes");
        }
        c.output().unwrap()
    };
    let refused = cli(false);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success() && said.contains(&asked) && said.contains("nothing was saved"), "{said}");
    assert!(app.file("maria-lopez")["sessions"].as_array().unwrap().is_empty(), "nothing saved yet");
    // Yes in the app saves it; --yes saves the CLI's.
    app.press("y");
    assert!(app.status().contains("Note saved"), "{}", app.status());
    assert!(cli(true).status.success());
    assert_eq!(app.file("maria-lopez")["sessions"].as_array().unwrap().len(), 2);
}

#[test]
fn a_long_sync_mark_never_runs_into_the_tabs_at_80_columns() {
    let mut app = App::demo();
    app.rt.model.roster.clients[0].summary.as_mut().unwrap().conflicts = 998;
    app.rt.model.sync = Some(rapport::tui::sync::SyncMark { to_sync: 12345, ..Default::default() });
    let top = app.screen(80, 24).lines().next().unwrap().to_string();
    assert!(top.starts_with("Rapport  Today  Clients "), "the tabs stand whole: {top}");
    assert!(top.contains("998 conflicts · 12345 changes to sync"), "{top}");
    assert!(!top.contains("2026"), "the clock gives way first: {top}");
    let wide = app.screen(120, 24).lines().next().unwrap().to_string();
    assert!(wide.contains("998 conflicts · 12345 changes to sync · Thu 26 Nov 2026"), "{wide}");
}

#[test]
fn esc_from_the_profile_opened_in_the_review_goes_back_to_the_review() {
    let mut app = App::demo();
    app.press("Enter");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)));
    app.press("p");
    assert!(matches!(app.rt.model.screen, Screen::Profile(_)));
    app.press("Esc");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)), "{}", app.screen(80, 24));
    app.press("Esc");
    assert!(matches!(app.rt.model.screen, Screen::Today), "{}", app.screen(80, 24));
    // Opened from the client list, Esc goes home.
    app.press("Tab p Esc");
    assert!(matches!(app.rt.model.screen, Screen::Clients), "{}", app.screen(80, 24));
}

#[test]
fn a_watch_for_item_is_resolved_with_why_if_said_kept_in_the_record_and_u_sets_it_back() {
    let id = rapport::domain::ClientId::new("aisha-khan");
    let mut app = App::demo_with(|store| {
        store
            .update(&id, dt(NOW), "watch-for added", |r| {
                r.add_watch_for("exam stress: do not push".into(), dt(NOW).date());
                Ok(r.add_watch_for("family conflict at home".into(), dt(NOW).date()))
            })
            .unwrap();
    });
    app.press("Tab p Tab Tab");
    let before = app.rt.store.load(&id).unwrap().watch_for;
    assert!(!before.is_empty(), "the demo client has something to watch for");
    let first = before[0].clone();
    let profile = app.screen(80, 24);
    assert!(profile.contains("r/Delete resolve") && profile.contains("u set back"), "{profile}");
    app.key(KeyCode::Delete, KeyModifiers::NONE);
    // A box names the item (a slip of the arrows shows) and takes why.
    let asked = app.screen(80, 24);
    assert!(asked.contains(&format!("Resolve: {}", first.text)), "{asked}");
    assert!(asked.contains("Enter resolve") && asked.contains("Esc keep it open"), "{asked}");
    app.press("Esc");
    assert!(app.rt.store.load(&id).unwrap().watch_for[0].resolved_on.is_none(), "Esc keeps it open");
    app.key(KeyCode::Delete, KeyModifiers::NONE);
    app.type_text("exams are over");
    app.press("Enter");
    assert!(app.rt.model.popup.is_none());
    let said = app.status();
    assert!(said.starts_with(&format!("Resolved {} \"", first.id)), "{said}");
    assert!(said.ends_with("u undoes."), "the undo is offered at once: {said}");
    let r = app.rt.store.load(&id).unwrap();
    assert_eq!(r.watch_for.len(), before.len(), "kept in the record");
    assert_eq!(r.watch_for[0].resolved_on, Some(dt(NOW).date()));
    assert_eq!(r.watch_for[0].resolved_why.as_deref(), Some("exams are over"));
    let profile = app.screen(80, 24);
    assert!(profile.contains("(resolved: exams are over)  [resolved Thu 26 Nov]"), "{profile}");
    app.press("Esc r");
    let review = app.screen(120, 40);
    assert!(!review.contains(&first.text), "out of the review: {review}");
    app.press("Esc p Tab Tab u");
    assert!(app.status().starts_with(&format!("Set {} \"", first.id)), "{}", app.status());
    assert_eq!(app.rt.store.load(&id).unwrap().watch_for[0].resolved_on, None);
    app.press("u");
    assert!(app.status().contains("is not resolved: r resolves it"), "{}", app.status());
}

// ---- Two days with the app (a user-tester's findings) ----------------------

#[test]
fn a_second_slash_finds_a_new_name_rather_than_adding_to_the_last() {
    let mut app = App::demo();
    app.press("Tab /");
    app.type_text("aisha");
    app.press("Enter /");
    app.type_text("tom");
    assert_eq!(app.rt.model.list.filter.as_ref().unwrap().text(), "tom");
    assert_eq!(app.rt.model.selected_entry().unwrap().name(), "Tom Becker");
    let screen = app.screen(80, 24);
    assert!(screen.contains("/ tom") && !screen.contains("aishatom"), "{screen}");
}

#[test]
fn a_key_for_a_client_says_how_to_find_one_when_none_is_selected() {
    let mut app = App::demo();
    app.press("Tab /");
    app.type_text("zzz");
    app.press("Enter");
    assert!(app.rt.model.selected_entry().is_none());
    for key in ["t", "n", "r", "s", "p", "e", "x", "Enter"] {
        app.press(key);
        assert_eq!(app.status(), "No client selected: / finds one, a adds one.", "after {key}");
        assert!(matches!(app.rt.model.screen, Screen::Clients) && app.rt.model.popup.is_none(), "after {key}");
    }
}

#[test]
fn an_empty_practice_offers_no_key_that_does_nothing_and_says_what_to_do() {
    let mut app = App::empty();
    let clients = app.screen(80, 24);
    let footer: String = clients.lines().rev().take(3).collect::<Vec<_>>().join("\n");
    assert!(footer.contains("a add client") && footer.contains("q quit"), "{clients}");
    for gone in ["n new note", "r review", "t tasks", "s book", "p profile", "/ find", "search notes"] {
        assert!(!footer.contains(gone), "'{gone}' does nothing without clients:\n{clients}");
    }
    for key in ["t", "n", "r", "Enter"] {
        app.press(key);
        assert_eq!(app.status(), "No clients yet: a in Clients adds one.", "after {key}");
    }
    app.press("Tab");
    let today = app.screen(80, 24);
    let footer: String = today.lines().rev().take(3).collect::<Vec<_>>().join("\n");
    assert!(footer.contains("Tab clients") && footer.contains("q quit"), "{today}");
    for gone in ["Enter review", "n note", "m move", "c cancel", "w awaiting", "search notes"] {
        assert!(!footer.contains(gone), "'{gone}' does nothing without clients:\n{today}");
    }
    for key in ["Enter", "n", "m", "c"] {
        app.press(key);
        assert_eq!(app.status(), "No clients yet: a in Clients adds one.", "after {key}");
    }
}

#[test]
fn a_key_for_an_appointment_says_how_to_book_one_when_today_has_none() {
    let mut app = App::empty();
    app.press("a");
    app.type_text("Maria Lopez");
    app.press("C-s Tab");
    for key in ["Enter", "n", "m", "c"] {
        app.press(key);
        assert_eq!(
            app.status(),
            "No appointment in the next 7 days: Tab to Clients, pick one, s books one.",
            "after {key}"
        );
    }
}

#[test]
fn s_syncs_from_the_review_as_from_today_and_the_client_list() {
    let mut app = App::demo();
    app.press("Enter");
    assert!(matches!(app.rt.model.screen, Screen::Review(_)));
    app.press("S");
    assert!(app.status().starts_with("This practice is on this device only."), "{}", app.status());
    assert!(matches!(app.rt.model.screen, Screen::Review(_)), "S leaves the review where it was");
    // In a synced practice the review's footer offers it, as Today's does.
    app.rt.model.sync = Some(rapport::tui::sync::SyncMark::default());
    let review = app.screen(80, 24);
    assert!(review.lines().rev().take(3).any(|l| l.contains("S sync")), "{review}");
    app.press("Esc");
    assert!(app.screen(80, 24).lines().rev().take(3).any(|l| l.contains("S sync")));
}

#[test]
fn an_achieved_or_dropped_goal_is_made_active_again_with_the_same_key() {
    let mut app = App::demo();
    app.press("Tab p Tab");
    let goal = |app: &App| app.file("aisha-khan")["goals"][0]["status"].as_str().unwrap().to_string();
    let before = goal(&app);
    assert_eq!(before, "active", "the demo's first goal is active");
    app.press("d");
    assert_eq!(app.status(), "Goal g1 marked achieved.");
    assert_eq!(goal(&app), "achieved");
    assert!(app.screen(80, 24).contains("(achieved,"));
    app.press("d");
    assert_eq!(app.status(), "Goal g1 is active again.");
    assert_eq!(goal(&app), "active");
    assert!(app.screen(80, 24).contains("(active,"));
    app.press("x");
    assert_eq!(goal(&app), "dropped");
    app.press("x");
    assert_eq!(app.status(), "Goal g1 is active again.");
    assert_eq!(goal(&app), "active");
}

#[test]
fn searching_the_notes_for_a_clients_name_points_to_slash_when_nothing_is_found() {
    let mut app = App::demo();
    app.press("C-f");
    app.type_text("lindqvist");
    let screen = app.screen(80, 24);
    assert!(screen.contains("Nothing in the notes for 'lindqvist'."), "{screen}");
    assert!(screen.contains("To find the client Erik Lindqvist, press / in Clients."), "{screen}");
    app.press("C-u");
    app.type_text("zzzz");
    let screen = app.screen(80, 24);
    assert!(screen.contains("Nothing in the notes for 'zzzz'.") && !screen.contains("To find"), "{screen}");
}

#[test]
fn after_a_note_is_saved_the_next_clients_review_is_at_most_two_keys_away() {
    // Begun on Today: Ctrl-S comes back to Today on the next appointment, and Enter reviews it.
    let mut app = App::demo();
    app.press("Up");
    app.press("n");
    app.type_text("breathing");
    app.press("C-s");
    assert_eq!(app.status(), "Note saved for Mari (s9).");
    assert!(matches!(app.rt.model.screen, Screen::Today), "{:?}", app.rt.model.screen);
    let today = app.screen(80, 24);
    assert!(row(&today, "08:00 Maria López (Mari)").contains(" noted "), "{today}");
    app.press("Enter");
    let Screen::Review(review) = &app.rt.model.screen else { panic!("the review expected") };
    assert_eq!(review.client.as_str(), "james-okafor");

    // Begun in the client list: the note shows there, and Tab, Enter reviews the next client.
    let mut app = App::demo();
    app.press("Tab");
    app.rt.model.select_client("maria-lopez");
    app.press("n");
    app.type_text("breathing");
    app.press("C-s");
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    assert!(app.screen(80, 24).contains("breathing"));
    app.press("Tab Enter");
    let Screen::Review(review) = &app.rt.model.screen else { panic!("the review expected") };
    assert_eq!(review.client.as_str(), "james-okafor");
}

#[test]
fn today_marks_a_double_booking_on_both_rows_and_shows_every_warning_whole_at_80_columns() {
    // Lena is booked 10:30-11:20: over Jim's 10:00 and Priya's 11:00.
    let mut app = App::demo_with(|store| {
        let lena = ClientProfile { name: "Lena Fischer".into(), ..Default::default() };
        let r = store.create_client(lena, dt("2026-11-01 09:00")).unwrap();
        store.update(&r.client.id, dt(NOW), "test", |r| r.schedule(dt("2026-11-26 10:30"), 50, 0)).unwrap();
    });
    for (w, h) in [(80, 24), (120, 40)] {
        let today = app.screen(w, h);
        assert!(row(&today, "│ 10:00 James Okafor (Jim)").contains("!! overlaps 10:30 Lena Fischer"), "{today}");
        assert!(row(&today, "│ 10:30 Lena Fischer").contains("!! overlaps 10:00 Jim"), "{today}");
        assert!(today.contains("!! overlaps 11:00 Priya Raman"), "{today}");
        assert!(row(&today, "│ 11:00 Priya Raman").contains("!! overlaps 10:30 Lena Fischer"), "{today}");
        // Jim's alliance warning goes on below his row, whole.
        let words: Vec<&str> = today
            .lines()
            .skip_while(|l| !l.contains("10:00 James Okafor"))
            .take(4)
            .flat_map(|l| l.trim_matches(|c| "│█║ ".contains(c)).split_whitespace())
            .collect();
        let said = words.join(" ");
        assert!(said.contains("!! alliance: last SRS 34, ask how the sessions feel"), "{said}\n{today}");
        assert!(!today.lines().any(|l| l.contains("!!") && l.contains("…")), "no warning is cut:\n{today}");
    }
    // Cancelled, the double booking is gone from every row.
    app.press("Down c");
    assert!(app.screen(80, 24).contains("Not held: which way?"), "{}", app.screen(80, 24));
    app.press("c");
    let today = app.screen(80, 24);
    assert!(!today.contains("overlaps"), "{today}");
}

#[test]
fn the_notes_pane_shows_the_measures_taken_in_the_session() {
    let mut app = App::demo();
    app.press("Tab Down Down Down Down Down Enter Down PgDn");
    let screen = app.screen(80, 24);
    assert!(screen.contains("] ORS 27.4 (non-clinical range): 6.9"), "{screen}");
    assert!(screen.contains("] GAD-7 8 (mild): 2 1 1 1 1 1 1"), "{screen}");
}

#[test]
fn esc_on_a_note_opened_for_editing_and_left_unchanged_closes_it_without_asking() {
    let mut app = App::demo();
    // A note still editable: one written just now for Maria.
    app.press("Tab Down Down Down Down Down n");
    app.type_text("worry at night");
    app.press("C-s Enter e");
    assert!(app.screen(80, 24).contains("Edit note"), "{}", app.screen(80, 24));
    app.press("Esc");
    let screen = app.screen(80, 24);
    assert!(!screen.contains("Discard what you typed?"), "nothing was typed:\n{screen}");
    assert!(!screen.contains("Edit note"), "{screen}");
    // Changed, it is asked about.
    app.press("e");
    app.type_text(" and more");
    app.press("Esc");
    assert!(app.screen(80, 24).contains("Discard what you typed?"), "{}", app.screen(80, 24));
}

#[test]
fn two_windows_editing_different_parts_of_one_note_both_keep_their_words() {
    let mut app = App::demo();
    app.press("Tab Down Down Down Down Down n");
    app.type_text("worry at night");
    app.press("C-s Enter e");
    assert!(app.screen(80, 24).contains("Edit note"), "{}", app.screen(80, 24));
    // Another window changes the note's Notes meanwhile.
    let id = rapport::domain::ClientId::new("maria-lopez");
    let r = app.rt.store.load(&id).unwrap();
    let s = r.sessions.iter().max_by_key(|s| s.at).unwrap().clone();
    let other = rapport::domain::NewSession {
        topics: s.topics.clone(),
        notes: "written in the other window".into(),
        ..Default::default()
    };
    let policy = app.rt.store.settings().policy();
    app.rt.store.update(&id, dt(NOW), "test", |r| r.edit_session(&s.id, other, dt(NOW), policy)).unwrap();
    // Here, the topics change.
    app.type_text(" and sleep");
    app.press("C-s");
    assert!(app.status().contains("What another window changed meanwhile is kept too (Notes)"), "{}", app.status());
    let saved = app.rt.store.load(&id).unwrap().session(&s.id).unwrap().clone();
    assert_eq!(saved.topics, vec!["worry at night and sleep".to_string()]);
    assert_eq!(saved.notes, "written in the other window");
}

#[test]
fn scores_taken_in_the_review_are_named_in_the_new_notes_measures_field() {
    let mut app = App::demo();
    app.press("Down Enter");
    assert!(app.screen(80, 24).contains("Review · Priya Raman"), "{}", app.screen(80, 24));
    app.press("m");
    app.type_text("ORS 6 6 6 6");
    app.press("Enter n BTab");
    let form = app.screen(80, 24);
    assert!(form.contains("taken today, and kept with this note: ORS 24."), "{form}");
}

// ---- Restore one record, and "Ask about" from the review ------------------

#[test]
fn a_clients_record_is_restored_from_a_snapshot_in_the_app_after_the_cores_question() {
    let id = rapport::domain::ClientId::new("james-okafor");
    let mut app = App::demo_with(|store| {
        store.backup(dt("2026-11-20 08:00")).unwrap();
        store.update(&id, dt(NOW), "task set", |r| r.add_task("phone the brother", None, dt(NOW).date())).unwrap();
    });
    app.press("Tab");
    app.rt.model.select_client("james-okafor");
    app.press("p");
    let profile = app.screen(80, 24);
    assert!(profile.contains("R restore"), "the footer offers it:\n{profile}");
    app.press("R");
    assert!(matches!(app.rt.model.popup, Some(Popup::Snapshots { .. })), "{}", app.status());
    let list = app.screen(80, 24);
    assert!(list.contains("Fri 20 Nov 2026 08:00 · 6 days ago"), "{list}");
    assert!(list.contains("Enter restore from it"), "{list}");
    app.press("Enter");
    let Some(Popup::Confirm { question, .. }) = &app.rt.model.popup else {
        panic!("the core's question is asked first: {}", app.status())
    };
    assert!(question.contains("It takes away what was written since (1 task)"), "{question}");
    assert!(question.ends_with("y restores it, n leaves the record as it is."), "{question}");
    app.press("n");
    assert!(app.rt.store.load(&id).unwrap().tasks.iter().any(|t| t.text == "phone the brother"), "no keeps it");

    app.press("R Enter y");
    let said = app.status();
    assert!(said.starts_with("Restored James Okafor"), "{said}");
    assert!(said.contains("from 2026-11-20_080000; no other client changed"), "{said}");
    assert!(!app.rt.store.load(&id).unwrap().tasks.iter().any(|t| t.text == "phone the brother"));
    // The record on screen is the one restored.
    let r = app.rt.model.roster.record("james-okafor").unwrap();
    assert!(!r.tasks.iter().any(|t| t.text == "phone the brother"));
    assert!(app.rt.store.snapshots().iter().any(|s| s.name.contains("before-restore")), "the state before is kept");
}

#[test]
fn a_client_no_snapshot_holds_is_said_so_and_no_box_opens() {
    // Added after the day's first snapshot: no snapshot holds her yet.
    let mut app = App::demo_with(|store| {
        store.create_client(ClientProfile { name: "Nora New".into(), ..Default::default() }, dt(NOW)).unwrap();
    });
    app.press("Tab");
    app.rt.model.select_client("nora-new");
    app.press("p R");
    assert!(app.rt.model.popup.is_none());
    assert!(app.status().starts_with("No snapshot holds Nora New's record yet"), "{}", app.status());
}

#[test]
fn an_ask_about_item_is_marked_asked_from_the_review_stays_in_the_record_and_a_undoes() {
    let id = rapport::domain::ClientId::new("james-okafor");
    let leeks = "grows leeks on his father's allotment";
    let mut app = App::demo();
    // Today opens on James's appointment: his review.
    app.press("Enter");
    let review = app.screen(80, 24);
    assert!(review.contains(&format!("! Ask about: {leeks}")), "{review}");
    assert!(review.contains("d task done") && !review.contains("a asked"), "on a task, the task keys:\n{review}");
    // Past his open task, the first detail to ask about.
    app.press("Down");
    let review = app.screen(80, 24);
    assert!(review.contains("a asked") && !review.contains("d task done"), "on a detail, asked:\n{review}");
    app.press("d");
    assert!(app.rt.model.popup.is_none(), "d marks no task while a detail is selected");
    app.press("a");
    let said = app.status();
    assert!(
        said.contains(&format!("\"{leeks}\": it leaves James Okafor's \"Ask about\"; it stays in the record.")),
        "{said}"
    );
    assert!(said.ends_with("A asks again."), "the undo is offered at once: {said}");
    let r = app.rt.store.load(&id).unwrap();
    let detail = r.personal.iter().find(|p| p.text == leeks).expect("kept in the record");
    assert!(!detail.ask);
    let review = app.screen(80, 24);
    assert!(!review.contains(&format!("Ask about: {leeks}")), "{review}");
    assert!(review.contains("A ask again"), "{review}");
    app.press("A");
    assert!(app.status().contains("is back under \"Ask about\""), "{}", app.status());
    assert!(app.rt.store.load(&id).unwrap().personal.iter().any(|p| p.text == leeks && p.ask));
    let review = app.screen(80, 24);
    assert!(review.contains(&format!("! Ask about: {leeks}")) && !review.contains("A ask again"), "{review}");
}

#[test]
fn the_review_scrolls_to_an_ask_about_item_selected_below_the_fold_and_pages_on_from_there() {
    let id = rapport::domain::ClientId::new("james-okafor");
    let mut app = App::demo_with(|store| {
        store
            .update(&id, dt(NOW), "test", |r| {
                for n in 1..=12 {
                    r.add_personal(format!("detail number {n} to ask about"), None, true, dt(NOW).date(), None);
                }
                Ok(())
            })
            .unwrap();
    });
    app.press("Enter");
    let first = app.screen(80, 24);
    assert!(!first.contains("detail number 12"), "the last detail starts below the fold:\n{first}");
    // To the last item: it is scrolled into view, and selected.
    let items = 1 + 3 + 12; // his open task, his three details to ask about, and the twelve
    for _ in 1..items {
        app.press("Down");
    }
    let review = app.screen(80, 24);
    assert!(review.contains("detail number 12 to ask about"), "selected and shown:\n{review}");
    assert!(review.contains("a asked"), "{review}");
    app.press("a");
    assert!(app.status().contains("detail number 12 to ask about"), "{}", app.status());
    // PgUp goes on from the page shown, not from the top.
    app.press("PgUp");
    let up = app.screen(80, 24);
    assert_ne!(up, review, "PgUp moved the page");
    assert!(!up.contains("detail number 12") && up.contains("detail number 2 "), "ten lines up:\n{up}");
    assert_ne!(up, first, "not back at the top:\n{up}");
}

#[test]
fn a_note_that_could_not_be_kept_as_a_draft_is_not_lost_to_a_single_ctrl_c() {
    let mut app = App::demo();
    app.press("Tab n");
    app.type_text("words only this window holds");
    // Another window holds this client's draft: this one's could not be kept.
    app.rt.dispatch(rapport::tui::action::Action::DraftFailed("Could not keep a draft: held".into()));
    app.press("C-c");
    assert!(!app.rt.model.quit, "the first Ctrl-C does not quit");
    assert!(app.status().contains("this note could not be kept as a draft"), "{}", app.status());
    assert!(app.screen(80, 24).contains("words only this window holds"));
    app.press("C-c");
    assert!(app.rt.model.quit, "the second quits, as it said");
}

#[test]
fn the_reviews_header_follows_its_appointment_changed_while_it_is_open() {
    let mut app = App::demo();
    app.press("Down Enter");
    assert!(app.screen(80, 24).contains("Review · Priya Raman"), "{}", app.screen(80, 24));
    let id = rapport::domain::ClientId::new("priya-raman");
    let r = app.rt.store.load(&id).unwrap();
    let a = r.appointments.iter().find(|a| a.start == dt("2026-11-26 11:00")).unwrap().id.clone();
    let how = rapport::domain::NotHeld::CancelledByTherapist;
    let ((), record) =
        app.rt.store.update(&id, dt(NOW), "test", |r| r.cancel_appointment(&a, how, dt(NOW)).map(|_| ())).unwrap();
    app.rt.dispatch(rapport::tui::action::Action::RecordSaved { record: Box::new(record), message: "saved".into() });
    let screen = app.screen(80, 24);
    assert!(screen.lines().nth(2).unwrap_or("").contains("cancelled by you"), "{screen}");
}

#[test]
fn snapshot_practice() {
    let mut app = App::demo();
    app.press("P");
    assert!(matches!(app.rt.model.screen, Screen::Practice(_)), "P on Today opens the Practice screen");
    let small = app.screen(80, 24);
    // November: one supervision of 90 minutes, all that the month needs.
    assert!(small.contains("November 2026 client 27 h  supervision 1.5 h of 1.5 h due  CPD 6 h"), "{small}");
    assert!(small.contains("Client hours per week"), "{small}");
    assert!(small.contains("To bring to supervision (2)"), "{small}");
    assert!(small.contains("Tom Becker, q1: his anger at me last week"), "{small}");
    insta::assert_snapshot!("practice_80x24", small);
    insta::assert_snapshot!("practice_120x40", app.screen(120, 40));
    app.press("Esc");
    assert!(matches!(app.rt.model.screen, Screen::Today), "Esc goes back");
}

#[test]
fn a_question_kept_from_the_review_is_in_the_review_the_record_and_the_practice_screen() {
    let mut app = App::demo();
    app.press("Tab");
    app.rt.model.select_client("maria-lopez");
    app.press("r b");
    assert!(app.screen(80, 24).contains("For supervision"), "the box says what it is for");
    app.press("Enter");
    assert!(app.status().contains("Type the question first"), "an empty question is not kept: {}", app.status());
    app.type_text("am I rushing her?");
    app.press("Enter");
    assert!(app.status().starts_with("Kept q1 for the next supervision"), "{}", app.status());
    let review = app.screen(120, 40);
    assert!(review.contains("Supervision    · [q1] am I rushing her?"), "{review}");
    assert_eq!(app.file("maria-lopez")["supervision"][0]["text"], "am I rushing her?");
    app.press("Esc P");
    let practice = app.screen(120, 40);
    assert!(practice.contains("To bring to supervision (3)"), "{practice}");
    assert!(practice.contains("María López, q1: am I rushing her?") || practice.contains(", q1: am I rushing her?"));
}

#[test]
fn in_soap_the_note_form_goes_heading_by_heading_and_the_pane_heads_the_note_so() {
    let mut app = App::demo_with(|store| {
        fs::write(store.root().join("config.json"), r#"{"note_format": "soap"}"#).unwrap();
    });
    app.press("n");
    let form = app.screen(80, 24);
    assert!(form.contains("▸ S Topics"), "{form}");
    assert!(
        form.contains("O Observations") && form.contains("A Assessment") && form.contains("· Intervention"),
        "{form}"
    );
    // Tab goes Subjective (topics, feedback), then Objective.
    app.press("Tab Tab");
    assert!(app.screen(80, 24).contains("▸ O Observations"), "{}", app.screen(80, 24));
    app.press("Tab Tab");
    app.type_text("improving; no risk");
    let Screen::NoteForm(form) = &app.rt.model.screen else { panic!("the note form") };
    let note = form.to_new_session(&[]).unwrap();
    assert_eq!(note.assessment, "improving; no risk", "the fourth Tab reaches the Assessment");
}

#[test]
fn a_process_note_typed_in_the_form_is_kept_apart_from_the_record() {
    let mut app = App::demo();
    app.press("n");
    app.type_text("sleep");
    // Shift-Tab from Topics: Measures, then the private field before it.
    app.press("BTab BTab");
    assert!(app.screen(80, 24).contains("Process (private)"), "{}", app.screen(80, 24));
    app.type_text("I felt the pull to rescue");
    // The next appointment's note, written ahead of it: asked, and saved.
    app.press("C-s y");
    assert!(app.status().starts_with("Note saved"), "{}\n{}", app.status(), app.screen(80, 24));
    let client =
        app.rt.model.roster.clients.iter().find(|c| app.rt.store.process_path(&c.id).exists()).map(|c| c.id.clone());
    let client = client.expect("a process file was written");
    let notes = app.rt.store.process_notes(&client).unwrap();
    assert_eq!(notes.notes[0].text, "I felt the pull to rescue");
    let record = fs::read_to_string(app.rt.store.client_path(&client)).unwrap();
    assert!(!record.contains("rescue"), "the record holds no word of it");
}

#[test]
fn a_look_in_the_background_that_finds_nothing_changed_hands_the_app_nothing() {
    let mut app = App::demo();
    app.wait_ms(2500);
    let held = app.rt.model.roster.generation;
    app.wait_ms(2500);
    assert_eq!(app.rt.model.roster.generation, held, "the summaries were not read again and sent");
    // Another program rewrites a client's file in place: the folder's time
    // is unchanged, the file's is not, and the next look sees it.
    let store = Store::open(app.rt.store.root()).unwrap();
    let id = rapport::domain::ClientId::new("aisha-khan");
    let mut r = store.load(&id).unwrap();
    r.client.name = "Aisha Khan-Rowe".into();
    fs::write(store.client_path(&id), serde_json::to_vec_pretty(&r).unwrap()).unwrap();
    app.wait_ms(2500);
    assert!(app.status().starts_with("Aisha Khan-Rowe's file changed on disk"), "{}", app.status());
    // Summaries changed by anything but Rapport are not believed: read again, whole.
    let held = app.rt.model.roster.generation;
    fs::write(app.rt.store.root().join("index/clients.json"), "{\"version\": 1, \"clients\": []}").unwrap();
    app.wait_ms(2500);
    assert!(app.rt.model.roster.generation > held, "the index was built again and sent");
    assert!(app.rt.model.roster.entry("aisha-khan").is_some(), "and still holds every client");
}

#[test]
fn today_is_made_again_for_the_next_days_and_after_a_change_as_if_the_app_opened_afresh() {
    use rapport::tui::roster::Roster;
    use rapport::tui::screens::today::awaiting;
    // An appointment a day for the next two weeks, so each day shows others.
    let mut app = App::demo_with(|store| {
        for day in 1..=14 {
            let start = dt(NOW).date().and_hms_opt(8, 0, 0).unwrap() + chrono::Duration::days(day);
            store
                .update(&rapport::domain::ClientId::new("aisha-khan"), dt(NOW), "test", |r| r.schedule(start, 50, 0))
                .unwrap();
        }
    });
    let same_as_fresh = |app: &App| {
        let fresh = Roster::new(app.rt.store.index().unwrap());
        assert_eq!(app.rt.model.agenda(), fresh.agenda(app.rt.model.now), "at {}", app.rt.model.now);
        let ids = |r: &Roster| awaiting(r).iter().map(|w| (w.client.to_string(), w.message.at)).collect::<Vec<_>>();
        assert_eq!(ids(&app.rt.model.roster), ids(&fresh));
    };
    same_as_fresh(&app);
    // Past midnight, then days on: yesterday's rows go, the next days' come.
    for hours in [15, 24, 72] {
        app.wait_ms(hours * 3_600_000);
        same_as_fresh(&app);
    }
    // A change saved in another window, once the app has looked.
    let other = Store::open(app.rt.store.root()).unwrap();
    let aisha = rapport::domain::ClientId::new("aisha-khan");
    other
        .update(&aisha, app.rt.model.now, "test", |r| {
            r.appointments.clear();
            Ok(())
        })
        .unwrap();
    app.wait_ms(2500);
    same_as_fresh(&app);
}

/// The app's first frame, before what it loads behind it.
fn first_frame(store: &Store) -> App {
    let rt = Runtime::first_frame(store.clone(), dt(NOW), Theme { color: false }).unwrap();
    App { rt, _dir: tempfile::tempdir().unwrap() }
}

/// The sample practice with a client Today does not show (archived) and one
/// with nothing booked, whose index is as the CLI leaves it.
fn practice_beyond_today() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    rapport::demo::write_sample_practice(&store, dt(NOW)).unwrap();
    for name in ["Quiet Client", "Long Gone"] {
        let profile = ClientProfile { name: name.into(), ..Default::default() };
        let r = store.create_client(profile, dt(NOW)).unwrap();
        if name == "Long Gone" {
            store
                .update(&r.client.id, dt(NOW), "test", |r| {
                    r.client.archived = true;
                    Ok(())
                })
                .unwrap();
        }
    }
    store.index().unwrap();
    (dir, store)
}

#[test]
fn the_first_frame_is_todays_clients_only_and_the_same_today_as_with_every_client() {
    use rapport::tui::roster::Roster;
    use rapport::tui::screens::today::awaiting;
    let (_dir, store) = practice_beyond_today();
    let all = store.index().unwrap().len();
    let mut first = first_frame(&store);
    let held = first.rt.model.roster.clients.len();
    assert!(!first.rt.model.roster.complete && first.rt.model.roster.today_known);
    assert!(held < all - 1, "the first frame holds {held} of {all} clients");
    assert!(first.rt.model.roster.index_of("quiet-client").is_none());
    let before = first.screen(80, 24);
    assert!(before.contains("Appointments: today"), "{before}");
    // Today makes of them what it makes of every client.
    let fresh = Roster::new(store.index().unwrap());
    assert_eq!(first.rt.model.agenda(), fresh.agenda(first.rt.model.now));
    let ids = |r: &Roster| awaiting(r).iter().map(|w| (w.client.to_string(), w.message.at)).collect::<Vec<_>>();
    assert!(!ids(&fresh).is_empty());
    assert_eq!(ids(&first.rt.model.roster), ids(&fresh));
    // The rest load behind it, and Today does not change.
    first.dispatch(Action::Opened);
    assert!(first.rt.model.roster.complete);
    assert_eq!(first.rt.model.roster.clients.len(), all);
    assert_eq!(first.screen(80, 24), before);
    first.press("Tab");
    assert!(first.screen(80, 24).contains("Quiet Client"));
}

#[test]
fn without_todays_file_the_app_opens_on_nothing_and_says_it_is_reading() {
    let (_dir, store) = practice_beyond_today();
    fs::remove_file(store.root().join("index/today.json")).unwrap();
    let mut first = first_frame(&store);
    assert!(first.rt.model.roster.clients.is_empty() && !first.rt.model.roster.today_known);
    let screen = first.screen(80, 24);
    assert!(screen.contains("Reading the practice's clients…"), "{screen}");
    assert!(!screen.contains("No appointments"), "{screen}");
    assert!(screen.contains("Awaiting reply (…)") && !screen.contains("No messages"), "{screen}");
    // How far it has got, when it takes long.
    first.dispatch(Action::RosterLoading { done: 3, total: 12 });
    assert!(first.screen(80, 24).contains("Reading the practice's clients: 3 of 12…"));
    assert!(first.status().contains("3 of 12 client files read"), "{}", first.status());
    first.dispatch(Action::Opened);
    assert!(first.rt.model.roster.complete);
    assert_eq!(first.status(), "", "the loading's news goes when it is done");
    let screen = first.screen(80, 24);
    assert!(!screen.contains("Reading"), "{screen}");
    // The file is written again for the next start.
    assert!(first_frame(&store).rt.model.roster.today_known);
}

#[test]
fn todays_file_changed_by_another_program_is_not_believed() {
    let (_dir, store) = practice_beyond_today();
    let path = store.root().join("index/today.json");
    let text = fs::read_to_string(&path).unwrap();
    // A client taken out by hand: Today would miss them.
    let forged = text.replacen("aisha-khan", "aisha-khaX", 2);
    fs::write(&path, forged).unwrap();
    let first = first_frame(&store);
    assert!(!first.rt.model.roster.today_known, "a file Rapport did not leave so is read as missing");
}

#[test]
fn todays_file_follows_every_save_and_an_empty_practice_opens_on_the_client_list() {
    let empty = tempfile::tempdir().unwrap();
    let store = Store::open(empty.path()).unwrap();
    store.index().unwrap();
    let app = first_frame(&store);
    assert!(matches!(app.rt.model.screen, Screen::Clients));
    let (_dir, store) = practice_beyond_today();
    // A message from the quiet client, saved by another process.
    let quiet = rapport::domain::ClientId::new("quiet-client");
    store
        .update(&quiet, dt(NOW), "test", |r| {
            use rapport::domain::{Channel, Direction};
            r.add_contact(dt(NOW), Channel::Text, Direction::Incoming, "can we move Friday?".into());
            Ok(())
        })
        .unwrap();
    let first = first_frame(&store);
    assert!(first.rt.model.roster.today_known && first.rt.model.roster.index_of("quiet-client").is_some());
    let screen = first.screen(120, 40);
    assert!(screen.contains("can we move Friday?"), "{screen}");
    // Archived: off Today, and out of its file.
    store
        .update(&quiet, dt(NOW), "test", |r| {
            r.client.archived = true;
            Ok(())
        })
        .unwrap();
    let first = first_frame(&store);
    assert!(first.rt.model.roster.today_known && first.rt.model.roster.index_of("quiet-client").is_none());
}

#[test]
fn today_says_when_a_clients_file_cannot_be_read_from_its_first_frame() {
    let (_dir, store) = practice_beyond_today();
    let path = store.client_path(&rapport::domain::ClientId::new("aisha-khan"));
    // Damaged by another program: her appointments cannot be shown.
    let text = fs::read_to_string(&path).unwrap().replacen("\"name\"", "\"nom\"", 1);
    fs::write(&path, text).unwrap();
    store.index_checked().unwrap();
    let mut first = first_frame(&store);
    assert!(first.rt.model.roster.today_known);
    let screen = first.screen(100, 30);
    assert!(screen.contains("!! 1 client unreadable (see Clients)"), "{screen}");
    first.dispatch(Action::Opened);
    assert!(first.screen(100, 30).contains("!! 1 client unreadable"));
}
