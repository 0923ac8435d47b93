//! Properties of the one parser over generated input: what it accepts
//! survives a trip through JSON unchanged, nothing makes it panic, and every
//! refusal is addressed to a field the wire JSON has. `validation.rs` tests
//! each rule on its own; these tests cover the space between the rules.
//!
//! It is long because the generators of valid submissions (every script,
//! kind and topic) are most of it; the properties themselves are short.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use gdc_core::countries::COUNTRY_CODES;
use gdc_core::submission::{ATTRIBUTIONS, KINDS, LANGUAGES, STAKEHOLDERS};
use gdc_core::{
    ErrorCode, GDC_2023, Rules, Submission, ValidationErrors, WireAnswer, WireConsent, WireEvent, WireSubmission,
    WireSubmitter,
};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------
// Text from many scripts.

/// Characters people really send, and some they send by accident: Latin,
/// Arabic, Chinese, Cyrillic, emoji, combining marks, bidi controls, C0 and
/// C1 controls except NUL, and the characters JSON must escape.
const SCRIPTS: &[RangeInclusive<char>] = &[
    ' '..='~',
    'À'..='ſ',
    '\u{0600}'..='\u{06FF}',   // Arabic
    '\u{4E00}'..='\u{9FFF}',   // CJK unified ideographs
    '\u{0400}'..='\u{04FF}',   // Cyrillic
    '\u{1F300}'..='\u{1FAFF}', // emoji
    '\u{0300}'..='\u{036F}',   // combining diacritical marks
    '\u{200B}'..='\u{200F}',   // zero-width space and joiners, LRM, RLM
    '\u{202A}'..='\u{202E}',   // bidi embeddings and overrides
    '\u{2066}'..='\u{2069}',   // bidi isolates
    '\u{0001}'..='\u{001F}',   // C0 controls, NUL excluded
    '\u{007F}'..='\u{009F}',   // DEL and C1 controls
    '"'..='"',
    '\\'..='\\',
    '\u{FEFF}'..='\u{FEFF}', // byte order mark
    '\u{10FFFF}'..='\u{10FFFF}',
];

fn any_char() -> impl Strategy<Value = char> {
    proptest::char::ranges(Cow::Borrowed(SCRIPTS))
}

/// A character that is not white space, so a text starting with it is never
/// blank.
fn visible_char() -> impl Strategy<Value = char> {
    any_char().prop_filter("not white space", |c| !c.is_whitespace())
}

/// Up to `max` characters (Unicode scalar values, as the limits count them);
/// mostly short, sometimes right at the limit.
fn text(max: usize) -> impl Strategy<Value = String> {
    let near_limit = max.saturating_sub(3)..=max;
    prop_oneof![8 => 0..=max.min(40), 1 => near_limit]
        .prop_flat_map(|n| prop::collection::vec(any_char(), n))
        .prop_map(String::from_iter)
}

/// A text that is not blank, of at most `max` characters.
fn non_blank(max: usize) -> impl Strategy<Value = String> {
    (visible_char(), text(max - 1), any::<bool>())
        .prop_map(|(c, rest, first)| if first { format!("{c}{rest}") } else { format!("{rest}{c}") })
}

// ---------------------------------------------------------------------------
// Valid submissions.

/// A UUIDv7 in its canonical spelling, as `Uuid::to_string` prints it.
fn canonical_v7() -> impl Strategy<Value = String> {
    any::<[u8; 16]>().prop_map(|mut b| {
        b[6] = (b[6] & 0x0f) | 0x70;
        b[8] = (b[8] & 0x3f) | 0x80;
        uuid::Uuid::from_bytes(b).to_string()
    })
}

/// Characters a real address may hold, in any script: letters, digits,
/// punctuation, emoji, combining marks; no space, control or invisible
/// format character (those only ever deceive in an address).
const ADDRESS_SCRIPTS: &[RangeInclusive<char>] = &[
    '!'..='~',
    'À'..='ſ',
    '\u{0620}'..='\u{064A}',   // Arabic letters
    '\u{4E00}'..='\u{9FFF}',   // CJK unified ideographs
    '\u{0400}'..='\u{04FF}',   // Cyrillic
    '\u{1F300}'..='\u{1FAFF}', // emoji
    '\u{0300}'..='\u{036F}',   // combining diacritical marks
];

