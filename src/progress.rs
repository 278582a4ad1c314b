//! How far a long piece of work has got (encrypting a folder, restoring a
//! snapshot, rebuilding the index, writing a generated practice, setting up
//! a sync): the core counts its steps and tells a [`Progress`]; a face
//! shows them (the CLI's bar on a terminal) or not ([`Quiet`]). The core
//! never draws anything itself.

/// Told, as a piece of work goes on, that `done` of its `total` steps are
/// done: 0 of `total` as it starts, then each step, up to `total` of
/// `total`. A closure `|done, total| …` is one.
pub trait Progress {
    fn step(&mut self, done: usize, total: usize);
}

/// Tells nobody: for the app, scripts' library callers and the tests that
/// do not look.
pub struct Quiet;

impl Progress for Quiet {
    fn step(&mut self, _: usize, _: usize) {}
}

impl<F: FnMut(usize, usize)> Progress for F {
    fn step(&mut self, done: usize, total: usize) {
        self(done, total)
    }
}

/// Counts the steps of one piece of work of a known size, telling `to`.
pub struct Steps<'a> {
    done: usize,
    total: usize,
    to: &'a mut dyn Progress,
}

impl<'a> Steps<'a> {
    /// A piece of work of `total` steps, none done yet (said so at once).
    pub fn new(total: usize, to: &'a mut dyn Progress) -> Steps<'a> {
        to.step(0, total);
        Steps { done: 0, total, to }
    }

    /// One more step done (never past the total).
    pub fn one(&mut self) {
        self.done = (self.done + 1).min(self.total);
        self.to.step(self.done, self.total);
    }

    /// Every step done, whatever was counted: the work is over.
    pub fn finish(mut self) {
        if self.done < self.total {
            self.done = self.total;
            self.to.step(self.done, self.total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_steps_told_go_up_to_the_total_and_no_further() {
        let mut seen = Vec::new();
        let mut record = |done, total| seen.push((done, total));
        let mut steps = Steps::new(2, &mut record);
        steps.one();
        steps.one();
        steps.one();
        steps.finish();
        assert_eq!(seen, [(0, 2), (1, 2), (2, 2), (2, 2)]);
    }
}
