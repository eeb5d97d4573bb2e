//! Bounding a single CSV record or JSON line of a batch input.
//!
//! Why: the csv crate and `read_line` hold one record in memory whole and
//! grow their buffers for as long as it lasts, so one endless line (a
//! runaway export, `/dev/zero`) would eat all memory before anything could
//! be said about it. Streams have no limit in total; a single record longer
//! than [`RECORD_MAX`] is cut here, below the parser, and reported as that
//! row's error by the reader in [`super`]. The rule is one for CSV and JSON
//! Lines: a record's bytes are counted without its line ending (LF, CRLF or
//! CR), and up to [`RECORD_MAX`] of them are accepted.
//!
//! For CSV, [`RecordGuard`] sits between the file and the csv reader. It
//! follows the survey's one CSV state machine, [`Place`] (a quoted field may
//! hold line breaks; `#` at the start of a record is a comment) to know where
//! each record ends, and when one passes the limit it drops the rest of that
//! record — closing an open quote, so the parser resynchronises on the next
//! record — and notes the line the record started on. For JSON Lines,
//! [`read_line`] reads one line within the limit.

use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::sync::{Arc, Mutex};

use super::source::Place;

pub use crate::limits::RECORD_MAX;

/// Lines on which a cut CSV record started, oldest first, shared between the
/// guard (inside the csv reader) and the code that reads records.
#[derive(Debug, Clone, Default)]
pub struct LongRecords(Arc<Mutex<VecDeque<u64>>>);

impl LongRecords {
    fn push(&self, line: u64) {
        if let Ok(mut q) = self.0.lock() {
            q.push_back(line);
        }
    }

    /// True when the record that starts on `line` was cut. Call with the
    /// records' lines in increasing order.
    pub fn was_cut(&self, line: u64) -> bool {
        let Ok(mut q) = self.0.lock() else { return false };
        while q.front().is_some_and(|&l| l < line) {
            q.pop_front();
        }
        if q.front() == Some(&line) {
            q.pop_front();
            return true;
        }
        false
    }
}

/// A reader that cuts CSV records longer than `max` bytes; see the module docs.
pub struct RecordGuard<R> {
    inner: R,
    max: usize,
    state: Place,
    /// Bytes of the current record passed on so far.
    length: usize,
    /// Dropping the rest of a record that was too long.
    dropping: bool,
    line: u64,
    record_line: u64,
    long: LongRecords,
}

impl<R: Read> RecordGuard<R> {
    pub fn new(inner: R, long: LongRecords) -> Self {
        Self::with_limit(inner, long, RECORD_MAX)
    }

    pub fn with_limit(inner: R, long: LongRecords, max: usize) -> Self {
        Self { inner, max, state: Place::RecordStart, length: 0, dropping: false, line: 1, record_line: 1, long }
    }

    /// Move past `b`; `true` when `b` ends the record. The state machine
    /// is the survey's one, [`Place`]: a record ends where the next starts.
    fn step(&mut self, b: u8) -> bool {
        self.state = self.state.after(b);
        self.state == Place::RecordStart
    }
}

impl<R: Read> Read for RecordGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = self.inner.read(buf)?;
            if n == 0 {
                return Ok(0);
            }
            let mut kept = 0;
            for i in 0..n {
                let b = buf[i];
                if self.state == Place::RecordStart && !self.dropping {
                    self.record_line = self.line;
                }
                let was_quoted = self.state == Place::Quoted;
                let ends = self.step(b);
                if b == b'\n' {
                    self.line += 1;
                }
                if ends {
                    self.dropping = false;
                    self.length = 0;
                    buf[kept] = b;
                    kept += 1;
                    continue;
                }
                if self.dropping {
                    continue;
                }
                self.length += 1;
                if self.length > self.max {
                    // Cut here: this byte's slot closes an open quote, if any.
                    self.dropping = true;
                    self.long.push(self.record_line);
                    if was_quoted {
                        buf[kept] = b'"';
                        kept += 1;
                    }
                    continue;
                }
                buf[kept] = b;
                kept += 1;
            }
            if kept > 0 {
                return Ok(kept);
            }
        }
    }
}

/// One line of `reader` into `line` (without keeping more than
/// [`RECORD_MAX`] bytes of it and its line ending). Returns the bytes
/// consumed (0 at the end) and whether the line, without its ending, was
/// longer than the limit, in which case `line` is left empty and the rest of
/// the line has been skipped.
pub fn read_line(reader: &mut dyn BufRead, line: &mut Vec<u8>) -> std::io::Result<(u64, bool)> {
    /// The longest line ending, CRLF.
    const ENDING: usize = 2;
    line.clear();
    let mut consumed = 0u64;
    let mut too_long = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        if !too_long {
            if line.len() + chunk.len() > RECORD_MAX + ENDING {
                too_long = true;
                line.clear();
                line.shrink_to(1 << 16);
            } else {
                line.extend_from_slice(chunk);
            }
        }
        let n = chunk.len();
        reader.consume(n);
        consumed += n as u64;
        if done {
            break;
        }
    }
    let text = line.strip_suffix(b"\n").unwrap_or(line);
    if !too_long && text.strip_suffix(b"\r").unwrap_or(text).len() > RECORD_MAX {
        too_long = true;
        line.clear();
    }
    Ok((consumed, too_long))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guarded(input: &str, max: usize) -> (String, Vec<u64>) {
        let long = LongRecords::default();
        let mut out = String::new();
        RecordGuard::with_limit(input.as_bytes(), long.clone(), max).read_to_string(&mut out).unwrap();
        let lines = long.0.lock().unwrap().iter().copied().collect();
        (out, lines)
    }

    #[test]
    fn short_records_pass_unchanged() {
        let text = "name,x\n\"a\nb\",1\n# a \"comment\nc\"d,2\n";
        assert_eq!(guarded(text, 100), (text.to_string(), vec![]));
    }

    #[test]
    fn long_records_are_cut_and_noted_by_start_line() {
        let (out, lines) = guarded("h\nabcdefghij\nok\n\"q\nrstuvwxyz\"\nend\n", 5);
        assert_eq!(out, "h\nabcde\nok\n\"q\nrs\"\nend\n");
        assert_eq!(lines, vec![2, 4]);
    }

    #[test]
    fn line_endings_do_not_count() {
        for (text, cut) in [("abcde\nfg\n", false), ("abcde\r\nfg", false), ("abcde\rfg", false), ("abcdef\r\n", true)]
        {
            let (_, lines) = guarded(text, 5);
            assert_eq!(lines.is_empty(), !cut, "{text:?}");
        }
        for (text, long) in [("x".repeat(RECORD_MAX) + "\r\n", false), ("x".repeat(RECORD_MAX + 1) + "\n", true)] {
            let mut line = Vec::new();
            let (_, too_long) = read_line(&mut std::io::BufReader::new(text.as_bytes()), &mut line).unwrap();
            assert_eq!(too_long, long);
        }
    }

    #[test]
    fn json_lines_are_bounded() {
        let long = format!("{}\nnext\n", "x".repeat(RECORD_MAX + 10));
        let mut reader = std::io::BufReader::new(long.as_bytes());
        let mut line = Vec::new();
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), (RECORD_MAX as u64 + 11, true));
        assert!(line.is_empty());
        assert_eq!(read_line(&mut reader, &mut line).unwrap(), (5, false));
        assert_eq!(line, b"next\n");
    }
}
