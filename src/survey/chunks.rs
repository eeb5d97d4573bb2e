//! Cutting a CSV stream into chunks of whole records, so that worker
//! threads can split and parse each chunk on its own: where the last record
//! of a chunk ends, a record too long to keep, a quote never closed. Each
//! scan follows [`Place`], the one CSV state machine.

use std::io::Read;

use super::guard::RECORD_MAX;
use super::source::Place;

/// Bytes read before a chunk is cut (at the last record boundary).
pub const CHUNK_BYTES: usize = 1 << 19;

/// Where the last record of `chunk` starts when it ends inside a quoted
/// field (`chunk` starting where a record does).
pub fn unclosed_record(chunk: &[u8]) -> Option<usize> {
    let mut place = Place::RecordStart;
    let mut start = 0;
    for (i, &b) in chunk.iter().enumerate() {
        if place == Place::RecordStart {
            start = i;
        }
        place = place.after(b);
    }
    (place == Place::Quoted).then_some(start)
}

/// Read until `buf` holds at least `want` bytes; true at the end of input.
/// (`read_to_end` does not zero a recycled buffer's spare capacity again.)
fn fill(input: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let missing = (want - buf.len()) as u64;
        if input.take(missing).read_to_end(buf)? == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Read into `chunk` (which starts where a record does) until it holds
/// whole records: where the last ends, `None` when the first record is past
/// [`RECORD_MAX`], and whether the input ended.
pub fn fill_records(input: &mut dyn Read, chunk: &mut Vec<u8>) -> std::io::Result<(Option<usize>, bool)> {
    let mut want = CHUNK_BYTES;
    loop {
        let eof = fill(input, chunk, want)?;
        if let Some(cut) = last_record_end(chunk) {
            return Ok((Some(cut), eof));
        }
        if chunk.len() > RECORD_MAX {
            // Lines ended by CR alone, or one record past the limit.
            return Ok((last_record_end_any(chunk), eof));
        }
        if eof {
            return Ok((Some(chunk.len()), eof));
        }
        // One record longer than a chunk: read on, up to the limit.
        want = (chunk.len() * 2).min(RECORD_MAX + 1);
    }
}

/// Skip the record `chunk` starts with, reading on from `input` (in
/// `chunk`, a block at a time) to its end; what follows it goes to `carry`.
/// Returns the line feeds skipped, its own included.
pub fn skip_record(input: &mut dyn Read, chunk: &mut Vec<u8>, carry: &mut Vec<u8>) -> std::io::Result<u64> {
    let mut place = Place::RecordStart;
    let mut newlines = 0;
    loop {
        for (i, &b) in chunk.iter().enumerate() {
            place = place.after(b);
            newlines += u64::from(b == b'\n');
            if matches!(b, b'\n' | b'\r') && place == Place::RecordStart {
                carry.extend_from_slice(&chunk[i + 1..]);
                return Ok(newlines);
            }
        }
        chunk.clear();
        if fill(input, chunk, 1 << 16)? && chunk.is_empty() {
            return Ok(newlines);
        }
    }
}

/// Where the last complete record of `chunk` ends after a line feed or a
/// carriage return, for inputs whose lines end with CR alone.
pub fn last_record_end_any(chunk: &[u8]) -> Option<usize> {
    let mut place = Place::RecordStart;
    let mut last = None;
    for (i, &b) in chunk.iter().enumerate() {
        place = place.after(b);
        if matches!(b, b'\n' | b'\r') && place == Place::RecordStart {
            last = Some(i + 1);
        }
    }
    last
}

pub fn count_newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Where the last complete record of `chunk` ends (just after a line feed
/// outside quotes), given that `chunk` starts at the start of a record.
/// Without quotes every line feed ends a record; with them, [`Place`]
/// follows the CSV reader's quoting and comment rules.
pub fn last_record_end(chunk: &[u8]) -> Option<usize> {
    if memchr::memchr(b'"', chunk).is_none() {
        return memchr::memrchr(b'\n', chunk).map(|i| i + 1);
    }
    let mut place = Place::RecordStart;
    let mut last = None;
    for (i, &b) in chunk.iter().enumerate() {
        place = place.after(b);
        if b == b'\n' && place == Place::RecordStart {
            last = Some(i + 1);
        }
    }
    last
}