/// `is_email` is permissive on purpose: one `@`, a local part and a dotted
/// domain, in any script.
fn email() -> impl Strategy<Value = String> {
    let part = |n| {
        let c = proptest::char::ranges(Cow::Borrowed(ADDRESS_SCRIPTS))
            .prop_filter("no @ or dot", |c| *c != '@' && *c != '.');
        prop::collection::vec(c, 1..n)
    };
    (part(20), prop::collection::vec(part(12), 2..4)).prop_map(|(local, labels)| {
        let labels: Vec<String> = labels.into_iter().map(String::from_iter).collect();
        format!("{}@{}", String::from_iter(local), labels.join("."))
    })
}

fn iso_date() -> impl Strategy<Value = String> {
    (1900u32..=9999, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
        let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
        let days = match m {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        format!("{y:04}-{m:02}-{:02}", d.min(days))
    })
}

fn event() -> impl Strategy<Value = WireEvent> {
    let limit = u64::from(GDC_2023.limits.max_participants);
    (non_blank(GDC_2023.limits.name_chars), iso_date(), prop_oneof![1u64..=100, Just(1), Just(limit), 1..=limit])
        .prop_map(|(title, date, participants)| WireEvent { title, date, participants })
}

fn optional<S: Strategy>(s: S) -> impl Strategy<Value = Option<S::Value>> {
    prop::option::of(s)
}

fn submitter() -> impl Strategy<Value = WireSubmitter> {
    let name = GDC_2023.limits.name_chars;
    (
        select(KINDS),
        prop_oneof![Just(""), select(STAKEHOLDERS)],
        prop_oneof![Just(""), select(COUNTRY_CODES)],
        optional(text(name)),
        optional(text(name)),
        optional(prop_oneof![Just(String::new()), email()]),
        event(),
    )
        .prop_map(|(kind, stakeholder, country, name, organization, email, event)| WireSubmitter {
            kind: kind.into(),
            stakeholder: stakeholder.into(),
            country: country.into(),
            name,
            organization,
            email,
            event: (kind == "consultation").then_some(event),
        })
}

fn topic_ids() -> Vec<&'static str> {
    GDC_2023.topics.iter().map(|t| t.id).collect()
}

fn question_ids() -> Vec<&'static str> {
    GDC_2023.questions.iter().map(|q| q.id).collect()
}

/// Texts for some of the questions, at least one of them not blank.
fn texts() -> impl Strategy<Value = BTreeMap<String, String>> {
    let limit = GDC_2023.limits.answer_chars;
    (subsequence(question_ids(), 1..=GDC_2023.questions.len()), prop::collection::vec(text(limit), 3), non_blank(limit))
        .prop_map(|(questions, bodies, filled)| {
            let mut texts: BTreeMap<String, String> =
                questions.iter().zip(bodies).map(|(q, t)| ((*q).to_owned(), t)).collect();
            texts.insert(questions[0].to_owned(), filled);
            texts
        })
}

/// Distinct topics in any order, each with its texts.
fn answers() -> impl Strategy<Value = Vec<WireAnswer>> {
    subsequence(topic_ids(), 1..=GDC_2023.topics.len())
        .prop_shuffle()
        .prop_flat_map(|topics| {
            let n = topics.len();
            (Just(topics), prop::collection::vec(texts(), n))
        })
        .prop_map(|(topics, texts)| {
            topics.into_iter().zip(texts).map(|(t, texts)| WireAnswer { topic: t.to_owned(), texts }).collect()
        })
}

