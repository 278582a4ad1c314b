//! Benchmarks on a generated practice of 1,500 clients x 30 sessions
//! (45,000 notes), kept in target/bench-practice between runs.

use std::path::{Path, PathBuf};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use rapport::demo::generate::{Spec, generate};
use rapport::domain::NewSession;
use rapport::domain::summary::summary;
use rapport::domain::time::dt;
use rapport::store::Store;
use rapport::tui::action::Action;
use rapport::tui::model::Model;
use rapport::tui::runtime::Runtime;
use rapport::tui::theme::Theme;
use rapport::tui::update::update;
use rapport::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const NOW: &str = "2026-11-26 09:35";

fn practice() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-practice");
    if !dir.join("clients").exists() {
        generate(&dir, &Spec { clients: 1500, sessions: 30, seed: 1 }, dt(NOW)).expect("generating the practice");
    }
    dir
}

fn model(store: &Store) -> Model {
    let mut rt = Runtime::open(store.clone(), dt(NOW), Theme { color: true }).unwrap();
    rt.dispatch(Action::Tick(dt(NOW)));
    rt.model
}

fn benches(c: &mut Criterion) {
    let dir = practice();
    let store = Store::open(&dir).unwrap();
    store.index().unwrap();
    let first = store.client_ids().unwrap()[0].clone();

    c.bench_function("open the practice (index, 1,500 clients)", |b| {
        b.iter(|| Store::open(&dir).unwrap().index().unwrap().len())
    });
    c.bench_function("open the practice and build the model", |b| b.iter(|| model(&store).clients.len()));
    c.bench_function("load one client and build the review", |b| {
        b.iter(|| {
            let r = store.load(&first).unwrap();
            summary(&r, None, dt(NOW)).sections(dt(NOW).date()).len()
        })
    });
    let mut m = model(&store);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    c.bench_function("Today: keypress to frame (update + view, 120x40)", |b| {
        b.iter(|| {
            update(&mut m, Action::Down);
            update(&mut m, Action::Up);
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
    let mut m = model(&store);
    update(&mut m, Action::SwitchTab);
    c.bench_function("client list: keypress to frame (update + load + view)", |b| {
        b.iter(|| {
            for effect in update(&mut m, Action::Down) {
                if let Some(a) = rapport::tui::effects::run(&store, effect, dt(NOW)) {
                    update(&mut m, a);
                }
            }
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
    let mut m = model(&store);
    update(&mut m, Action::SwitchTab);
    update(&mut m, Action::Filter);
    c.bench_function("filter the client list by name (one key)", |b| {
        b.iter(|| {
            update(&mut m, Action::Input(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE)));
            update(&mut m, Action::Input(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)));
        })
    });
    c.bench_function("search all notes: sleep diary", |b| {
        b.iter(|| store.search("sleep diary", None, 50).unwrap().total)
    });
    let path = store.client_path(&first);
    let original = std::fs::read(&path).unwrap();
    c.bench_function("save a note (fsync, index and search shard)", |b| {
        b.iter_batched(
            || std::fs::write(&path, &original).unwrap(),
            |()| {
                let note = NewSession { topics: vec!["bench".into()], notes: "x ".repeat(800), ..Default::default() };
                store.update(&first, dt(NOW), "note added", |r| r.add_session(note, dt(NOW))).unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    std::fs::write(&path, &original).unwrap();
    store.index().unwrap();
}

/// A client whose last note is as long as the limits allow for its notes
/// field (256 KiB) plus eight topics of 256 KiB: 2.25 MiB in one note.
fn long_note(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let profile = rapport::domain::ClientProfile { name: "Lena Long".into(), ..Default::default() };
    let r = store.create_client(profile, dt(NOW)).unwrap();
    let field = "all the words of a long letter she read out, ".repeat(5800);
    let field = &field[..field.len().min(256 * 1024 - 64)];
    let note =
        NewSession { topics: vec![field.to_string(); 8], notes: field.replace(", ", ",\n"), ..Default::default() };
    store.update(&r.client.id, dt(NOW), "note added", |r| r.add_session(note, dt(NOW))).unwrap();
    let mut m = model(&store);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    update(&mut m, Action::SwitchTab);
    for effect in update(&mut m, Action::Open) {
        if let Some(a) = rapport::tui::effects::run(&store, effect, dt(NOW)) {
            update(&mut m, a);
        }
    }
    terminal.draw(|f| view(&m, f)).unwrap();
    c.bench_function("a 2.25 MiB note: first frame showing it (80x24)", |b| {
        b.iter(|| {
            m.generation += 1;
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
    c.bench_function("a 2.25 MiB note: PgDn to frame (80x24)", |b| {
        b.iter(|| {
            update(&mut m, Action::PageDown);
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
}

criterion_group! {
    name = practice_benches;
    config = Criterion::default().sample_size(30);
    targets = benches, long_note
}
criterion_main!(practice_benches);
