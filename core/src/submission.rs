//! Parse, don't validate: a [`Submission`] exists only if every rule of its
//! consultation holds. The widget and the server both call
//! [`Submission::parse`], so their rules cannot drift apart.
//!
//! It is long on purpose: every rule of a submission lives here, in the one
//! parser, so that no rule can be checked anywhere else.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::consultation::{Consultation, consultation};
use crate::countries::is_country_code;
use crate::wire::WireSubmission;

/// The six official languages of the United Nations, as BCP 47 tags.
pub const LANGUAGES: &[&str] = &["ar", "zh", "en", "fr", "ru", "es"];

/// Who is speaking: a person, a group, or the outcome of a consultation.
pub const KINDS: &[&str] = &["individual", "organization", "consultation"];

/// Stakeholder groups of the Global Digital Compact call for input.
pub const STAKEHOLDERS: &[&str] = &[
    "government",
    "un-system",
    "private-sector",
    "civil-society",
    "academia",
    "technical-community",
    "individual",
    "youth",
];

/// How a published contribution is credited.
pub const ATTRIBUTIONS: &[&str] = &["anonymous", "name", "organization"];

/// Why a field was refused. The code is for machines (and for the widget's
/// message catalog); the message is a plain English fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Required,
    TooLong,
    InvalidFormat,
    UnknownValue,
    OutOfRange,
    NotAllowed,
    Duplicate,
}

impl ErrorCode {
    pub const ALL: [Self; 7] = [
        Self::Required,
        Self::TooLong,
        Self::InvalidFormat,
        Self::UnknownValue,
        Self::OutOfRange,
        Self::NotAllowed,
        Self::Duplicate,
    ];

    /// The code a wire name stands for.
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The wire name, also the suffix of the catalog key `error.<code>`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong => "too_long",
            Self::InvalidFormat => "invalid_format",
            Self::UnknownValue => "unknown_value",
            Self::OutOfRange => "out_of_range",
            Self::NotAllowed => "not_allowed",
            Self::Duplicate => "duplicate",
        }
    }

    /// A short English explanation, used where no catalog text exists.
    pub fn message(self) -> &'static str {
        match self {
            Self::Required => "This is required.",
            Self::TooLong => "This is too long.",
            Self::InvalidFormat => "This is not in the expected format.",
            Self::UnknownValue => "This is not one of the allowed values.",
            Self::OutOfRange => "This number is out of range.",
            Self::NotAllowed => "This is not allowed here.",
            Self::Duplicate => "This appears more than once.",
        }
    }
}

/// One refused field, addressed by its path in the wire JSON
/// (`submitter.country`, `answers[0].principles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode) -> Self {
        Self { field: field.into(), code, message: code.message().to_owned() }
    }
}

/// Every rule a submission broke, in field order.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    fn push(&mut self, field: impl Into<String>, code: ErrorCode) {
        self.0.push(FieldError::new(field, code));
    }

    /// The first error for `field`, if any.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|e| format!("{}: {:?}", e.field, e.code)).collect();
        write!(f, "invalid submission ({})", parts.join(", "))
    }
}

impl std::error::Error for ValidationErrors {}

/// What a submission is checked against beyond its consultation.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules<'a> {
    /// The site's allowed topics; `None` allows every topic.
    pub allowed_topics: Option<&'a [String]>,
}

/// A submission that satisfies every rule of its consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    id: Uuid,
    consultation: &'static Consultation,
    wire: WireSubmission,
}