fn valid_submission() -> impl Strategy<Value = WireSubmission> {
    (
        canonical_v7(),
        "[a-z0-9_-]{1,64}",
        select(LANGUAGES),
        submitter(),
        answers(),
        (any::<bool>(), select(ATTRIBUTIONS), any::<bool>()),
        (non_blank(GDC_2023.limits.name_chars), email()),
    )
        .prop_map(
            |(id, site, lang, mut submitter, answers, (publish, attribution, contact), (credit, address))| {
                // Crediting or contacting needs the matching detail.
                if publish && attribution == "name" && submitter.name.as_deref().is_none_or(|n| n.trim().is_empty()) {
                    submitter.name = Some(credit.clone());
                }
                if publish
                    && attribution == "organization"
                    && submitter.organization.as_deref().is_none_or(|n| n.trim().is_empty())
                {
                    submitter.organization = Some(credit);
                }
                if contact && submitter.email.as_deref().is_none_or(|e| e.trim().is_empty()) {
                    submitter.email = Some(address);
                }
                WireSubmission {
                    id,
                    consultation: GDC_2023.id.into(),
                    site,
                    lang: lang.into(),
                    submitter,
                    answers,
                    consent: WireConsent { publish, attribution: attribution.into(), contact },
                }
            },
        )
}

// ---------------------------------------------------------------------------
// Hostile input.

/// Strings a hostile or broken client might put anywhere: the right values
/// in the wrong places, near misses, and text from every script.
fn any_string() -> impl Strategy<Value = String> {
    let vocabulary: Vec<&'static str> =
        [KINDS, STAKEHOLDERS, LANGUAGES, ATTRIBUTIONS, &topic_ids()[..], &question_ids()[..]]
            .concat()
            .into_iter()
            .chain(["", " ", "gdc-2023", "RW", "rw", "XX", "2023-02-29", "2024-02-29", "topic", "a@b.c", "a@b", "\0"])
            .chain(["0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f", "0190F6C2-7C4E-7B1A-9F1E-3C2D1A0B9E8F"])
            .collect();
    prop_oneof![
        3 => select(vocabulary).prop_map(str::to_owned),
        1 => Just(String::new()),
        3 => text(40),
        1 => text(300),
        1 => text(4_010),
        1 => ".*",
    ]
}

/// One change to a valid submission, at the typed level so that it always
/// reaches `Submission::parse`.
#[derive(Debug, Clone)]
enum Change {
    Id(String),
    Consultation(String),
    Site(String),
    Lang(String),
    Kind(String),
    Stakeholder(String),
    Country(String),
    Name(Option<String>),
    Organization(Option<String>),
    Email(Option<String>),
    Event(Option<WireEvent>),
    EventTitle(String),
    EventDate(String),
    Participants(u64),
    Topic(usize, String),
    Text(usize, String, String),
    RemoveText(usize, String),
    NoAnswers,
    RepeatAnswer(usize),
    Publish(bool),
    Attribution(String),
    Contact(bool),
}

fn change() -> impl Strategy<Value = Change> {
    let s = any_string;
    let question = || prop_oneof![3 => select(question_ids()).prop_map(str::to_owned), 1 => any_string()];
    let loose_event =
        (s(), s(), any::<u64>()).prop_map(|(title, date, participants)| WireEvent { title, date, participants });
    prop_oneof![
        s().prop_map(Change::Id),
        s().prop_map(Change::Consultation),
        s().prop_map(Change::Site),
        s().prop_map(Change::Lang),
        s().prop_map(Change::Kind),
        s().prop_map(Change::Stakeholder),
        s().prop_map(Change::Country),
        optional(s()).prop_map(Change::Name),
        optional(s()).prop_map(Change::Organization),
        optional(s()).prop_map(Change::Email),
        optional(prop_oneof![event(), loose_event]).prop_map(Change::Event),
        s().prop_map(Change::EventTitle),
        s().prop_map(Change::EventDate),
        prop_oneof![Just(0u64), Just(1_000_001), any::<u64>()].prop_map(Change::Participants),
        (0usize..10, s()).prop_map(|(i, t)| Change::Topic(i, t)),
        (0usize..10, question(), s()).prop_map(|(i, q, t)| Change::Text(i, q, t)),
        (0usize..10, question()).prop_map(|(i, q)| Change::RemoveText(i, q)),
        Just(Change::NoAnswers),
        (0usize..10).prop_map(Change::RepeatAnswer),
        any::<bool>().prop_map(Change::Publish),
        s().prop_map(Change::Attribution),
        any::<bool>().prop_map(Change::Contact),
    ]
}

