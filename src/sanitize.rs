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
//! Text can also lie about itself: a bidirectional override (U+202E) shows
//! `abc\u{202e}gnp.exe` as `abcexe.png`, an isolate or a zero-width character
//! hides inside a name that looks like another, and a hundred stacked
//! combining marks spill over the lines around them. Such characters are
//! [`hidden`]; every text below shows them escaped, and keeps at most
//! [`CLUSTER_CHARS`] characters of one user-perceived character (a grapheme
//! cluster, by `unicode-segmentation`).
//!
//! The rules, one function each:
//!
//! - [`text`] (terminal text: text reports, notes): every control character
//!   — C0 (U+0000–U+001F, newline and tab included), DEL (U+007F) and C1
//!   (U+0080–U+009F) — and every [`hidden`] one becomes a visible escape in
//!   Rust's style, `\u{1b}` for ESC, `\u{a}` for a newline, `\u{202e}`;
//!   marks past the cap are dropped. Nothing else changes.
//! - [`message`] (every error message, through `Diagnostic`'s and `Error`'s
//!   `Display`, and clap's): as [`text`], and each quoted span (`` `…` ``,
//!   `"…"`, `'…'`) or unquoted word longer than [`QUOTE_CHARS`] characters
//!   is cut there with "…", and the whole message is cut at
//!   [`MESSAGE_CHARS`]. It runs in time linear in its input.
//! - [`quote`]: one piece of user input cut and escaped for a message.
//! - [`markdown`]: HTML (`&`, `<`, `>`) becomes entities, `|` is escaped,
//!   line breaks become spaces, so a cell or heading stays one cell.
//!   [`markdown_text`] (prose of a decision record) also backslash-escapes
//!   what would start emphasis, code, a link or an escape, so names and
//!   evidence read as written.
//! - [`html`]: `&`, `<`, `>`, `"` and `'` become entities, controls (but
//!   line breaks and tabs) and hidden characters are escaped as in [`text`].
//! - [`form_value`] (the value of a form field, which the browser sends
//!   back): exact HTML escaping and nothing else, so the field holds the
//!   text itself; hidden characters and controls are written as character
//!   references (`&#x202e;`), which the browser reads as those characters,
//!   and no mark is dropped. Escaping them for display there would send the
//!   escape back as text, and the form would change what it was given.
//! - [`csv_formula`] (cells that came from user input): a cell a
//!   spreadsheet would read as a formula (starting with `=`, `+`, `-`, `@`,
//!   tab or carriage return) is prefixed with `'`, as OWASP recommends
//!   against CSV injection, and so is one that would read as such a cell
//!   after a `'` is taken off (`'=1`), so [`csv_unformula`] undoes it
//!   exactly; survey readers apply that. [`csv`] (report cells) also escapes
//!   hidden characters; survey exports, which must read back unchanged, use
//!   [`csv_formula`] alone. Numbers dlpick computes are never passed
//!   through either.
//! - [`json`]: hidden characters in JSON text become `\uXXXX` escapes,
//!   which read back as the same string.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A quoted piece of user input in a message is cut after this many characters.
pub const QUOTE_CHARS: usize = 80;
/// A whole message is cut after this many characters.
pub const MESSAGE_CHARS: usize = 2000;
/// Inputs longer than this (in bytes) get no "did you mean": nobody
/// mistypes a name that long, and similarity is quadratic in the length.
pub const SIMILARITY_MAX: usize = 64;
/// The most characters one grapheme cluster keeps when shown: a letter and
/// its accents, or an emoji sequence, fit; stacked marks past it are dropped.
pub const CLUSTER_CHARS: usize = 8;

fn is_control(c: char) -> bool {
    c.is_control() || hidden(c)
}

