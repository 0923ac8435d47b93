//! What the delivery loop does with each answer of the companion to
//! `POST /v1/submissions`, as plain Rust tested without a browser: which
//! answers mean "arrived", which are worth sending again, which
//! need a fresh form token, and which end the loop for good. How long to
//! wait before trying again is [`crate::model::retry`]'s.

/// How one answer (or the lack of one) is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// 202 (stored) or 200 (already stored): either way, it has arrived.
    Arrived,
    /// 422: fields to correct, shown beside them.
    Invalid,
    /// 403 `token_invalid`: the form token is missing, forged, or signed
    /// with a key the companion no longer has; a fresh one may pass.
    TokenInvalid,
    /// Sending the same again cannot succeed: the loop ends and the
    /// visitor is told, with their text kept.
    Refused(Refusal),
    /// Worth sending again later: no network, 408, 409, 425, 429, 5xx, and
    /// any answer that is neither a success nor a client error.
    Transient,
}

/// Why a contribution was refused for good, in the visitor's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 413: larger than this companion takes.
    TooLarge,
    /// 401, or 403 other than `token_invalid`: this website may not send
    /// to this consultation (site unknown or disabled, origin not allowed).
    NotAllowed,
    /// 400, 415: the companion could not read what was sent.
    Unreadable,
    /// Any other client error (404, 405, 410…): the address that takes
    /// contributions does not take them.
    Other,
}

impl Refusal {
    pub const ALL: [Self; 4] = [Self::TooLarge, Self::NotAllowed, Self::Unreadable, Self::Other];

    /// The catalog key of the reason, also how it is kept in storage.
    pub fn key(self) -> &'static str {
        match self {
            Self::TooLarge => "refused-too-large",
            Self::NotAllowed => "refused-not-allowed",
            Self::Unreadable => "refused-unreadable",
            Self::Other => "refused-other",
        }
    }

    /// The reason kept under `key`; an unknown key (from another version)
    /// is still a refusal. Versions before the Fluent catalogs kept
    /// `refused.too_large`: the same reason, spelt with dots.
    pub fn from_key(key: &str) -> Self {
        let key = key.replace(['.', '_'], "-");
        Self::ALL.into_iter().find(|r| r.key() == key).unwrap_or(Self::Other)
    }
}

/// Classifies an HTTP answer by its status and the `error` code of its
/// JSON body, if it had one.
pub fn classify(status: u16, error: Option<&str>) -> Answer {
    match status {
        200 | 202 => Answer::Arrived,
        422 => Answer::Invalid,
        403 if error == Some("token_invalid") => Answer::TokenInvalid,
        // 409 is never sent by the companion; from anything in between it
        // can only mean "not now" (the same id in flight), and the id makes
        // a later try harmless.
        408 | 409 | 425 | 429 => Answer::Transient,
        413 => Answer::Refused(Refusal::TooLarge),
        401 | 403 => Answer::Refused(Refusal::NotAllowed),
        400 | 415 => Answer::Refused(Refusal::Unreadable),
        400..=499 => Answer::Refused(Refusal::Other),
        _ => Answer::Transient,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_field_errors_and_a_bad_token_each_have_their_own_path() {
        assert_eq!(classify(202, None), Answer::Arrived);
        assert_eq!(classify(200, Some("whatever")), Answer::Arrived);
        assert_eq!(classify(422, Some("invalid")), Answer::Invalid);
        assert_eq!(classify(403, Some("token_invalid")), Answer::TokenInvalid);
    }

    #[test]
    fn a_client_error_other_than_timing_ends_the_retries() {
        assert_eq!(classify(413, Some("payload_too_large")), Answer::Refused(Refusal::TooLarge));
        assert_eq!(classify(413, None), Answer::Refused(Refusal::TooLarge));
        assert_eq!(classify(403, Some("forbidden")), Answer::Refused(Refusal::NotAllowed));
        assert_eq!(classify(403, None), Answer::Refused(Refusal::NotAllowed));
        assert_eq!(classify(401, None), Answer::Refused(Refusal::NotAllowed));
        assert_eq!(classify(400, Some("bad_request")), Answer::Refused(Refusal::Unreadable));
        assert_eq!(classify(415, None), Answer::Refused(Refusal::Unreadable));
        for status in [404, 405, 410, 418, 451] {
            assert_eq!(classify(status, None), Answer::Refused(Refusal::Other), "{status}");
        }
    }

    #[test]
    fn network_trouble_rate_limits_and_server_errors_are_retried() {
        for status in [408, 409, 425, 429, 500, 502, 503, 504, 0, 302] {
            assert_eq!(classify(status, None), Answer::Transient, "{status}");
        }
    }

    #[test]
    fn a_refusal_survives_the_trip_through_storage() {
        for r in Refusal::ALL {
            assert_eq!(Refusal::from_key(r.key()), r);
        }
        assert_eq!(Refusal::from_key("refused.from_a_newer_version"), Refusal::Other);
        assert_eq!(Refusal::from_key("refused.too_large"), Refusal::TooLarge, "as kept before version 0.2");
    }
}