fn apply(w: &mut WireSubmission, change: Change) {
    let s = &mut w.submitter;
    let n = w.answers.len().max(1);
    match change {
        Change::Id(v) => w.id = v,
        Change::Consultation(v) => w.consultation = v,
        Change::Site(v) => w.site = v,
        Change::Lang(v) => w.lang = v,
        Change::Kind(v) => s.kind = v,
        Change::Stakeholder(v) => s.stakeholder = v,
        Change::Country(v) => s.country = v,
        Change::Name(v) => s.name = v,
        Change::Organization(v) => s.organization = v,
        Change::Email(v) => s.email = v,
        Change::Event(v) => s.event = v,
        Change::EventTitle(v) => s.event.get_or_insert_with(Default::default).title = v,
        Change::EventDate(v) => s.event.get_or_insert_with(Default::default).date = v,
        Change::Participants(v) => s.event.get_or_insert_with(Default::default).participants = v,
        Change::Topic(i, v) => {
            if let Some(a) = w.answers.get_mut(i % n) {
                a.topic = v;
            }
        }
        Change::Text(i, q, t) => {
            if let Some(a) = w.answers.get_mut(i % n) {
                a.texts.insert(q, t);
            }
        }
        Change::RemoveText(i, q) => {
            if let Some(a) = w.answers.get_mut(i % n) {
                a.texts.remove(&q);
            }
        }
        Change::NoAnswers => w.answers.clear(),
        Change::RepeatAnswer(i) => {
            if let Some(a) = w.answers.get(i % n).cloned() {
                w.answers.push(a);
            }
        }
        Change::Publish(v) => w.consent.publish = v,
        Change::Attribution(v) => w.consent.attribution = v,
        Change::Contact(v) => w.consent.contact = v,
    }
}

fn changed_submission() -> impl Strategy<Value = WireSubmission> {
    (valid_submission(), prop::collection::vec(change(), 1..5)).prop_map(|(mut w, changes)| {
        for c in changes {
            apply(&mut w, c);
        }
        w
    })
}

/// Any JSON value, with object keys mostly taken from the wire's own field
/// names so that deserialisation gets past the first unknown field.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any_string().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (prop_oneof![4 => select(FIELD_NAMES).prop_map(str::to_owned), 1 => any_string()], inner),
                0..8
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

const FIELD_NAMES: &[&str] = &[
    "id",
    "consultation",
    "site",
    "lang",
    "submitter",
    "answers",
    "consent",
    "kind",
    "stakeholder",
    "country",
    "name",
    "organization",
    "email",
    "event",
    "title",
    "date",
    "participants",
    "topic",
    "principles",
    "commitments",
    "comments",
    "publish",
    "attribution",
    "contact",
];

/// A valid submission's JSON with some of its values replaced (mostly by a
/// value of the same JSON type), removed or added to: many of these still
/// deserialise, and reach the deep rules.
fn changed_json() -> impl Strategy<Value = Value> {
    let edit = (
        any::<prop::sample::Index>(),
        0u8..8,
        select(FIELD_NAMES),
        (any_string(), prop_oneof![any::<u64>(), 0u64..3], any::<bool>(), any_json()),
    );
    (valid_submission(), prop::collection::vec(edit, 1..4)).prop_map(|(w, edits)| {
        let mut json = serde_json::to_value(&w).unwrap();
        for (at, op, key, (string, number, boolean, value)) in edits {
            let mut nodes = Vec::new();
            collect_pointers(&json, String::new(), &mut nodes);
            let pointer = at.get(&nodes).clone();
            let Some(node) = json.pointer_mut(&pointer) else { continue };
            match (op, node) {
                (0..5, node @ Value::String(_)) => *node = Value::String(string),
                (0..5, node @ Value::Number(_)) => *node = Value::from(number),
                (0..5, node @ Value::Bool(_)) => *node = Value::Bool(boolean),
                (5, Value::Object(map)) => {
                    map.remove(key);
                }
                (0..7, Value::Object(map)) => {
                    map.insert(key.to_owned(), value);
                }
                (0..7, Value::Array(items)) => items.push(value),
                (_, node) => *node = value,
            }
        }
        json
    })
}

