//! The progress bar the CLI shows for long work, on standard error, only
//! when that is a terminal: piped or redirected, it stays quiet, so a
//! script's log holds what the command says and nothing else.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::Progress;

/// A bar for one piece of work, labelled `what` ("Encrypting"); drawn once
/// the core says how many steps there are, cleared when it is dropped.
pub struct Bar {
    what: &'static str,
    bar: Option<ProgressBar>,
}

impl Bar {
    pub fn new(what: &'static str) -> Bar {
        Bar { what, bar: None }
    }
}

impl Progress for Bar {
    fn step(&mut self, done: usize, total: usize) {
        let what = self.what;
        let bar = self.bar.get_or_insert_with(|| {
            if !std::io::stderr().is_terminal() {
                return ProgressBar::hidden();
            }
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            // No colour: the bar reads the same with NO_COLOR and on any theme.
            let style = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}")
                .expect("the template is valid")
                .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(what);
            bar
        });
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
