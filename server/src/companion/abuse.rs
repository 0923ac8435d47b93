//! Quiet defences against scripted submissions: a form token signed with
//! HMAC-SHA256 and issued with the widget (it proves the form was loaded,
//! and when), and a honeypot field no person sees.
//!
//! A heuristic can be wrong about a person, so tripping one loses nothing:
//! the submission gets the same 202 a person gets, is stored with the
//! reason as its flag, is kept out of the published feed until an organiser
//! reviews it, and metrics count it by reason.

use std::path::Path;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// Request header carrying the form token.
pub const TOKEN_HEADER: &str = "gdc-token";
/// Request header carrying the honeypot field's value (empty for people).
pub const HONEYPOT_HEADER: &str = "gdc-hp";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Issued for this site, signed by us, old enough.
    Person,
    /// Sent faster than a person fills a form.
    TooFast,
    /// The honeypot field was filled in.
    Honeypot,
    /// No token, or one we did not sign for this site.
    NoValidToken,
}

impl Verdict {
    /// The metrics label of a bot verdict.
    pub fn reason(self) -> &'static str {
        match self {
            Self::Person => "none",
            Self::TooFast => "too_fast",
            Self::Honeypot => "honeypot",
            Self::NoValidToken => "no_valid_token",
        }
    }
}

#[derive(Clone)]
pub struct FormTokens {
    /// HMAC-SHA256 with the key already taken in (its padded blocks
    /// hashed): each token signed or checked starts from a copy, two block
    /// compressions fewer than keying it every time.
    keyed: Hmac<Sha256>,
    min_age: Duration,
}

impl std::fmt::Debug for FormTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FormTokens").field("min_age", &self.min_age).finish_non_exhaustive()
    }
}

impl FormTokens {
    pub fn new(key: Secret, min_age: Duration) -> Self {
        let keyed = Hmac::<Sha256>::new_from_slice(key.expose().as_bytes()).expect("HMAC takes any key length");
        Self { keyed, min_age }
    }

    /// The configured key, or one kept in `data_dir/form-token.key` so that
    /// tokens in open pages survive a restart.
    pub fn load_or_create_key(configured: Option<&Secret>, data_dir: &Path) -> anyhow::Result<Secret> {
        if let Some(key) = configured {
            return Ok(key.clone());
        }
        let path = data_dir.join("form-token.key");
        match std::fs::read_to_string(&path) {
            Ok(text) if !text.trim().is_empty() => Ok(Secret::new(text.trim())),
            _ => {
                let key = Secret::random();
                std::fs::write(&path, key.expose())?;
                Ok(key)
            }
        }
    }

    /// How old a token must be before a submission with it is a person's.
    pub fn min_age(&self) -> Duration {
        self.min_age
    }

    /// `v1.<issued ms>.<signature>` for `site`.
    pub fn issue(&self, site: &str, now_ms: i64) -> String {
        format!("v1.{now_ms}.{}", URL_SAFE_NO_PAD.encode(self.sign(site, now_ms)))
    }

    /// Judges a submission from its token and honeypot value.
    pub fn judge(&self, token: Option<&str>, honeypot: Option<&str>, site: &str, now_ms: i64) -> Verdict {
        if honeypot.is_some_and(|v| !v.trim().is_empty()) {
            return Verdict::Honeypot;
        }
        let Some(issued) = token.and_then(|t| self.verify(t, site)) else {
            return Verdict::NoValidToken;
        };
        // A token from the future (clock skew between companions sharing a
        // key) counts as new: flagged for review, like one sent too fast.
        let age = now_ms.saturating_sub(issued).max(0) as u64;
        if Duration::from_millis(age) < self.min_age { Verdict::TooFast } else { Verdict::Person }
    }

    /// The issue time of a token we signed for `site`.
    fn verify(&self, token: &str, site: &str) -> Option<i64> {
        let mut parts = token.split('.');
        let (Some("v1"), Some(ms), Some(sig), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return None;
        };
        let ms: i64 = ms.parse().ok()?;
        let sig = URL_SAFE_NO_PAD.decode(sig).ok()?;
        self.mac(site, ms).verify_slice(&sig).ok()?;
        Some(ms)
    }

    fn mac(&self, site: &str, ms: i64) -> Hmac<Sha256> {
        let mut mac = self.keyed.clone();
        mac.update(b"gdc-form-token-v1\0");
        mac.update(site.as_bytes());
        mac.update(b"\0");
        mac.update(ms.to_string().as_bytes());
        mac
    }

    fn sign(&self, site: &str, ms: i64) -> Vec<u8> {
        self.mac(site, ms).finalize().into_bytes().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens() -> FormTokens {
        FormTokens::new(Secret::new("k"), Duration::from_secs(3))
    }

    #[test]
    fn a_token_is_good_for_its_site_once_old_enough() {
        let t = tokens();
        let token = t.issue("demo", 1_000_000);
        assert_eq!(t.judge(Some(&token), None, "demo", 1_000_000 + 3_000), Verdict::Person);
        assert_eq!(t.judge(Some(&token), Some(""), "demo", 1_000_000 + 86_400_000 * 30), Verdict::Person);
        assert_eq!(t.judge(Some(&token), None, "demo", 1_000_000 + 2_999), Verdict::TooFast);
        assert_eq!(t.judge(Some(&token), None, "other", 1_000_000 + 5_000), Verdict::NoValidToken);
    }

    #[test]
    fn forged_or_missing_tokens_are_not_valid() {
        let t = tokens();
        let token = t.issue("demo", 1_000_000);
        let moved = token.replace("1000000", "999000");
        assert_eq!(t.judge(Some(&moved), None, "demo", 2_000_000), Verdict::NoValidToken);
        let other_key = FormTokens::new(Secret::new("k2"), Duration::ZERO).issue("demo", 1_000_000);
        assert_eq!(t.judge(Some(&other_key), None, "demo", 2_000_000), Verdict::NoValidToken);
        assert_eq!(t.judge(None, None, "demo", 2_000_000), Verdict::NoValidToken);
        assert_eq!(t.judge(Some("v1.x.y"), None, "demo", 2_000_000), Verdict::NoValidToken);
        assert_eq!(t.judge(Some(""), None, "demo", 2_000_000), Verdict::NoValidToken);
    }

    #[test]
    fn a_filled_honeypot_wins_over_a_good_token() {
        let t = tokens();
        let token = t.issue("demo", 0);
        assert_eq!(t.judge(Some(&token), Some("http://spam"), "demo", 10_000), Verdict::Honeypot);
    }
}
