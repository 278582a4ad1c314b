//! Benchmarks on two generated practices, 100 and 1,500 clients x 30
//! sessions (3,000 and 45,000 notes), each figure at both sizes so its
//! growth shows. Every note is finalised (the ledger holds an entry for
//! each, as a practice that has used Rapport for years), and one note holds
//! a rare word. Kept in target/bench-practice-N between runs (the same
//! folders `scripts/bench-tui.sh` makes).

use std::path::{Path, PathBuf};

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
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
const SIZES: [(usize, &str); 2] = [(100, "3,000 notes"), (1500, "45,000 notes")];
/// The client every one-client figure is about, in both practices.
const CLIENT: &str = "ada-kaur-00050";
/// In one note of `CLIENT`, and nowhere else.
const RARE: &str = "marmalade";

fn practice(clients: usize) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-practice-{clients}"));
    if !dir.join("ledger").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        generate(&dir, &Spec { clients, sessions: 30, seed: 1 }, dt(NOW), &mut rapport::progress::Quiet)
            .expect("generating the practice");
        let store = Store::open(&dir).unwrap();
        // A change to each client seals the notes whose editing period ran out.
        for id in store.client_ids().unwrap() {
            store.update(&id, dt(NOW), "bench", |_| Ok(())).unwrap();
        }
        let note = NewSession { topics: vec![RARE.into()], ..Default::default() };
        store
            .update(&rapport::domain::ClientId::new(CLIENT), dt(NOW), "bench", |r| r.add_session(note, dt(NOW)))
            .unwrap();
        store.index_checked().unwrap();
    }
    dir
}

fn model(store: &Store) -> Model {
    let mut rt = Runtime::open(store.clone(), dt(NOW), Theme { color: true }).unwrap();
    rt.dispatch(Action::Tick(dt(NOW)));
    rt.model
}

fn press(m: &mut Model, store: &Store, action: Action) {
    for effect in update(m, action) {
        if let Some(a) = rapport::tui::effects::run(store, effect, dt(NOW)) {
            update(m, a);
        }
    }
}

fn growth(c: &mut Criterion) {
    let practices: Vec<(&str, PathBuf)> = SIZES.iter().map(|&(n, label)| (label, practice(n))).collect();
    let mut group = |name: &str, run: &mut dyn FnMut(&mut criterion::Bencher, &Path)| {
        let mut g = c.benchmark_group(name);
        for (label, dir) in &practices {
            g.bench_with_input(BenchmarkId::from_parameter(label), dir.as_path(), |b, dir| run(b, dir));
        }
        g.finish();
    };
    group("open the index", &mut |b, dir| b.iter(|| Store::open(dir).unwrap().index().unwrap().len()));
    group("open the practice and build the model", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        b.iter(|| model(&store).roster.clients.len())
    });
    group("review by name: find, load, build the review", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        b.iter(|| {
            let names = store.client_names().unwrap();
            let id = rapport::cli::resolve(&names, "ada kaur").unwrap().id.clone();
            let r = store.load(&id).unwrap();
            summary(&r, None, dt(NOW)).sections(dt(NOW).date()).len()
        })
    });
    group("client list: keypress to frame (update + load + view)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        let mut m = model(&store);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        update(&mut m, Action::SwitchTab);
        b.iter(|| {
            press(&mut m, &store, Action::Down);
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
    group("Today: keypress to frame (update + view, 120x40)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        let mut m = model(&store);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        b.iter(|| {
            update(&mut m, Action::Down);
            update(&mut m, Action::Up);
            terminal.draw(|f| view(&m, f)).unwrap();
        })
    });
    group("filter the client list by name (one key)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        let mut m = model(&store);
        update(&mut m, Action::SwitchTab);
        update(&mut m, Action::Filter);
        b.iter(|| {
            update(&mut m, Action::Input(KeyEvent::new(KeyCode::Char('m'), KeyModifiers::NONE)));
            update(&mut m, Action::Input(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE)));
        })
    });
    group("search a rare word (20 hits at most, as the command)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        b.iter(|| store.search(RARE, None, 20).unwrap().total)
    });
    group("search: sleep diary (20 hits at most)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        b.iter(|| store.search("sleep diary", None, 20).unwrap().total)
    });
    group("Ctrl-F: one keystroke's search, typing w … wedding (17 hits, 120x40)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        let mut typed = 0;
        b.iter(|| {
            typed = typed % 7 + 1;
            store.search(&"wedding"[..typed], None, 17).unwrap().total
        })
    });
    group("save a note (fsync, ledger witness, index and search)", &mut |b, dir| {
        let store = Store::open(dir).unwrap();
        let path = store.client_path(&rapport::domain::ClientId::new(CLIENT));
        let original = std::fs::read(&path).unwrap();
        b.iter_batched(
            || std::fs::write(&path, &original).unwrap(),
            |()| {
                let note = NewSession { topics: vec!["bench".into()], notes: "x ".repeat(800), ..Default::default() };
                store
                    .update(&rapport::domain::ClientId::new(CLIENT), dt(NOW), "note added", |r| {
                        r.add_session(note, dt(NOW))
                    })
                    .unwrap()
            },
            BatchSize::PerIteration,
        );
        std::fs::write(&path, &original).unwrap();
        store.index_checked().unwrap();
    });
    let dir = &practices[1].1;
    let store = Store::open(dir).unwrap();
    c.bench_function("load one client and build the review", |b| {
        b.iter(|| {
            let r = store.load(&rapport::domain::ClientId::new(CLIENT)).unwrap();
            summary(&r, None, dt(NOW)).sections(dt(NOW).date()).len()
        })
    });
}

