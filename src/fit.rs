//! Text cut to fit a number of terminal columns.
//!
//! Measured by display width (`unicode-width`: a CJK character takes two
//! columns, a combining accent none), never cut inside a character, and a
//! cut text always ends in `…`, so a reader knows there is more.

use std::borrow::Cow;

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns `text` takes on a terminal.
pub fn width(text: &str) -> usize {
    text.width()
}

/// `text` in at most `cols` columns: whole when it fits, else cut and ended
/// with `…`.
pub fn fit(text: &str, cols: usize) -> Cow<'_, str> {
    if text.width() <= cols {
        return Cow::Borrowed(text);
    }
    if cols == 0 {
        return Cow::Borrowed("");
    }
    let room = cols - 1;
    let mut used = 0;
    let mut end = 0;
    for (i, c) in text.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > room {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    let kept = text[..end].trim_end();
    Cow::Owned(format!("{kept}…"))
}

/// `text` in exactly `cols` columns: cut as [`fit`] does, then padded with
/// spaces (a `{:<n}` pads by characters, which a wide character misleads).
pub fn fit_exact(text: &str, cols: usize) -> String {
    let cut = fit(text, cols);
    let pad = cols.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

/// `text` then `tail` in at most `cols` columns: `text` is cut so that the
/// tail (a state, a count) always shows whole, when there is room for it.
pub fn fit_with_tail(text: &str, tail: &str, cols: usize) -> String {
    let tail_width = tail.width();
    if tail_width >= cols {
        return fit(&format!("{text}{tail}"), cols).into_owned();
    }
    format!("{}{tail}", fit(text, cols - tail_width))
}

/// `text` wrapped at word boundaries into lines of at most `cols` columns,
/// at most `max_lines` of them: what does not fit in those is cut from the
/// last, which then ends in `…`.
pub fn wrap(text: &str, cols: usize, max_lines: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines: Vec<String> = textwrap::wrap(text, cols).into_iter().map(|l| fit(&l, cols).into_owned()).collect();
    if lines.len() > max_lines.max(1) {
        let keep = max_lines.max(1);
        let rest = lines.split_off(keep).join(" ");
        let last = lines.pop().unwrap_or_default();
        // Always longer than the line: the cut shows.
        lines.push(fit(&format!("{last} {rest}"), cols).into_owned());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrapped_text_cut_short_ends_in_an_ellipsis() {
        assert_eq!(
            wrap("alliance: last SRS 34, ask how the sessions are going", 20, 3),
            ["alliance: last SRS", "34, ask how the", "sessions are going"]
        );
        assert_eq!(wrap("one two three four five six", 9, 2), ["one two", "three fo…"]);
        assert_eq!(wrap("short", 20, 2), ["short"]);
    }

    #[test]
    fn a_cut_text_ends_in_an_ellipsis_within_the_width() {
        assert_eq!(fit("Maximilian Alexander", 10), "Maximilia…");
        assert_eq!(fit("short", 10), "short");
        assert_eq!(fit("exactly10!", 10), "exactly10!");
        assert_eq!(fit("anything", 1), "…");
        assert_eq!(fit("anything", 0), "");
        // A space before the cut is not left dangling.
        assert_eq!(fit("ask about the wedding", 9), "ask abou…");
        assert_eq!(fit("ask about the wedding", 10), "ask about…");
    }

    #[test]
    fn wide_and_combining_characters_are_measured_by_their_columns() {
        // Each of these takes two columns: three fit in seven with the ellipsis.
        let cut = fit("山田太郎さん", 7);
        assert_eq!(cut, "山田太…");
        assert_eq!(width(&cut), 7);
        // One column left for a two-column character: it is left out, never split.
        let cut = fit("山田太郎さん", 6);
        assert_eq!(cut, "山田…");
        assert_eq!(fit_exact("山田太郎さん", 6), "山田… ");
        // A combining accent stays with its letter and takes no room.
        assert_eq!(fit("Zoe\u{301} Ørsted-Núñez", 5), "Zoe\u{301}…");
        assert_eq!(width("Zoe\u{301}"), 3);
    }

    #[test]
    fn a_tail_shows_whole_and_the_text_before_it_is_cut() {
        assert_eq!(fit_with_tail("nervous about tomorrow", " [AWAITING REPLY]", 30), "nervous abou… [AWAITING REPLY]");
        assert_eq!(fit_with_tail("ok", " [sent]", 30), "ok [sent]");
        assert_eq!(fit_with_tail("ok", " [AWAITING REPLY]", 10), "ok [AWAIT…");
    }

    #[test]
    fn visible_control_pictures_take_one_column_each() {
        let shown = crate::sanitize::visible("Eve \u{1b}]0;pwned\u{7}");
        assert_eq!(width(&shown), shown.chars().count());
        assert!(fit(&shown, 8).ends_with('…'));
    }
}
