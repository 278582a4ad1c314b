//! The note's lifecycle: opening a new note (or the one kept unsaved, first
//! claimed from the window that kept it), keeping it as a draft while it is
//! typed, discarding it, and what follows its save. What the app holds of
//! drafts follows the draft effects sent: the router keeps `drafts` in step
//! with each `SaveDraft` and `DeleteDraft`.

use super::NoteForm;
use crate::domain::{Appointment, ClientId};
use crate::tui::action::{Action, Effect};
use crate::tui::ctx::{Ctx, Go, Outcome};
use crate::tui::keys::Context;

/// How long typed text may wait before it is kept as a draft.
const DRAFT_DELAY_MS: i64 = 1000;

/// Opens a new note for `client` (or the one kept unsaved). It is for
/// `appointment` when given, else for the one just held or under way that
/// has no note yet, and takes that appointment's time and length.
///
/// A note another window kept (one that stopped) is first claimed for this
/// window, so two windows never restore the same note: the form opens when
/// the claim comes back (the router then calls [`form`]).
///
/// Returns the form to show (None: none yet) and what else follows.
pub fn open(ctx: &Ctx, client: &ClientId, appointment: Option<Appointment>) -> (Option<NoteForm>, Outcome) {
    if let Err(refused) = ctx.writable(client.as_str()) {
        return (None, refused.into());
    }
    if let Some(draft) = ctx.drafts.get(client).filter(|d| d.window != ctx.window) {
        let claim =
            Effect::ClaimDraft { client: client.clone(), from: draft.window.clone(), to: ctx.window.to_string() };
        return (None, Outcome::effect(claim).and_info("Opening the kept note…"));
    }
    form(ctx, client, appointment)
}

/// The form for `client`: the note kept unsaved when there is one, else a
/// blank one for `appointment` (see [`open`]).
pub fn form(ctx: &Ctx, client: &ClientId, appointment: Option<Appointment>) -> (Option<NoteForm>, Outcome) {
    let Some(summary) = ctx.roster.summary(client.as_str()) else { return (None, Outcome::none()) };
    let name = summary.display_name();
    let now = ctx.now;
    let appointment = appointment.or_else(|| match ctx.roster.record(client.as_str()) {
        Some(r) => r.appointment_for_note(now).cloned(),
        None => summary.appointment_for_note(now).cloned(),
    });
    let Some(mut draft) = ctx.drafts.get(client).filter(|d| d.restorable(now)).cloned() else {
        let day = appointment.as_ref().map_or(now.date(), |a| a.start.date());
        let taken = ctx.roster.record(client.as_str()).map(|r| r.pending_measure_names(day)).unwrap_or_default();
        let form = NoteForm::new(client.clone(), name, now, appointment.as_ref()).with_pending_measures(&taken);
        return (Some(form), Outcome::none());
    };
    // A draft kept before appointments had ids names it by its start.
    if draft.appointment_id.is_none()
        && let Some(start) = draft.appointment
    {
        draft.appointment_id = summary.appointment_at(start).map(|a| a.id.clone());
    }
    let kept = draft.kept_at.format("%a %-d %b %H:%M");
    let said = match appointment.filter(|a| draft.appointment_id.as_ref() != Some(&a.id)) {
        // One unsaved note per client: it opens first, and says it is not this appointment's.
        Some(a) => Outcome::error(format!(
            "This is the unsaved note kept {kept}, not the note for {}: save it ({}), then {} again for that \
             appointment.",
            a.start.format("%a %-d %b %H:%M"),
            ctx.key_for(Context::NoteForm, Action::Save),
            ctx.key_for(Context::Today, Action::NewNote),
        )),
        None if draft.discarded => Outcome::info(format!("Restored the note you discarded {kept}.")),
        None => Outcome::info(format!("Restored the unsaved note kept {kept}.")),
    };
    (Some(NoteForm::from_draft(client.clone(), name, &draft)), said)
}

/// The windows whose kept draft a note form stands for: this one, and the
/// one it was restored from.
pub fn drafts_of(form: &NoteForm, ctx: &Ctx) -> Vec<String> {
    std::iter::once(ctx.window.to_string()).chain(form.restored_from.clone()).collect()
}

/// Keeps the form's text as a draft once typing has paused.
pub fn keep_if_due(form: &mut NoteForm, ctx: &Ctx) -> Vec<Effect> {
    match form.unkept_since {
        Some(since) if (ctx.now - since).num_milliseconds() >= DRAFT_DELAY_MS => {
            form.unkept_since = None;
            vec![Effect::SaveDraft { client: form.client.clone(), draft: form.draft(ctx.now, ctx.window) }]
        }
        _ => vec![],
    }
}

/// Leaves the form for the home screen, its text thrown away. Nothing typed
/// is lost even so: it is kept, marked discarded, for `n` to bring back.
pub fn discard(form: &NoteForm, ctx: &Ctx) -> Outcome {
    let client = form.client.clone();
    if form.has_text() {
        let mut draft = form.draft(ctx.now, ctx.window);
        draft.discarded = true;
        let said = format!(
            "Discarded. {} on {} in the next {} hours brings it back.",
            ctx.key_for(Context::Clients, Action::NewNote),
            form.client_name,
            crate::tui::draft::DISCARDED_KEPT_HOURS
        );
        return Outcome::effect(Effect::SaveDraft { client, draft }).and_go(Go::Home).and_info(said);
    }
    if ctx.drafts.contains_key(&client) {
        return Outcome::effect(Effect::DeleteDraft { client, windows: drafts_of(form, ctx) }).and_go(Go::Home);
    }
    Outcome::go(Go::Home)
}

/// A note of `client`'s reached the disk: its draft goes (that of `form`,
/// the note form on screen, if any).
pub fn saved(form: Option<&NoteForm>, ctx: &Ctx, client: ClientId) -> Effect {
    let windows = form.map_or_else(|| vec![ctx.window.to_string()], |f| drafts_of(f, ctx));
    Effect::DeleteDraft { client, windows }
}

/// The text back from $EDITOR, in the field it was taken from.
pub fn editor_closed(form: &mut NoteForm, ctx: &Ctx, text: &str) -> Outcome {
    form.set_focused_text(text);
    form.unkept_since.get_or_insert(ctx.now);
    Outcome::info("Took the text back from the editor.")
}

/// The app is quitting: typed text is kept, to be offered back next time.
pub fn at_quit(form: &NoteForm, ctx: &Ctx) -> Vec<Effect> {
    if !form.has_text() {
        return vec![];
    }
    vec![Effect::SaveDraft { client: form.client.clone(), draft: form.draft(ctx.now, ctx.window) }]
}
