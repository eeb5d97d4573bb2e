//! Making text from files safe to show: the one place that decides how user
//! (and knowledge-base) text is written into terminals, error messages,
//! Markdown and CSV.
//!
//! Why: a profile's `name`, a CSV cell or a questionnaire answer is text
//! someone else may have written. Printed raw it can act on the reader's
//! terminal (ESC sequences set the window title or clear the screen; BEL
//! rings; NUL confuses tools reading the log), inject HTML into a rendered
//! Markdown page, break a table with a newline or a `|`, or run a formula
//! in the spreadsheet that opens a CSV. And an error message that quotes a
//! 50 MB answer is a 50 MB error message.
//!
//! The rules, one function each:
//!
//! - [`text`] (terminal text: text reports, notes): every control character
//!   — C0 (U+0000–U+001F, newline and tab included), DEL (U+007F) and C1
//!   (U+0080–U+009F) — becomes a visible escape in Rust's style, `\u{1b}`
//!   for ESC, `\u{a}` for a newline. Nothing else changes.
//! - [`message`] (every error message, through `Diagnostic`'s and `Error`'s
//!   `Display`): as [`text`], and each `` `quoted` `` span longer than
//!   [`QUOTE_CHARS`] characters is cut there with "…", and the whole message
//!   is cut at [`MESSAGE_CHARS`]. It runs in time linear in its input.
//! - [`quote`]: one piece of user input cut and escaped for a message.
//! - [`markdown`]: HTML (`&`, `<`, `>`) becomes entities, `|` is escaped,
//!   line breaks become spaces, so a cell or heading stays one cell.
//! - [`csv`] (cells that came from user input): a cell starting with `=`,
//!   `+`, `-`, `@`, tab or carriage return is prefixed with `'`, as OWASP
//!   recommends against CSV injection. Numbers dlpick computes are never
//!   passed through it.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A quoted piece of user input in a message is cut after this many characters.
pub const QUOTE_CHARS: usize = 80;
/// A whole message is cut after this many characters.
pub const MESSAGE_CHARS: usize = 2000;
/// Inputs longer than this (in bytes) get no "did you mean": nobody
/// mistypes a name that long, and similarity is quadratic in the length.
pub const SIMILARITY_MAX: usize = 64;

fn is_control(c: char) -> bool {
    c.is_control()
}

fn push_escaped(out: &mut String, c: char) {
    if is_control(c) {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

/// Control characters as visible escapes (`\u{1b}`); see the module docs.
pub fn text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// One piece of user input for a message: escaped, and cut at
/// [`QUOTE_CHARS`] characters with "…".
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// A whole error message made safe to print: escaped, long quotes cut,
/// the total bounded. Linear in the length of `s`.
pub fn message(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MESSAGE_CHARS + 8));
    let mut shown = 0usize;
    let mut in_quote = false;
    let mut quoted = 0usize;
    for c in s.chars() {
        if shown >= MESSAGE_CHARS {
            out.push('…');
            break;
        }
        if c == '`' {
            if in_quote && quoted > QUOTE_CHARS {
                out.push('…');
            }
            in_quote = !in_quote;
            quoted = 0;
        } else if in_quote {
            quoted += 1;
            if quoted > QUOTE_CHARS {
                continue;
            }
        }
        push_escaped(&mut out, c);
        shown += 1;
    }
    if in_quote && quoted > QUOTE_CHARS {
        out.push('…');
    }
    out
}

/// Text for a Markdown table cell or heading; see the module docs.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' => out.push_str("\\|"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push(' '),
            c => push_escaped(&mut out, c),
        }
    }
    out
}

/// True when a spreadsheet would read a cell starting with `first` as a formula.
pub fn is_formula_start(first: u8) -> bool {
    matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// A CSV cell from user input, neutralised against formula injection.
pub fn csv(s: &str) -> Cow<'_, str> {
    match s.as_bytes().first() {
        Some(&b) if is_formula_start(b) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(text("a\x1b]0;pwned\x07b"), "a\\u{1b}]0;pwned\\u{7}b");
        assert_eq!(text("tab\there\n\0\u{7f}\u{9b}"), "tab\\u{9}here\\u{a}\\u{0}\\u{7f}\\u{9b}");
        assert!(matches!(text("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn long_quotes_and_messages_are_cut() {
        let long = "x".repeat(1000);
        let m = message(&format!("unknown column `{long}`. Did you mean `name`?"));
        assert_eq!(m, format!("unknown column `{}…`. Did you mean `name`?", "x".repeat(QUOTE_CHARS)));
        let huge = message(&"y ".repeat(10_000));
        assert_eq!(huge.chars().count(), MESSAGE_CHARS + 1);
        assert_eq!(quote(&long).chars().count(), QUOTE_CHARS + 1);
        assert_eq!(message("a `\u{1b}` b"), "a `\\u{1b}` b");
    }

    #[test]
    fn markdown_and_csv_are_neutralised() {
        assert_eq!(markdown("<script>a|b</script>\r\nR&D"), "&lt;script&gt;a\\|b&lt;/script&gt; R&amp;D");
        assert_eq!(csv("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv("-1"), "'-1");
        assert_eq!(csv("Ana"), "Ana");
    }
}
