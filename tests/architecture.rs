//! The TUI's shape, checked from its source: each screen is one room (it
//! never names the top `Model` nor imports the key table), and no module
//! in `src/tui` imports one that imports it back. A module is a file; a
//! path names the longest module it reaches (`crate::tui::screens::help::view`
//! is `screens/help.rs`). `#[cfg(test)]` modules are left out.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Screens not yet turned into rooms: they still take the whole `Model`.
/// The list only shrinks (it is empty now: every screen is a room); a
/// screen converted is taken off it.
const NOT_YET_ROOMS: &[&str] = &[];

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// "screens::note_form" for src/tui/screens/note_form/mod.rs.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The source without its `#[cfg(test)]` module and comments.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

/// Every path to another TUI module in `text`, as module segments
/// (`use` groups expanded one level: `use super::{a, b::c}`).
fn paths(text: &str, module: &[String], is_mod_rs: bool) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let starts = ["crate::tui::", "super::", "self::"];
    let mut i = 0;
    while i < chars.len() {
        let rest: String = chars[i..chars.len().min(i + 12)].iter().collect();
        let prev_ok = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        let Some(start) = starts.iter().find(|s| rest.starts_with(*s)).filter(|_| prev_ok) else {
            i += 1;
            continue;
        };
        // Read the path and, if it ends in `{`, its group.
        let mut j = i;
        while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == ':') {
            j += 1;
        }
        let path: String = chars[i..j].iter().collect();
        let mut tails = vec![String::new()];
        if j < chars.len() && chars[j] == '{' {
            let close = chars[j..].iter().position(|&c| c == '}').map_or(chars.len(), |p| j + p);
            let group: String = chars[j + 1..close].iter().collect();
            tails = group.split(',').map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).collect();
            j = close;
        }
        // The base module the path starts from.
        let mut base: Vec<String> = match *start {
            "crate::tui::" => Vec::new(),
            _ => {
                let mut b = module.to_vec();
                if !is_mod_rs {
                    b.pop(); // a file's `super` is its folder's module
                }
                if *start == "super::" && is_mod_rs {
                    b.pop();
                }
                if *start == "self::" && !is_mod_rs {
                    b = module.to_vec();
                }
                b
            }
        };
        let mut segs: Vec<String> =
            path[start.len()..].split("::").filter(|s| !s.is_empty()).map(String::from).collect();
        // `super::super::x`
        while segs.first().is_some_and(|s| s == "super") {
            segs.remove(0);
            base.pop();
        }
        for tail in tails {
            let mut full = base.clone();
            full.extend(segs.iter().cloned());
            full.extend(tail.split("::").map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && s != "self"));
            found.push(full);
        }
        i = j.max(i + 1);
    }
    found
}

/// The module a path reaches: its longest prefix that is a module.
fn reaches(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len()).rev().map(|n| path[..n].to_vec()).find(|p| modules.contains(p))
}

struct Graph {
    edges: BTreeMap<String, BTreeSet<String>>,
    texts: BTreeMap<String, String>,
}

fn graph() -> Graph {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tui");
    let mut files = Vec::new();
    rs_files(&root, &mut files);
    let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&root, f)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut texts = BTreeMap::new();
    for f in &files {
        let module = module_of(&root, f);
        let name = module.join("::");
        let text = code(&fs::read_to_string(f).unwrap());
        let is_mod_rs = f.file_name().is_some_and(|n| n == "mod.rs");
        for p in paths(&text, &module, is_mod_rs) {
            if let Some(to) = reaches(&p, &modules).filter(|to| !to.is_empty() && *to != module) {
                edges.entry(name.clone()).or_default().insert(to.join("::"));
            }
        }
        texts.insert(name, text);
    }
    Graph { edges, texts }
}

