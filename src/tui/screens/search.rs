//! Search every note (Ctrl-F): as you type, newest first, Enter opens the
//! session.

use crate::domain::SessionId;
use crate::domain::find::NameQuery;
use crate::domain::time::format_day_near;
use crate::fit::fit;
use crate::store::search::Found;
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::input::{TextInput, type_line};
use crate::tui::keys::{Binding, Context, DOWN, ENTER, ESC, UP, b};
use crate::tui::screens::list::{Rows, step};
use crate::tui::screens::{fit_line, panel};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::ListItem;

#[derive(Debug, Clone)]
pub struct SearchView {
    pub input: TextInput,
    /// What the shown results were found for, and what was found.
    pub results: Option<(String, Result<Found, String>)>,
    pub selected: usize,
    /// Enter was pressed before the results for what is typed came back:
    /// the first of them opens when they do.
    pub open_when_found: bool,
    /// Down was pressed on the last result shown while more were found:
    /// the next is selected when they come.
    pub more_wanted: bool,
}

impl SearchView {
    pub fn query(&self) -> String {
        self.input.text().trim().to_string()
    }
}

/// The search screen, with nothing typed yet.
pub fn open() -> SearchView {
    SearchView {
        input: TextInput::one_line(""),
        results: None,
        selected: 0,
        open_when_found: false,
        more_wanted: false,
    }
}

pub fn view(v: &SearchView, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let [input_area, results_area] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
    let block = panel("Search every note, task and personal detail", true, theme);
    let inner = block.inner(input_area);
    frame.render_widget(block, input_area);
    frame.render_widget(&v.input, inner);

    let (title, lines): (String, Vec<ListItem>) = match &v.results {
        None => {
            ("Results".into(), vec![ListItem::new(Line::styled("Type words to find; all must match.", theme.quiet()))])
        }
        Some((_, Err(e))) => ("Results".into(), vec![ListItem::new(Line::styled(e.clone(), theme.error()))]),
        Some((q, Ok(found))) if found.hits.is_empty() => {
            let cols = usize::from(results_area.width.saturating_sub(2));
            ("Results (0)".into(), vec![nothing_found(ctx, q, cols)])
        }
        Some((_, Ok(found))) => {
            let title = if found.total > found.hits.len() {
                format!("Results ({} newest of {})", found.hits.len(), found.total)
            } else {
                format!("Results ({})", found.total)
            };
            let today = ctx.now.date();
            let cols = usize::from(results_area.width.saturating_sub(2));
            let items = found
                .hits
                .iter()
                .map(|h| {
                    let name = ctx
                        .roster
                        .summary(h.client.as_str())
                        .map_or_else(|| h.client.to_string(), |s| s.display_name());
                    let head = fit_line(
                        Line::from(vec![
                            Span::styled(name, theme.title()),
                            Span::styled(
                                format!(" · {} · {}", format_day_near(h.date, today), h.place.label()),
                                theme.quiet(),
                            ),
                        ]),
                        cols,
                    );
                    let mut spans = vec![Span::raw("  ")];
                    let mut at = 0;
                    for &(a, b) in h.marks.iter().filter(|&&(a, b)| b <= h.snippet.len() && a < b) {
                        if a < at {
                            continue;
                        }
                        spans.push(Span::raw(h.snippet[at..a].to_string()));
                        spans.push(Span::styled(h.snippet[a..b].to_string(), theme.ask()));
                        at = b;
                    }
                    spans.push(Span::raw(h.snippet[at..].to_string()));
                    // A snippet longer than the line ends in `…`.
                    ListItem::new(vec![head, fit_line(Line::from(spans), cols)])
                })
                .collect();
            (title, items)
        }
    };
    let block = panel(title, false, theme);
    let inner = block.inner(results_area);
    frame.render_widget(block, results_area);
    // Results are two lines each; a message in their place is not selectable.
    let hits = matches!(&v.results, Some((_, Ok(found))) if !found.hits.is_empty());
    let mut lines: Vec<Option<ListItem>> = lines.into_iter().map(Some).collect();
    let rows = Rows { row_height: 2, ..Rows::new(lines.len(), hits.then_some(v.selected), theme.selected()) };
    rows.draw(frame, inner, |i, _| lines[i].take().unwrap_or_else(|| ListItem::new("")));
}

