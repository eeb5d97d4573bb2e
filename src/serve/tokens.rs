//! Secrets: link tokens, respondents' private links and CSRF tokens.
//!
//! Every token is 128 bits from the operating system's generator, written as
//! 32 lower-case hex digits, and compared in constant time. A private link
//! is random, not derived from anything the database keeps: the database
//! holds its SHA-256, and (for answering a form sent twice) the link sealed
//! under a key only the form's id gives, and the form's id is kept only as
//! its SHA-256. So a copy of the database hands out nobody's link.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// 128 random bits from the OS, as 32 hex digits.
pub fn random() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    hex::encode(bytes)
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
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The CSRF token for a browser's cookie: HMAC-SHA-256 under the server's
/// key (a signed double-submit cookie).
pub fn csrf(key: &str, cookie: &str) -> String {
    derive(key, "csrf", cookie)
}

/// The one-time pad a private link is sealed with, from the id of the form
/// that sent it: only someone holding that form (which the database does
/// not keep) can open the seal.
fn pad(form_id: &str) -> [u8; 16] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(form_id.as_bytes()).expect("HMAC takes any key length");
    mac.update(b"dlpick private link seal");
    let mut out = [0u8; 16];
    out.copy_from_slice(&mac.finalize().into_bytes()[..16]);
    out
}

/// A private link (a token) sealed under the form that sent it, as hex.
pub fn seal(token: &str, form_id: &str) -> String {
    let bytes = hex::decode(token).unwrap_or_default();
    hex::encode(bytes.iter().zip(pad(form_id)).map(|(b, p)| b ^ p).collect::<Vec<_>>())
}

/// [`seal`] undone; `None` when `sealed` is not a sealed token.
pub fn unseal(sealed: &str, form_id: &str) -> Option<String> {
    let bytes = hex::decode(sealed).ok().filter(|b| b.len() == 16)?;
    Some(hex::encode(bytes.iter().zip(pad(form_id)).map(|(b, p)| b ^ p).collect::<Vec<_>>()))
}

/// The private link dlpick 0.1 derived from the form a respondent first
/// sent; used only to migrate such databases (their links keep working).
pub fn legacy_edit_token(key: &str, form_id: &str) -> String {
    derive(key, "edit", form_id)[..32].to_string()
}

/// HMAC-SHA-256 of `label` and `input` under `key`, as hex.
fn derive(key: &str, label: &str, input: &str) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).expect("HMAC takes any key length");
    mac.update(label.as_bytes());
    mac.update(b"\0");
    mac.update(input.as_bytes());
    hex::encode(mac.finalize().into_bytes())
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
        assert!(well_formed(&legacy_edit_token(&key, "f")));
        assert_ne!(legacy_edit_token(&key, "f"), csrf(&key, "f")[..32]);
    }

    #[test]
    fn a_sealed_link_opens_only_with_its_form() {
        let (link, form) = (random(), random());
        let sealed = seal(&link, &form);
        assert!(well_formed(&sealed));
        assert_ne!(sealed, link);
        assert_eq!(unseal(&sealed, &form).as_deref(), Some(link.as_str()));
        assert_ne!(unseal(&sealed, &random()).as_deref(), Some(link.as_str()));
        assert_eq!(unseal("xyz", &form), None);
    }
}