/// Characters that change how the text around them reads without showing
/// themselves: bidirectional marks, embeddings, overrides and isolates,
/// zero-width characters, the byte-order mark, and line and paragraph
/// separators.
pub fn hidden(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// `s` with every grapheme cluster cut to [`CLUSTER_CHARS`] characters.
pub fn capped(s: &str) -> Cow<'_, str> {
    use unicode_segmentation::UnicodeSegmentation as _;
    if s.is_ascii() || !s.graphemes(true).any(|g| g.chars().nth(CLUSTER_CHARS).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.graphemes(true).flat_map(|g| g.chars().take(CLUSTER_CHARS)).collect())
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
    let capped = capped(s);
    if !capped.chars().any(is_control) {
        return capped;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in capped.chars() {
        push_escaped(&mut out, c);
    }
    Cow::Owned(out)
}

/// One piece of user input for a message: escaped, and cut at
/// [`QUOTE_CHARS`] characters with "…".
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for (i, c) in capped(s).chars().enumerate() {
        if i == QUOTE_CHARS {
            out.push('…');
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

/// A whole error message made safe to print: escaped, long quotes and
/// words cut, the total bounded. Linear in the length of `s`.
///
/// Input reaches messages in many shapes: our own `` `quotes` ``, serde's
/// `string "…"`, clap's `'…'`, a TOML key path (`needs.kkk…`) or a flag
/// (`--need kkk…=3`) unquoted. So each quoted span, and each word outside
/// them (a run of characters other than spaces and ASCII punctuation but
/// `_` and `-`), is cut at [`QUOTE_CHARS`] with "…": no message can echo
/// more than that of one input, whoever wrote the message.
pub fn message(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MESSAGE_CHARS + 8));
    let mut shown = 0usize;
    // The quote being read (its closing character), its length so far, and
    // whether a backslash escapes the next character (in `"…"`).
    let mut quote: Option<char> = None;
    let mut quoted = 0usize;
    let mut escaped = false;
    // The length of the word being read outside quotes.
    let mut word = 0usize;
    let mut prev: Option<char> = None;
    let capped = capped(s);
    let mut chars = capped.chars().peekable();
    let mut cut = false;
    while let Some(c) = chars.next() {
        if shown >= MESSAGE_CHARS {
            cut = true;
            break;
        }
        let next = chars.peek().copied();
        let keep = match quote {
            Some(close) => {
                let closes = c == close && !escaped && (close != '\'' || ends_quote(next));
                escaped = close == '"' && c == '\\' && !escaped;
                if closes {
                    if quoted > QUOTE_CHARS {
                        out.push('…');
                    }
                    quote = None;
                    true
                } else {
                    quoted += 1;
                    quoted <= QUOTE_CHARS
                }
            }
            None if c == '`' || (matches!(c, '"' | '\'') && opens_quote(prev, next)) => {
                if word > QUOTE_CHARS {
                    out.push('…');
                }
                word = 0;
                (quote, quoted, escaped) = (Some(c), 0, false);
                true
            }
            None if in_word(c) => {
                word += 1;
                word <= QUOTE_CHARS
            }
            None => {
                if word > QUOTE_CHARS {
                    out.push('…');
                }
                word = 0;
                true
            }
        };
        prev = Some(c);
        if keep {
            push_escaped(&mut out, c);
            shown += 1;
        }
    }
    if cut || (quote.is_some() && quoted > QUOTE_CHARS) || word > QUOTE_CHARS {
        out.push('…');
    }
    out
}

/// Whether `c` continues a word, for [`message`].
fn in_word(c: char) -> bool {
    !(c.is_whitespace() || (c.is_ascii_punctuation() && !matches!(c, '_' | '-')))
}

/// Whether a `"` or `'` between `prev` and `next` opens a quote: it starts
/// a word (an apostrophe inside one does not).
fn opens_quote(prev: Option<char>, next: Option<char>) -> bool {
    prev.is_none_or(|p| p.is_whitespace() || matches!(p, '(' | '[' | '{' | '=' | ':' | ','))
        && next.is_some_and(|n| !n.is_whitespace())
}

/// Whether a `'` before `next` can close a quote: it ends a word.
fn ends_quote(next: Option<char>) -> bool {
    next.is_none_or(|n| n.is_whitespace() || matches!(n, '.' | ',' | ';' | ':' | ')' | ']' | '}' | '!' | '?'))
}

/// A number from user input, for a message: as written when short, else in
/// scientific notation (`1e308`, not 309 digits).
pub fn number(v: f64) -> String {
    let plain = v.to_string();
    if plain.chars().count() <= 24 { plain } else { format!("{v:e}") }
}

/// Text for a Markdown table cell or heading; see the module docs.
pub fn markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let capped = capped(s);
    let mut chars = capped.chars().peekable();
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

/// Text for Markdown prose; see the module docs.
pub fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let capped = capped(s);
    let mut chars = capped.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '|' | '*' | '_' | '`' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push(' '),
            c => push_escaped(&mut out, c),
        }
    }
    out
}

