//! The Practice screen: the practice log at a glance. This month and this
//! year (client hours, supervision against what is due, CPD), client hours
//! week by week as a bar chart, hours toward the target, the months short
//! of supervision, and the questions to bring to the next supervision.
//! Its figures are counted on the worker (`practice::supervision::overview`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Paragraph, Wrap};

use crate::domain::hours::format_hours;
use crate::practice::supervision::Overview;
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::{Binding, Context, ESC, b, k};
use crate::tui::screens::{fit_line, panel};

/// The screen's own state: its figures once counted, or why they could not be.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PracticeView {
    pub figures: Option<Result<Box<Overview>, String>>,
}

// ---- This screen's keys ------------------------------------------------------

/// This screen's slice of the one key table.
pub static KEYS: &[Binding] = &[
    b(Context::Practice, &[k('r')], Action::Reload, "count again", true)
        .about("count the figures again (after `rapport supervision add` in another window)"),
    b(Context::Practice, &[ESC], Action::Back, "back", true),
    b(Context::Practice, &[k('?')], Action::Help, "help", true),
];

// ---- Keys -------------------------------------------------------------------

/// The screen, with its figures to count.
pub fn open() -> (PracticeView, Effect) {
    (PracticeView::default(), Effect::CountPractice)
}

pub fn update(v: &mut PracticeView, _ctx: &Ctx, action: Action) -> Outcome {
    match action {
        Action::Reload => {
            v.figures = None;
            Outcome::effect(Effect::CountPractice)
        }
        Action::Back => Outcome::go(Go::Back),
        _ => Outcome::none(),
    }
}

/// The figures, counted on the worker.
pub fn counted(v: &mut PracticeView, figures: Result<Box<Overview>, String>) {
    v.figures = Some(figures);
}

// ---- Drawing ----------------------------------------------------------------

fn h(minutes: u64) -> String {
    format!("{} h", format_hours(minutes))
}

pub fn view(v: &PracticeView, ctx: &Ctx, frame: &mut Frame, area: Rect) {
    let theme = ctx.theme;
    let o = match &v.figures {
        None => return frame.render_widget(Paragraph::new("Counting the practice's hours…"), area),
        Some(Err(e)) => {
            let text = format!("The practice log could not be counted: {e}");
            return frame.render_widget(Paragraph::new(text).style(theme.error()).wrap(Wrap { trim: true }), area);
        }
        Some(Ok(o)) => o,
    };
    let cols = usize::from(area.width);
    let mut top = Vec::new();
    let short = o.month.supervision_minutes < o.month_due_minutes;
    top.push(Line::from(vec![
        Span::styled(format!("{:<14}", o.month.label), theme.heading()),
        Span::raw(format!("client {}  ", h(o.month.client_minutes))),
        Span::styled(
            format!("supervision {} of {} due", h(o.month.supervision_minutes), h(o.month_due_minutes)),
            if short { theme.ask() } else { theme.credit() },
        ),
        Span::raw(format!("  CPD {}", h(o.month.cpd_minutes))),
    ]));
    let ratio = match (o.year.client_minutes, o.year.supervision_minutes) {
        (c, s) if s > 0 && c > 0 => format!(" (1 h per {:.1} client h)", c as f64 / s as f64),
        _ => String::new(),
    };
    top.push(Line::from(vec![
        Span::styled(format!("{:<14}", o.year.label), theme.heading()),
        Span::raw(format!(
            "client {}  supervision {}{ratio}  CPD {}",
            h(o.year.client_minutes),
            h(o.year.supervision_minutes),
            h(o.year.cpd_minutes)
        )),
    ]));
    top.push(match o.target_hours {
        Some(t) => {
            let pct = o.all_client_minutes * 100 / (u64::from(t) * 60).max(1);
            Line::from(vec![
                Span::styled(format!("{:<14}", "Toward target"), theme.heading()),
                Span::raw(format!("{} of {t} client hours ({pct}%)", h(o.all_client_minutes))),
            ])
        }
        None => Line::from(vec![
            Span::styled(format!("{:<14}", "All time"), theme.heading()),
            Span::raw(format!("{} client hours (set a target in config.json)", h(o.all_client_minutes))),
        ]),
    });
    let mut short_lines: Vec<Line> =
        o.warnings.iter().map(|w| Line::styled(crate::fit::fit(w, cols).into_owned(), theme.error())).collect();
    short_lines.extend(
        o.shortfalls
            .iter()
            .map(|s| fit_line(Line::styled(format!("Short {}: {}", s.month, s.said), theme.ask()), cols)),
    );
    if o.shortfalls_in_all > o.shortfalls.len() {
        let more = o.shortfalls_in_all - o.shortfalls.len();
        short_lines.push(Line::styled(
            format!("and {more} more {} short: `rapport hours` lists them", if more == 1 { "month" } else { "months" }),
            theme.quiet(),
        ));
    }
    let questions = o.questions.len().clamp(1, 6) as u16 + 2;
    let [head, chart, shorts, bring] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Max(14),
        Constraint::Length(short_lines.len() as u16),
        Constraint::Min(questions),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(top.into_iter().map(|l| fit_line(l, cols)).collect::<Vec<_>>()), head);

    // Client hours week by week: a bar a week, labelled by its Monday.
    let block = panel("Client hours per week", false, theme);
    let inner = block.inner(chart);
    frame.render_widget(block, chart);
    let width = (inner.width / o.weeks.len().max(1) as u16).saturating_sub(1).clamp(3, 7);
    // "21 Sep" where a bar is that wide, else "21/9".
    let label = if width >= 6 { "%-d %b" } else { "%-d/%-m" };
    let bars: Vec<Bar> = o
        .weeks
        .iter()
        .map(|(monday, minutes)| {
            Bar::default()
                .value(*minutes)
                .text_value(format_hours(*minutes))
                .label(Line::from(monday.format(label).to_string()))
                .style(Style::default())
        })
        .collect();
    frame.render_widget(
        BarChart::default()
            .data(BarGroup::default().bars(&bars))
            .bar_width(width)
            .bar_gap(1)
            .bar_style(theme.title())
            .value_style(theme.selected()),
        inner,
    );
    frame.render_widget(Paragraph::new(short_lines), shorts);
    let room = usize::from(bring.height.saturating_sub(2));

    let block = panel(format!("To bring to supervision ({})", o.questions.len()), false, theme);
    let lines: Vec<Line> = if o.questions.is_empty() {
        vec![Line::styled("Nothing kept yet: b in a client's review keeps a question.", theme.quiet())]
    } else {
        // What does not fit is counted, and `supervision list` lists it.
        let shown = if o.questions.len() > room { room.saturating_sub(1) } else { o.questions.len() };
        let more = o.questions.len() - shown;
        o.questions
            .iter()
            .take(shown)
            .map(|(name, id, text)| {
                fit_line(
                    Line::from(vec![Span::styled(format!("{name}, {id}: "), theme.heading()), Span::raw(text.clone())]),
                    cols.saturating_sub(4),
                )
            })
            .chain((more > 0).then(|| {
                Line::styled(format!("and {more} more: `rapport supervision list` lists them all"), theme.quiet())
            }))
            .collect()
    };
    frame.render_widget(Paragraph::new(lines).block(block), bring);
}