/// Each pair of modules that import each other, directly or around a circle.
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    for start in g.edges.keys() {
        // Breadth first: the shortest way back to `start`.
        let mut from: BTreeMap<String, String> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.clone()]);
        let mut back = None;
        while let Some(at) = queue.pop_front() {
            for next in g.edges.get(&at).into_iter().flatten() {
                if next == start {
                    back = Some(at.clone());
                    break;
                }
                if !from.contains_key(next) {
                    from.insert(next.clone(), at.clone());
                    queue.push_back(next.clone());
                }
            }
            if back.is_some() {
                break;
            }
        }
        if let Some(mut at) = back {
            let mut circle = vec![at.clone()];
            while at != *start {
                at = from[&at].clone();
                circle.push(at.clone());
            }
            circle.reverse();
            let key: BTreeSet<String> = circle.iter().cloned().collect();
            if seen.insert(key.into_iter().collect::<Vec<_>>()) {
                found.push(circle);
            }
        }
    }
    found
}

#[test]
fn each_screen_is_one_room_it_never_names_the_model_nor_the_key_table() {
    let g = graph();
    let mut offenders = Vec::new();
    for (module, text) in &g.texts {
        if !module.starts_with("screens::") || NOT_YET_ROOMS.contains(&module.as_str()) {
            continue;
        }
        let to = g.edges.get(module).cloned().unwrap_or_default();
        if text.contains("Model") || to.contains("model") {
            offenders.push(format!("{module} names Model"));
        }
        if to.contains("keymap") || to.contains("update") || to.contains("nav") {
            offenders.push(format!(
                "{module} imports {:?}",
                to.intersection(&["keymap", "update", "nav"].map(String::from).into()).collect::<Vec<_>>()
            ));
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
    // The list of screens still to convert only shrinks: a room off it
    // that still names the Model would be caught above.
    for module in NOT_YET_ROOMS {
        assert!(g.texts.contains_key(*module), "{module} is gone: take it off NOT_YET_ROOMS");
    }
    eprintln!("screens still to turn into rooms: {NOT_YET_ROOMS:?}");
}

#[test]
fn the_leaf_modules_import_no_screen_and_no_module_imports_one_that_imports_it_back() {
    let g = graph();
    // What every screen stands on imports no screen and no Model.
    for leaf in ["keys", "ctx", "roster", "popup", "draft", "action", "input", "theme", "sync"] {
        let to = g.edges.get(leaf).cloned().unwrap_or_default();
        let bad: Vec<&String> = to
            .iter()
            .filter(|t| t.starts_with("screens") || ["model", "keymap", "update", "nav"].contains(&t.as_str()))
            .collect();
        assert!(bad.is_empty(), "{leaf} imports {bad:?}");
    }
    let circles = cycles(&g);
    for c in &circles {
        eprintln!("import circle: {}", c.join(" → "));
    }
    eprintln!("{} import circles left in src/tui", circles.len());
    // Every screen is a room now: none is left to hold a circle.
    assert!(circles.is_empty(), "import circles in src/tui: {circles:?}");
}

/// Sync writes into the data folder only through the store's one door
/// (`store::synced`): no file of `src/sync` writes or removes a path it
/// makes from the folder's root itself (what it keeps in `.git/rapport`
/// it names through `state::dir`), and the store never imports sync.
#[test]
fn sync_writes_the_data_folder_only_through_the_store_and_the_store_never_imports_sync() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src.join("sync"), &mut files);
    let writes = ["write_atomic(", "std::fs::write(", "remove_file(", "remove_dir_all(", "create_dir_all("];
    let mut offenders = Vec::new();
    for f in &files {
        let text = code(&fs::read_to_string(f).unwrap());
        for w in writes {
            for (i, _) in text.match_indices(w) {
                let arg: String = text[i + w.len()..].chars().take(40).collect();
                let arg = arg.trim_start_matches('&');
                if arg.starts_with("root.join(") || arg.starts_with("git.root().join(") || arg.starts_with("root,") {
                    offenders.push(format!("{}: {w}{arg}", f.display()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
    let mut store = Vec::new();
    rs_files(&src.join("store"), &mut store);
    let importing: Vec<_> =
        store.iter().filter(|f| code(&fs::read_to_string(f).unwrap()).contains("crate::sync")).collect();
    assert!(importing.is_empty(), "{importing:?}");
    assert!(files.len() > 10, "the sync modules were found");
}
