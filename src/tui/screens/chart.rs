//! A client's measures over time: a ratatui `Chart` per measure with its
//! cutoff drawn as a dotted line. ←/→ step from one measure to the next; a
//! tall window shows several at once. Readable without colour: the totals
//! are a fine (braille) line, the cutoff a row of dots, and the title says
//! what the latest total means.

use chrono::NaiveDateTime;
use ratatui::Frame;
use ratatui::crossterm::event::KeyCode;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Wrap};

use crate::domain::{ClientId, ClientRecord};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, DOWN, ESC, Key, UP, b, code, k};
use crate::tui::screens::list::step;
use crate::tui::screens::panel;

/// The chart's own state. Esc goes back to the screen it was opened from
/// (the router keeps that screen meanwhile).
#[derive(Debug, Clone, PartialEq)]
pub struct ChartView {
    pub client: ClientId,
    /// The measure shown first (by the review's order: ORS, SRS, PHQ-9, GAD-7, custom).
    pub first: usize,
}

/// The fewest rows a chart is drawn in; a taller window fits more charts.
const CHART_ROWS: u16 = 12;

/// Days (with the time of day as a fraction) from `origin` to `at`.
fn days(origin: NaiveDateTime, at: NaiveDateTime) -> f64 {
    (at - origin).num_minutes() as f64 / (24.0 * 60.0)
}

pub fn view(v: &ChartView, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let Some(r) = ctx.roster.record(v.client.as_str()) else {
        frame.render_widget(Paragraph::new("Reading the record…"), area);
        return;
    };
    let trends = r.trends(NaiveDateTime::MAX);
    let names: Vec<&str> = trends.iter().map(|t| t.name.as_str()).collect();
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
    let mut title = vec![Span::styled("Measures · ", theme.quiet()), Span::styled(r.display_name(), theme.title())];
    for (i, n) in names.iter().enumerate() {
        let style = if i == v.first { theme.selected() } else { theme.quiet() };
        title.extend([Span::raw("  "), Span::styled(n.to_string(), style)]);
    }
    frame.render_widget(Paragraph::new(Line::from(title)), head);
    if trends.is_empty() {
        let text = format!(
            "No measures yet for {}. In the review, m records scores for today's session \
             (or `rapport measure add`).",
            r.called()
        );
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), body);
        return;
    }
    let first = v.first.min(trends.len() - 1);
    let room = usize::from((body.height / CHART_ROWS).max(1));
    let shown = &trends[first..trends.len().min(first + room)];
    // Every chart shares one time axis, so they line up.
    let (Some(start), Some(end)) = (r.measures.iter().map(|m| m.at).min(), r.measures.iter().map(|m| m.at).max())
    else {
        return;
    };
    let span = days(start, end).max(1.0);
    let areas = Layout::vertical(vec![Constraint::Ratio(1, shown.len() as u32); shown.len()]).split(body);
    for (t, area) in shown.iter().zip(areas.iter()) {
        draw_one(frame, *area, ctx.theme, r, t, start, span);
    }
}

fn draw_one(
    frame: &mut Frame,
    area: Rect,
    theme: &crate::tui::theme::Theme,
    r: &ClientRecord,
    t: &crate::domain::measures::Trend,
    start: NaiveDateTime,
    span: f64,
) {
    let Some(scale) = r.scale(&t.kind) else { return };
    let points: Vec<(f64, f64)> =
        r.measures.iter().filter(|x| x.kind == t.kind).map(|x| (days(start, x.at), x.total.as_f64())).collect();
    let line: Vec<(f64, f64)> = scale.line().map(|c| vec![(0.0, c.as_f64()), (span, c.as_f64())]).unwrap_or_default();
    let graph = if points.len() > 1 { GraphType::Line } else { GraphType::Scatter };
    // No legend box over the data: the bottom border says what is what.
    // The cutoff is drawn first, so the totals stay visible where they meet it.
    let mut key = format!(" ⠤⠒ {} totals ", scale.name);
    let mut datasets = Vec::new();
    if let Some(c) = scale.line() {
        let what = if scale.line() == scale.cutoff { "cutoff" } else { "concern at or below" };
        key.push_str(&format!("· ••• {what} {c} "));
        datasets
            .push(Dataset::default().marker(Marker::Dot).graph_type(GraphType::Line).style(theme.quiet()).data(&line));
    }
    datasets.push(Dataset::default().marker(Marker::Braille).graph_type(graph).style(theme.title()).data(&points));
    let max = scale.max_total();
    let day = |d: f64| (start + chrono::Duration::minutes((d * 24.0 * 60.0) as i64)).format("%-d %b").to_string();
    let x_labels = vec![Span::raw(day(0.0)), Span::raw(day(span / 2.0)), Span::raw(day(span))];
    // Labels are spread evenly, so only the ends are named: any between
    // would sit at a value they do not say.
    let y_labels = vec![Span::raw("0"), Span::raw(max.to_string())];
    let mut heading = format!("{} ({}) · latest {}", scale.name, scale.about, t.latest);
    if let Some(b) = &t.band {
        heading.push_str(&format!(" ({b})"));
    }
    if let Some(c) = &t.change {
        heading.push_str(&format!(" · {} → {}", c.from, t.latest));
        if let Some(reading) = c.reading {
            heading.push_str(&format!(": {}", reading.label()));
        }
    }
    // Cut, the heading ends in `…` (the reading is said whole in the review).
    let heading = crate::fit::fit(&heading, usize::from(area.width.saturating_sub(4))).into_owned();
    let block = panel(heading, false, theme).title_bottom(Line::styled(key, theme.quiet()).right_aligned());
    let chart = Chart::new(datasets)
        .block(block)
        .x_axis(Axis::default().bounds([0.0, span]).labels(x_labels).style(theme.quiet()))
        .y_axis(Axis::default().bounds([0.0, max.as_f64()]).labels(y_labels).style(theme.quiet()))
        .legend_position(None);
    frame.render_widget(chart, area);
}

// ---- This screen's keys ------------------------------------------------------

const LEFT: Key = code(KeyCode::Left);
const RIGHT: Key = code(KeyCode::Right);

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Chart, &[LEFT, UP, k('h'), k('k')], Action::Up, "previous measure", true),
    b(Context::Chart, &[RIGHT, DOWN, k('l'), k('j')], Action::Down, "next measure", true),
    b(Context::Chart, &[ESC], Action::Back, "back", true),
    b(Context::Chart, &[k('?')], Action::Help, "help", true),
];

// ---- Keys -------------------------------------------------------------------

/// The chart of `client`'s measures.
pub fn open(client: ClientId) -> ChartView {
    ChartView { client, first: 0 }
}

/// The client whose record the chart needs, while it is not loaded.
pub fn wants(v: &ChartView, ctx: &Ctx) -> Option<ClientId> {
    ctx.roster.unloaded(v.client.as_str())
}

pub fn update(v: &mut ChartView, ctx: &Ctx, action: Action) -> Outcome {
    let count = ctx.roster.record(v.client.as_str()).map_or(0, |r| r.trends(NaiveDateTime::MAX).len());
    match action {
        Action::Up | Action::Down => v.first = step(v.first, count, action == Action::Down),
        Action::Back => return Outcome::go(Go::Back),
        _ => {}
    }
    Outcome::none()
}