/// What an empty search says: words that name a client point to `/` in
/// the client list, which finds clients (the search reads only notes,
/// tasks and details).
fn nothing_found<'a>(ctx: &Ctx, query: &str, cols: usize) -> ListItem<'a> {
    let theme = ctx.theme;
    let named = NameQuery::new(query);
    let clients: Vec<String> = ctx
        .roster
        .clients
        .iter()
        .filter_map(|c| c.summary.as_ref().ok())
        .filter(|s| named.answered_by(&s.name, s.preferred_name.as_deref()))
        .map(|s| s.display_name())
        .collect();
    let nothing = Line::styled(fit(&format!("Nothing in the notes for '{query}'."), cols).into_owned(), theme.quiet());
    let find = ctx.key_for(Context::Clients, Action::Filter);
    let who = match clients.as_slice() {
        [] => return ListItem::new(nothing),
        [one] => format!("the client {one}"),
        [some @ .., last] if some.len() < 3 => format!("the clients {} or {last}", some.join(", ")),
        many => format!("the {} clients so named", many.len()),
    };
    ListItem::new(vec![nothing, Line::raw(fit(&format!("To find {who}, press {find} in Clients."), cols).into_owned())])
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Search, &[UP], Action::Up, "previous result", false),
    b(Context::Search, &[DOWN], Action::Down, "next result", false),
    b(Context::Search, &[ENTER], Action::Open, "open the session", true),
    b(Context::Search, &[ESC], Action::Back, "back", true),
];

// ---- Keys -------------------------------------------------------------------

pub fn update(v: &mut SearchView, ctx: &Ctx, action: Action) -> Outcome {
    let before = v.query();
    match action {
        action @ (Action::Input(_) | Action::Paste(_)) => {
            if let Some(why) = type_line(&mut v.input, action) {
                return Outcome::error(why);
            }
        }
        Action::Up | Action::Down => {
            let (n, total) = match &v.results {
                Some((_, Ok(f))) => (f.hits.len(), f.total),
                _ => (0, 0),
            };
            if action == Action::Down && n > 0 && v.selected + 1 == n && total > n {
                // Only the results that fit are made ready; the next ones now.
                v.more_wanted = true;
                return Outcome::effect(Effect::Search { query: v.query(), limit: n + page(ctx.size) });
            }
            v.selected = step(v.selected, n, action == Action::Down);
        }
        Action::Open if v.results.as_ref().is_none_or(|(q, _)| *q != v.query()) => {
            v.open_when_found = !v.query().is_empty();
            return Outcome::none();
        }
        Action::Open => {
            let hit = match &v.results {
                Some((_, Ok(f))) => f.hits.get(v.selected),
                _ => None,
            };
            return hit.map_or_else(Outcome::none, |hit| Outcome::go(open_hit(hit)));
        }
        Action::Back => return Outcome::go(Go::Home),
        _ => {}
    }
    v.open_when_found = false;
    v.more_wanted = false;
    let query = v.query();
    if query == before {
        return Outcome::none();
    }
    if query.is_empty() {
        v.results = None;
        return Outcome::none();
    }
    Outcome::effect(Effect::Search { query, limit: page(ctx.size) })
}

/// How many results are asked for at a time: what a window of `size`
/// shows (two lines each, below the tabs, the search line and above the
/// keys), so each keystroke's search makes snippets only for what can be
/// seen.
pub(crate) fn page(size: (u16, u16)) -> usize {
    usize::from(size.1.saturating_sub(6) / 2).max(8)
}

/// Takes in the results of a search: shown if they are for what is typed
/// now, and the first opened if Enter was pressed while they were on the way.
pub fn found(v: &mut SearchView, query: String, result: Result<Found, String>) -> Outcome {
    if v.query() != query {
        return Outcome::none();
    }
    let first = result.as_ref().ok().and_then(|f| f.hits.first().cloned());
    let more = std::mem::take(&mut v.more_wanted) && v.results.as_ref().is_some_and(|(q, _)| *q == query);
    let shown = result.as_ref().map_or(0, |f| f.hits.len());
    v.results = Some((query, result));
    v.selected = if more { (v.selected + 1).min(shown.saturating_sub(1)) } else { 0 };
    match first {
        Some(hit) if std::mem::take(&mut v.open_when_found) => Outcome::go(open_hit(&hit)),
        _ => Outcome::none(),
    }
}

/// The session a hit was found in, on the client list (the client alone
/// for a hit outside a note).
fn open_hit(hit: &crate::store::search::Hit) -> Go {
    Go::Session { client: hit.client.clone(), session: hit.session.as_ref().map(|s| SessionId::new(s.as_str())) }
}