/// Text for HTML, in an element or an attribute; see the module docs.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in capped(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' | '\r' => out.push(c),
            c => push_escaped(&mut out, c),
        }
    }
    out
}

/// The value of a form field: the text exactly, as HTML; see the module docs.
pub fn form_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // HTML reads references to C1 controls as other characters:
            // those stay as they are.
            '\u{80}'..='\u{9f}' => out.push(c),
            c if is_control(c) => {
                let _ = write!(out, "&#x{:x};", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// True when a spreadsheet would read a cell starting with `first` as a formula.
pub fn is_formula_start(first: u8) -> bool {
    matches!(first, b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
}

/// True when a cell starting with `first` may need [`csv_formula`]'s `'`:
/// a formula start, or a `'` (which may come before one).
pub fn may_need_quote_mark(first: u8) -> bool {
    is_formula_start(first) || first == b'\''
}

/// Whether [`csv_formula`] prefixes `s`: it is some `'`s and then a formula.
fn needs_quote_mark(s: &str) -> bool {
    s.bytes().find(|&b| b != b'\'').is_some_and(is_formula_start)
}

/// A CSV cell from user input, neutralised against formula injection; see
/// the module docs.
pub fn csv_formula(s: &str) -> Cow<'_, str> {
    if needs_quote_mark(s) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// [`csv_formula`] undone: the cell as it was before it was neutralised.
pub fn csv_unformula(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_quote_mark(rest) => rest,
        _ => s,
    }
}

/// A CSV cell of a report from user input: [`csv_formula`], and hidden and
/// control characters escaped as in [`text`].
pub fn csv(s: &str) -> Cow<'_, str> {
    match (csv_formula(s), text(s)) {
        (Cow::Borrowed(_), shown) => shown,
        (Cow::Owned(_), shown) => Cow::Owned(format!("'{shown}")),
    }
}

/// JSON text with every [`hidden`] character, and the characters of a
/// grapheme cluster past [`CLUSTER_CHARS`], written as `\uXXXX` escapes
/// (they can only stand inside strings there, and read back the same).
pub fn json(s: &str) -> Cow<'_, str> {
    use unicode_segmentation::UnicodeSegmentation as _;
    if s.is_ascii() || (!s.chars().any(hidden) && matches!(capped(s), Cow::Borrowed(_))) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for cluster in s.graphemes(true) {
        for (i, c) in cluster.chars().enumerate() {
            if hidden(c) || i >= CLUSTER_CHARS {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            } else {
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
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
    fn input_in_any_quotes_or_none_is_cut() {
        let k = "k".repeat(300);
        let cut = format!("{}…", "k".repeat(QUOTE_CHARS));
        let spaced = "ab ".repeat(100);
        let spaced_cut = format!("{}…", &spaced[..QUOTE_CHARS]);
        for (raw, shown) in [
            (format!("p.toml:3:1: needs.{k}: unknown"), format!("p.toml:3:1: needs.{cut}: unknown")),
            (format!("invalid type: string \"{k}\", expected"), format!("invalid type: string \"{cut}\", expected")),
            (format!("string \"{spaced}\\\"x\", expected"), format!("string \"{spaced_cut}\", expected")),
            (
                format!("invalid value '{spaced}' for '--method'"),
                format!("invalid value '{spaced_cut}' for '--method'"),
            ),
            (format!("--need {k}=3: not a criterion"), format!("--need {cut}=3: not a criterion")),
            (format!("the team's `{k}`"), format!("the team's `{cut}`")),
        ] {
            assert_eq!(message(&raw), shown);
            assert_eq!(message(&shown), shown, "cutting twice changes nothing");
        }
        // Short input, paths, apostrophes and our own quotes are left alone.
        for kept in [
            "/tmp/some/folder/p.toml:3:1: `debuggability` isn't a number: \"x\"; it's 'y'.",
            "a sha256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef is fine",
        ] {
            assert_eq!(message(kept), kept);
        }
        assert_eq!(message("\u{202e}"), "\\u{202e}");
    }

    #[test]
    fn markdown_and_csv_are_neutralised() {
        assert_eq!(markdown("<script>a|b</script>\r\nR&D"), "&lt;script&gt;a\\|b&lt;/script&gt; R&amp;D");
        assert_eq!(csv("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv("-1"), "'-1");
        assert_eq!(csv("Ana"), "Ana");
        assert_eq!(csv("=a\u{202e}b"), "'=a\\u{202e}b");
        assert_eq!(csv_formula("=a\u{202e}b"), "'=a\u{202e}b");
    }

    #[test]
    fn formula_marks_are_undone_exactly() {
        for cell in ["=1+1", "'=1+1", "''@x", "'t Hooft", "'", "", "-2+3", "\t=x", "#x", "a=b", "''"] {
            let written = csv_formula(cell);
            assert!(!written.bytes().find(|&b| b != b'\'').is_some_and(is_formula_start) || written.starts_with('\''));
            assert_eq!(csv_unformula(&written), cell, "{written}");
        }
        assert_eq!(csv_formula("'t Hooft"), "'t Hooft");
        assert_eq!(csv_formula("'=1"), "''=1");
        assert_eq!(csv_unformula("'t Hooft"), "'t Hooft");
    }

    #[test]
    fn long_numbers_are_shown_short() {
        assert_eq!(number(1e308), "1e308");
        assert_eq!(number(-2.5e-300), "-2.5e-300");
        assert_eq!(number(7.0), "7");
        assert_eq!(number(5.25), "5.25");
    }

    #[test]
    fn hidden_characters_show_and_marks_are_capped() {
        assert_eq!(text("abc\u{202e}gnp.exe"), "abc\\u{202e}gnp.exe");
        assert_eq!(text("a\u{200b}b\u{2066}c\u{feff}"), "a\\u{200b}b\\u{2066}c\\u{feff}");
        let zalgo = format!("z{}", "\u{301}".repeat(50));
        assert_eq!(text(&zalgo).chars().count(), CLUSTER_CHARS);
        assert_eq!(text("e\u{301}\u{302} 👍🏽"), "e\u{301}\u{302} 👍🏽");
        assert_eq!(html("<a\u{202e}>\n"), "&lt;a\\u{202e}&gt;\n");
        assert_eq!(form_value("<a\u{202e}>\"'&"), "&lt;a&#x202e;&gt;&quot;&#39;&amp;");
        assert_eq!(form_value(&zalgo), zalgo, "no mark is dropped from a form field");
        assert_eq!(json("{\"n\":\"a\u{202e}b\"}"), "{\"n\":\"a\\u202eb\"}");
        assert_eq!(serde_json::from_str::<serde_json::Value>(&json("\"a\u{202e}\"")).unwrap(), "a\u{202e}");
        assert!(message(&format!("x `{zalgo}`")).chars().count() < 20);
        let quoted = format!("\"{zalgo}\"");
        let shown = json(&quoted);
        assert_eq!(shown.matches("\\u0301").count(), 50 + 1 - CLUSTER_CHARS, "{shown}");
        assert_eq!(serde_json::from_str::<String>(&shown).unwrap(), zalgo);
    }
}