/// The large practice encrypted (`rapport encrypt`), as `scripts/bench-tui.sh`
/// keeps it, opened with its key already unlocked (as after `rapport unlock`).
fn encrypted(c: &mut Criterion) {
    const PASSPHRASE: &str = "a passphrase for the benchmark only";
    let plain = practice(1500);
    let dir = PathBuf::from(format!("{}-encrypted", plain.display()));
    if !dir.join("identity.age").exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let copied = std::process::Command::new("cp").arg("-a").arg(&plain).arg(&dir).status().unwrap();
        assert!(copied.success(), "copying the practice");
        rapport::store::Store::encrypt_folder(&dir, PASSPHRASE, dt(NOW), &mut rapport::progress::Quiet)
            .expect("encrypting the practice");
    }
    let keys = rapport::store::crypt::Keys::unlock(&dir, PASSPHRASE).unwrap();
    let store = Store::open_unlocked(&dir, keys).unwrap();
    store.index_checked().unwrap();
    c.bench_function("encrypted, unlocked: open the index and build the model (45,000 notes)", |b| {
        b.iter(|| model(&store).roster.clients.len())
    });
    c.bench_function("encrypted, unlocked: load one client and build the review", |b| {
        b.iter(|| {
            let r = store.load(&rapport::domain::ClientId::new(CLIENT)).unwrap();
            summary(&r, None, dt(NOW)).sections(dt(NOW).date()).len()
        })
    });
    // As the plain figure: each note saved to the record as it was.
    let path = store.client_path(&rapport::domain::ClientId::new(CLIENT));
    let original = std::fs::read(&path).unwrap();
    c.bench_function("encrypted, unlocked: save a note (fsync, ledger, index and search)", |b| {
        b.iter_batched(
            || std::fs::write(&path, &original).unwrap(),
            |()| {
                let note = NewSession { topics: vec!["bench".into()], notes: "x ".repeat(800), ..Default::default() };
                store
                    .update(&rapport::domain::ClientId::new(CLIENT), dt(NOW), "note added", |r| {
                        r.add_session(note, dt(NOW))
                    })
                    .unwrap()
            },
            BatchSize::PerIteration,
        )
    });
    std::fs::write(&path, &original).unwrap();
    store.index_checked().unwrap();
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
    press(&mut m, &store, Action::Open);
    terminal.draw(|f| view(&m, f)).unwrap();
    c.bench_function("a 2.25 MiB note: first frame showing it (80x24)", |b| {
        b.iter(|| {
            m.roster.generation += 1;
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
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = growth, encrypted, long_note
}
criterion_main!(practice_benches);
