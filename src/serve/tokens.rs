//! Secrets: link tokens, respondents' edit tokens and CSRF tokens.
//!
//! Every token is 128 bits from the operating system's generator, written as
//! 32 lower-case hex digits. Tokens are compared in constant time; an edit
//! token is stored only as its SHA-256, so a copy of the database does not
//! hand out anyone's private link.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 128 random bits from the OS, as 32 hex digits.
pub fn random() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    hex(&bytes)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Constant-time equality (the length is not secret).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Does `text` look like a token at all (32 hex digits)?
pub fn well_formed(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// The SHA-256 of a token, as stored in the database.
pub fn digest(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The CSRF token for a browser's cookie: HMAC-SHA-256 under the server's
/// key (a signed double-submit cookie).
pub fn csrf(key: &str, cookie: &str) -> String {
    derive(key, "csrf", cookie)
}

/// A respondent's edit token, from the id of the form they first sent: the
/// same form sent twice gives the same private link.
pub fn edit_token(key: &str, form_id: &str) -> String {
    derive(key, "edit", form_id)[..32].to_string()
}

/// HMAC-SHA-256 of `label` and `input` under `key`, as hex.
fn derive(key: &str, label: &str, input: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.update(b"\0");
    mac.update(input.as_bytes());
    hex(&mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_bit_hex_and_differ() {
        let (a, b) = (random(), random());
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert!(!well_formed("../etc/passwd"));
    }

    #[test]
    fn comparisons_and_csrf() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "ab"));
        let key = random();
        assert_eq!(csrf(&key, "c1"), csrf(&key, "c1"));
        assert_ne!(csrf(&key, "c1"), csrf(&key, "c2"));
        assert_ne!(csrf(&key, "c1"), csrf(&random(), "c1"));
        assert_eq!(digest("x").len(), 64);
        assert!(well_formed(&edit_token(&key, "f")));
        assert_ne!(edit_token(&key, "f"), csrf(&key, "f")[..32]);
    }
}