/// JSON Pointers to every node of `v`, the root included.
fn collect_pointers(v: &Value, here: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                collect_pointers(child, format!("{here}/{}", k.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect_pointers(child, format!("{here}/{i}"), out);
            }
        }
        _ => {}
    }
    out.push(here);
}

/// A valid submission's JSON text with a few bytes flipped, inserted or cut.
fn changed_bytes() -> impl Strategy<Value = Vec<u8>> {
    let edits = prop::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..6);
    (valid_submission(), edits).prop_map(|(w, edits)| {
        let mut bytes = serde_json::to_vec(&w).unwrap();
        for (at, op, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = byte,
                1 if i < bytes.len() => {
                    bytes.remove(i);
                }
                _ => bytes.insert(i, byte),
            }
        }
        bytes
    })
}

// ---------------------------------------------------------------------------
// What is checked.

/// What was accepted comes back identical from its own JSON: the wire value,
/// and the submission parsed from it.
fn assert_round_trip(accepted: &Submission) -> Result<(), TestCaseError> {
    for json in
        [serde_json::to_string(accepted.wire()).unwrap(), serde_json::to_string_pretty(accepted.wire()).unwrap()]
    {
        let wire: WireSubmission =
            serde_json::from_str(&json).map_err(|e| TestCaseError::fail(format!("{e}: {json}")))?;
        prop_assert_eq!(&wire, accepted.wire());
        let again = Submission::parse(wire, Rules::default());
        prop_assert_eq!(again, Ok(accepted.clone()));
    }
    Ok(())
}

/// Whether `field` is a path of the wire JSON shape: a field of the contract,
/// an existing answer's topic, or one of its questions (asked, or present in
/// the submission and refused by name).
fn is_wire_path(field: &str, w: &WireSubmission) -> bool {
    const FIXED: &[&str] = &[
        "id",
        "consultation",
        "site",
        "lang",
        "submitter",
        "submitter.kind",
        "submitter.stakeholder",
        "submitter.country",
        "submitter.name",
        "submitter.organization",
        "submitter.email",
        "submitter.event",
        "submitter.event.title",
        "submitter.event.date",
        "submitter.event.participants",
        "answers",
        "consent",
        "consent.publish",
        "consent.attribution",
        "consent.contact",
    ];
    if FIXED.contains(&field) {
        return true;
    }
    let Some((i, key)) = answer_path(field) else { return false };
    let Some(answer) = w.answers.get(i) else { return false };
    key == "topic" || GDC_2023.question(key).is_some() || answer.texts.contains_key(key)
}

/// `answers[3].principles` as `(3, "principles")`. The key is everything
/// after the first dot, whatever it holds: a refused question id may itself
/// contain dots or brackets.
fn answer_path(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("answers[")?;
    let (index, rest) = rest.split_once(']')?;
    let key = rest.strip_prefix('.')?;
    if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) || (index.len() > 1 && index.starts_with('0')) {
        return None;
    }
    Some((index.parse().ok()?, key))
}

/// Whether `field` names a value the submission's JSON actually holds.
fn is_present(field: &str, w: &WireSubmission) -> bool {
    let json = serde_json::to_value(w).unwrap();
    if let Some((i, key)) = answer_path(field) {
        return json["answers"].get(i).and_then(|a| a.get(key)).is_some();
    }
    let mut node = &json;
    for part in field.split('.') {
        match node.get(part) {
            Some(child) => node = child,
            None => return false,
        }
    }
    true
}

/// A refusal lists at least one error, each at a path of the wire shape, and
/// any error other than "required" points at a value that was sent.
fn assert_addressed(errors: &ValidationErrors, w: &WireSubmission) -> Result<(), TestCaseError> {
    prop_assert!(!errors.0.is_empty(), "refused without a reason");
    for e in &errors.0 {
        prop_assert!(is_wire_path(&e.field, w), "{:?} is not a wire path of {:?}", e.field, w);
        prop_assert_eq!(&e.message, e.code.message());
        if e.code != ErrorCode::Required {
            prop_assert!(is_present(&e.field, w), "{:?} ({:?}) names nothing that was sent: {:?}", e.field, e.code, w);
        }
    }
    Ok(())
}