impl Submission {
    /// Checks every rule and returns either a valid submission or all the
    /// errors at once, so a form can show them together.
    pub fn parse(wire: WireSubmission, rules: Rules<'_>) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();

        // One spelling only: the id is the idempotency key end to end, and
        // stores compare it as text. `uuid` also accepts upper case, braces,
        // `urn:uuid:` and no hyphens; each would be a second key for the
        // same submission, so only the form `Uuid` prints is valid.
        let id = match Uuid::parse_str(&wire.id) {
            Ok(id) if id.get_version_num() == 7 && is_canonical(&id, &wire.id) => Some(id),
            _ if wire.id.is_empty() => {
                errors.push("id", ErrorCode::Required);
                None
            }
            _ => {
                errors.push("id", ErrorCode::InvalidFormat);
                None
            }
        };
        let consultation = consultation(&wire.consultation);
        if consultation.is_none() {
            errors.push("consultation", ErrorCode::UnknownValue);
        }
        check_site_key(&wire.site, &mut errors);
        if !LANGUAGES.contains(&wire.lang.as_str()) {
            errors.push("lang", ErrorCode::UnknownValue);
        }
        if let Some(c) = consultation {
            check_submitter(&wire, c, &mut errors);
            check_answers(&wire, c, rules, &mut errors);
        }
        check_consent(&wire, &mut errors);

        match (id, consultation) {
            (Some(id), Some(consultation)) if errors.0.is_empty() => Ok(Self { id, consultation, wire }),
            _ => Err(errors),
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn consultation(&self) -> &'static Consultation {
        self.consultation
    }

    pub fn site(&self) -> &str {
        &self.wire.site
    }

    /// The submission exactly as it was sent, for storage and forwarding.
    pub fn wire(&self) -> &WireSubmission {
        &self.wire
    }

    pub fn into_wire(self) -> WireSubmission {
        self.wire
    }
}

/// What the full form requires beyond the wire rules: a stakeholder group
/// and a country. The compact variant leaves them optional.
pub fn profile_gaps(wire: &WireSubmission) -> ValidationErrors {
    let mut errors = ValidationErrors::default();
    if wire.submitter.stakeholder.is_empty() {
        errors.push("submitter.stakeholder", ErrorCode::Required);
    }
    if wire.submitter.country.is_empty() {
        errors.push("submitter.country", ErrorCode::Required);
    }
    errors
}

/// Whether `text` is the one canonical spelling of `id`: lower case,
/// hyphenated, nothing around it.
fn is_canonical(id: &Uuid, text: &str) -> bool {
    let mut buf = Uuid::encode_buffer();
    id.hyphenated().encode_lower(&mut buf) == text
}

/// Site keys are short slugs: they appear in URLs, logs and metrics labels.
pub fn is_site_key(key: &str) -> bool {
    (1..=64).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn check_site_key(site: &str, errors: &mut ValidationErrors) {
    if site.is_empty() {
        errors.push("site", ErrorCode::Required);
    } else if !is_site_key(site) {
        errors.push("site", ErrorCode::InvalidFormat);
    }
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

fn is_blank(s: &str) -> bool {
    s.trim().is_empty()
}

fn check_optional_text(field: &str, value: Option<&str>, max: usize, errors: &mut ValidationErrors) {
    if let Some(v) = value
        && chars(v) > max
    {
        errors.push(field, ErrorCode::TooLong);
    }
}

fn check_submitter(wire: &WireSubmission, c: &Consultation, errors: &mut ValidationErrors) {
    let s = &wire.submitter;
    let limits = c.limits;
    check_choice("submitter.kind", &s.kind, KINDS, errors);
    // Stakeholder group and country are optional on the wire (the compact
    // variant may omit them); when given, they must be known values.
    // The full variant asks for them: see `profile_gaps`.
    if !s.stakeholder.is_empty() && !STAKEHOLDERS.contains(&s.stakeholder.as_str()) {
        errors.push("submitter.stakeholder", ErrorCode::UnknownValue);
    }
    if !s.country.is_empty() && !is_country_code(&s.country) {
        errors.push("submitter.country", ErrorCode::UnknownValue);
    }
    check_optional_text("submitter.name", s.name.as_deref(), limits.name_chars, errors);
    check_optional_text("submitter.organization", s.organization.as_deref(), limits.name_chars, errors);
    if let Some(email) = s.email.as_deref().filter(|e| !e.is_empty()) {
        if chars(email) > limits.email_chars {
            errors.push("submitter.email", ErrorCode::TooLong);
        } else if !is_email(email) {
            errors.push("submitter.email", ErrorCode::InvalidFormat);
        }
    }
    match (&s.event, s.kind == "consultation") {
        (None, true) => errors.push("submitter.event", ErrorCode::Required),
        (Some(_), false) => errors.push("submitter.event", ErrorCode::NotAllowed),
        (Some(event), true) => {
            if is_blank(&event.title) {
                errors.push("submitter.event.title", ErrorCode::Required);
            } else if chars(&event.title) > limits.name_chars {
                errors.push("submitter.event.title", ErrorCode::TooLong);
            }
            if event.date.is_empty() {
                errors.push("submitter.event.date", ErrorCode::Required);
            } else if !is_iso_date(&event.date) {
                errors.push("submitter.event.date", ErrorCode::InvalidFormat);
            }
            if !(1..=u64::from(limits.max_participants)).contains(&event.participants) {
                errors.push("submitter.event.participants", ErrorCode::OutOfRange);
            }
        }
        (None, false) => {}
    }
}

fn check_choice(field: &str, value: &str, allowed: &[&str], errors: &mut ValidationErrors) {
    if value.is_empty() {
        errors.push(field, ErrorCode::Required);
    } else if !allowed.contains(&value) {
        errors.push(field, ErrorCode::UnknownValue);
    }
}

fn check_answers(wire: &WireSubmission, c: &Consultation, rules: Rules<'_>, errors: &mut ValidationErrors) {
    if wire.answers.is_empty() {
        errors.push("answers", ErrorCode::Required);
    }
    for (i, answer) in wire.answers.iter().enumerate() {
        let topic_field = format!("answers[{i}].topic");
        if c.topic(&answer.topic).is_none() {
            errors.push(topic_field, ErrorCode::UnknownValue);
        } else if rules.allowed_topics.is_some_and(|allowed| !allowed.contains(&answer.topic)) {
            errors.push(topic_field, ErrorCode::NotAllowed);
        } else if wire.answers[..i].iter().any(|a| a.topic == answer.topic) {
            errors.push(topic_field, ErrorCode::Duplicate);
        }
        for (question, text) in &answer.texts {
            let field = format!("answers[{i}].{question}");
            if c.question(question).is_none() {
                errors.push(field, ErrorCode::UnknownValue);
            } else if chars(text) > c.limits.answer_chars {
                errors.push(field, ErrorCode::TooLong);
            }
        }
        if answer.texts.values().all(|t| is_blank(t)) {
            // Addressed to the first question, where a form shows it.
            let first = c.questions.first().map_or("answer", |q| q.id);
            errors.push(format!("answers[{i}].{first}"), ErrorCode::Required);
        }
    }
}

fn check_consent(wire: &WireSubmission, errors: &mut ValidationErrors) {
    let attribution = wire.consent.attribution.as_str();
    check_choice("consent.attribution", attribution, ATTRIBUTIONS, errors);
    // Crediting a name or an organisation needs one to credit.
    let s = &wire.submitter;
    if wire.consent.publish {
        let missing = match attribution {
            "name" => s.name.as_deref().is_none_or(is_blank).then_some("submitter.name"),
            "organization" => s.organization.as_deref().is_none_or(is_blank).then_some("submitter.organization"),
            _ => None,
        };
        if let Some(field) = missing {
            errors.push(field, ErrorCode::Required);
        }
    }
    if wire.consent.contact && s.email.as_deref().is_none_or(is_blank) {
        errors.push("submitter.email", ErrorCode::Required);
    }
}

/// A deliberately permissive address check: one `@`, a non-empty local part,
/// a dotted domain, no spaces. Real deliverability is the mail server's call.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || is_invisible(c))
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
}

/// Format characters that change how text shows without showing themselves
/// (bidirectional overrides and isolates, zero-width characters, the byte
/// order mark, the soft hyphen): in an address they can only deceive.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// `YYYY-MM-DD` naming a real calendar day.
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num =
        |r: std::ops::Range<usize>| s.get(r).filter(|p| p.bytes().all(|c| c.is_ascii_digit()))?.parse::<u32>().ok();
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1900 && (1..=days).contains(&d)
}