/// The whole contract for one input: accepted and stable, or refused with
/// addressed errors.
fn check(w: WireSubmission, rules: Rules<'_>) -> Result<(), TestCaseError> {
    match Submission::parse(w.clone(), rules) {
        Ok(accepted) => {
            prop_assert_eq!(accepted.wire(), &w, "kept as sent");
            if rules.allowed_topics.is_none() {
                assert_round_trip(&accepted)?;
            }
        }
        Err(errors) => assert_addressed(&errors, &w)?,
    }
    Ok(())
}

/// The same path the servers take: bytes, then the wire type, then the rules.
fn check_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(w) = serde_json::from_slice::<WireSubmission>(bytes) {
        check(w, Rules::default())?;
    }
    Ok(())
}

proptest! {
    #[test]
    fn valid_submissions_in_every_script_are_accepted_and_round_trip(w in valid_submission()) {
        let accepted = Submission::parse(w.clone(), Rules::default());
        prop_assert!(accepted.is_ok(), "refused {:?}: {:?}", w, accepted);
        let accepted = accepted.unwrap();
        prop_assert_eq!(accepted.wire(), &w);
        prop_assert_eq!(accepted.id().to_string(), w.id.clone());
        assert_round_trip(&accepted)?;
    }

    #[test]
    fn a_site_that_allows_the_chosen_topics_accepts_them_and_refuses_the_rest(
        w in valid_submission(), allowed in subsequence(topic_ids(), 0..=GDC_2023.topics.len())
    ) {
        let allowed: Vec<String> = allowed.into_iter().map(str::to_owned).collect();
        let rules = Rules { allowed_topics: Some(&allowed) };
        let expected: Vec<(String, ErrorCode)> = w
            .answers
            .iter()
            .enumerate()
            .filter(|(_, a)| !allowed.contains(&a.topic))
            .map(|(i, _)| (format!("answers[{i}].topic"), ErrorCode::NotAllowed))
            .collect();
        let got = match Submission::parse(w.clone(), rules) {
            Ok(_) => vec![],
            Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        };
        prop_assert_eq!(got, expected);
        check(w, rules)?;
    }

    #[test]
    fn changed_submissions_are_accepted_stably_or_refused_field_by_field(w in changed_submission()) {
        check(w, Rules::default())?;
    }

    #[test]
    fn a_non_canonical_spelling_of_a_valid_id_is_refused_as_invalid_format(
        w in valid_submission(), spelling in 0usize..6, flips in any::<u32>()
    ) {
        let id = w.id.clone();
        let simple = id.replace('-', "");
        let mut mixed: String =
            id.chars().enumerate().map(|(i, c)| if (flips >> (i % 32)) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect();
        if mixed == id {
            // Make sure at least one letter changes case; a UUID without a
            // letter among its hex digits is upper case already.
            mixed = id.to_ascii_uppercase();
        }
        let other = match spelling {
            0 => id.to_ascii_uppercase(),
            1 => format!("{{{id}}}"),
            2 => format!("urn:uuid:{id}"),
            3 => simple,
            4 => mixed,
            _ => simple.to_ascii_uppercase(),
        };
        prop_assume!(other != id, "every digit of {} is a decimal digit", id);
        let mut w = w;
        w.id = other;
        let got: Vec<(String, ErrorCode)> = match Submission::parse(w.clone(), Rules::default()) {
            Ok(_) => vec![],
            Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
        };
        prop_assert_eq!(got, vec![("id".to_owned(), ErrorCode::InvalidFormat)], "{}", w.id);
    }

    #[test]
    fn arbitrary_bytes_never_make_the_parser_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        check_bytes(&bytes)?;
    }

    #[test]
    fn damaged_json_text_never_makes_the_parser_panic(bytes in changed_bytes()) {
        check_bytes(&bytes)?;
    }

    #[test]
    fn arbitrary_json_values_never_make_the_parser_panic(json in any_json()) {
        check_bytes(&serde_json::to_vec(&json).unwrap())?;
    }

    #[test]
    fn damaged_submissions_as_json_never_make_the_parser_panic(json in changed_json()) {
        check_bytes(&serde_json::to_vec(&json).unwrap())?;
    }
}
