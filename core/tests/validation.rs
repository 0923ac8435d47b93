//! Each validation rule, tested on the shared parser that both the widget and
//! the server call.

use gdc_core::submission::{is_email, is_iso_date};
use gdc_core::{ErrorCode, Rules, Submission, WireAnswer, WireEvent, WireSubmission, WireSubmitter};
use proptest::prelude::*;

fn valid() -> WireSubmission {
    WireSubmission {
        id: "0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f".into(),
        consultation: "gdc-2023".into(),
        site: "example-ngo".into(),
        lang: "fr".into(),
        submitter: WireSubmitter {
            kind: "individual".into(),
            stakeholder: "civil-society".into(),
            country: "RW".into(),
            ..Default::default()
        },
        answers: vec![WireAnswer {
            topic: "ai".into(),
            texts: [("principles".to_owned(), "Transparence".to_owned())].into(),
        }],
        consent: Default::default(),
    }
}

fn codes(w: WireSubmission) -> Vec<(String, ErrorCode)> {
    codes_with(w, Rules::default())
}

fn codes_with(w: WireSubmission, rules: Rules<'_>) -> Vec<(String, ErrorCode)> {
    match Submission::parse(w, rules) {
        Ok(_) => vec![],
        Err(e) => e.0.into_iter().map(|e| (e.field, e.code)).collect(),
    }
}

fn one(field: &str, code: ErrorCode) -> Vec<(String, ErrorCode)> {
    vec![(field.to_owned(), code)]
}

#[test]
fn a_complete_submission_is_valid_and_kept_as_sent() {
    let w = valid();
    let s = Submission::parse(w.clone(), Rules::default()).unwrap();
    assert_eq!(s.wire(), &w);
    assert_eq!(s.id().get_version_num(), 7);
}

#[test]
fn the_id_must_be_a_uuid_v7() {
    let mut w = valid();
    w.id = "6ba7b810-9dad-41d1-80b4-00c04fd430c8".into(); // v4
    assert_eq!(codes(w.clone()), one("id", ErrorCode::InvalidFormat));
    w.id = String::new();
    assert_eq!(codes(w), one("id", ErrorCode::Required));
}

#[test]
fn an_id_in_any_spelling_but_lowercase_hyphenated_is_refused() {
    // `uuid` parses all of these to the same value; each would be a second
    // idempotency key for one submission (issue 10, defect 1).
    for spelling in [
        "0190F6C2-7C4E-7B1A-9F1E-3C2D1A0B9E8F",
        "0190f6c2-7c4e-7b1a-9f1e-3C2D1A0B9E8F",
        "{0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f}",
        "urn:uuid:0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f",
        "0190f6c27c4e7b1a9f1e3c2d1a0b9e8f",
        " 0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f",
    ] {
        let mut w = valid();
        w.id = spelling.into();
        assert_eq!(codes(w), one("id", ErrorCode::InvalidFormat), "{spelling}");
    }
}

#[test]
fn unknown_consultation_language_and_malformed_site_are_refused() {
    let mut w = valid();
    w.consultation = "gdc-1999".into();
    assert_eq!(codes(w), one("consultation", ErrorCode::UnknownValue));
    let mut w = valid();
    w.lang = "de".into();
    assert_eq!(codes(w), one("lang", ErrorCode::UnknownValue));
    let mut w = valid();
    w.site = "Bad Site!".into();
    assert_eq!(codes(w), one("site", ErrorCode::InvalidFormat));
}

#[test]
fn answers_are_limited_in_characters_not_bytes() {
    let mut w = valid();
    // 4,000 Arabic letters are 8,000 bytes and still allowed.
    w.answers[0].texts.insert("principles".into(), "ع".repeat(4_000));
    assert_eq!(codes(w.clone()), vec![]);
    w.answers[0].texts.insert("principles".into(), "ع".repeat(4_001));
    assert_eq!(codes(w), one("answers[0].principles", ErrorCode::TooLong));
}

#[test]
fn each_chosen_topic_needs_one_non_empty_answer() {
    let mut w = valid();
    w.answers[0].texts = [("principles".into(), "  ".into()), ("comments".into(), String::new())].into();
    assert_eq!(codes(w.clone()), one("answers[0].principles", ErrorCode::Required));
    w.answers.clear();
    assert_eq!(codes(w), one("answers", ErrorCode::Required));
}

#[test]
fn topics_come_from_the_consultation_and_the_sites_list_once_each() {
    let mut w = valid();
    w.answers[0].topic = "space".into();
    assert_eq!(codes(w), one("answers[0].topic", ErrorCode::UnknownValue));

    let allowed = vec!["data".to_owned()];
    let rules = Rules { allowed_topics: Some(&allowed) };
    assert_eq!(codes_with(valid(), rules), one("answers[0].topic", ErrorCode::NotAllowed));

    let mut w = valid();
    w.answers.push(w.answers[0].clone());
    assert_eq!(codes(w), one("answers[1].topic", ErrorCode::Duplicate));
}

#[test]
fn questions_come_from_the_consultation() {
    let mut w = valid();
    w.answers[0].texts.insert("wishes".into(), "x".into());
    assert_eq!(codes(w), one("answers[0].wishes", ErrorCode::UnknownValue));
}

#[test]
fn country_is_optional_but_must_be_an_iso_code_when_given() {
    let mut w = valid();
    w.submitter.country = "XX".into();
    assert_eq!(codes(w.clone()), one("submitter.country", ErrorCode::UnknownValue));
    w.submitter.country = String::new();
    assert_eq!(codes(w.clone()), vec![]);
    let gaps: Vec<(String, ErrorCode)> =
        gdc_core::submission::profile_gaps(&w).0.into_iter().map(|e| (e.field, e.code)).collect();
    assert_eq!(gaps, one("submitter.country", ErrorCode::Required), "the full form asks for it");
}

#[test]
fn kind_and_stakeholder_come_from_their_lists() {
    let mut w = valid();
    w.submitter.kind = "robot".into();
    w.submitter.stakeholder = "press".into();
    assert_eq!(
        codes(w.clone()),
        vec![
            ("submitter.kind".into(), ErrorCode::UnknownValue),
            ("submitter.stakeholder".into(), ErrorCode::UnknownValue)
        ]
    );
    w.submitter.kind = String::new();
    w.submitter.stakeholder = String::new();
    assert_eq!(codes(w), one("submitter.kind", ErrorCode::Required));
}

proptest! {
    #[test]
    fn names_are_accepted_exactly_up_to_200_characters(n in 190usize..210, c in prop::char::any()) {
        let mut w = valid();
        w.submitter.name = Some(c.to_string().repeat(n));
        let expected = if n > 200 { one("submitter.name", ErrorCode::TooLong) } else { vec![] };
        prop_assert_eq!(codes(w), expected);
    }

    #[test]
    fn participants_are_accepted_exactly_from_1_to_a_million(
        n in prop_oneof![0u64..5, 999_995u64..1_000_005, any::<u64>()]
    ) {
        let mut w = valid();
        w.submitter.kind = "consultation".into();
        w.submitter.event = Some(WireEvent { title: "T".into(), date: "2023-03-14".into(), participants: n });
        let expected =
            if (1..=1_000_000).contains(&n) { vec![] } else { one("submitter.event.participants", ErrorCode::OutOfRange) };
        prop_assert_eq!(codes(w), expected);
    }

    #[test]
    fn countries_are_accepted_exactly_when_assigned(code in "[A-Z]{2}") {
        let mut w = valid();
        w.submitter.country = code.clone();
        let expected = if gdc_core::countries::COUNTRY_CODES.contains(&code.as_str()) {
            vec![]
        } else {
            one("submitter.country", ErrorCode::UnknownValue)
        };
        prop_assert_eq!(codes(w), expected);
    }

    #[test]
    fn topics_are_accepted_exactly_when_the_consultation_has_them(topic in "[a-z-]{1,14}") {
        let mut w = valid();
        w.answers[0].topic = topic.clone();
        let expected = if gdc_core::GDC_2023.topic(&topic).is_some() {
            vec![]
        } else {
            one("answers[0].topic", ErrorCode::UnknownValue)
        };
        prop_assert_eq!(codes(w), expected);
    }
}

#[test]
fn names_are_limited_to_200_characters() {
    let mut w = valid();
    w.submitter.name = Some("名".repeat(200));
    w.submitter.organization = Some("o".repeat(201));
    assert_eq!(codes(w), one("submitter.organization", ErrorCode::TooLong));
}

#[test]
fn an_email_when_given_must_look_like_one() {
    let mut w = valid();
    w.submitter.email = Some("not-an-email".into());
    assert_eq!(codes(w.clone()), one("submitter.email", ErrorCode::InvalidFormat));
    w.submitter.email = Some(String::new());
    assert_eq!(codes(w), vec![]);
}

#[test]
fn an_event_is_required_for_consultations_and_refused_otherwise() {
    let event = WireEvent { title: "Kigali youth forum".into(), date: "2023-03-14".into(), participants: 40 };
    let mut w = valid();
    w.submitter.event = Some(event.clone());
    assert_eq!(codes(w.clone()), one("submitter.event", ErrorCode::NotAllowed));
    w.submitter.kind = "consultation".into();
    assert_eq!(codes(w.clone()), vec![]);
    w.submitter.event = None;
    assert_eq!(codes(w.clone()), one("submitter.event", ErrorCode::Required));
    w.submitter.event = Some(WireEvent { title: " ".into(), date: "2023-02-30".into(), participants: 0 });
    assert_eq!(
        codes(w.clone()),
        vec![
            ("submitter.event.title".into(), ErrorCode::Required),
            ("submitter.event.date".into(), ErrorCode::InvalidFormat),
            ("submitter.event.participants".into(), ErrorCode::OutOfRange),
        ]
    );
    w.submitter.event = Some(WireEvent { participants: 1_000_001, ..event });
    assert_eq!(codes(w), one("submitter.event.participants", ErrorCode::OutOfRange));
}

#[test]
fn crediting_or_contacting_needs_the_matching_detail() {
    let mut w = valid();
    w.consent.publish = true;
    w.consent.attribution = "name".into();
    assert_eq!(codes(w.clone()), one("submitter.name", ErrorCode::Required));
    w.consent.attribution = "pseudonym".into();
    assert_eq!(codes(w.clone()), one("consent.attribution", ErrorCode::UnknownValue));
    let mut w = valid();
    w.consent.contact = true;
    assert_eq!(codes(w), one("submitter.email", ErrorCode::Required));
}

#[test]
fn every_error_is_reported_at_once() {
    let w = WireSubmission::default();
    let fields: Vec<String> = codes(w).into_iter().map(|(f, _)| f).collect();
    assert_eq!(fields, ["id", "consultation", "site", "lang"]);
}

proptest! {
    #[test]
    fn any_non_blank_answer_within_the_limit_is_accepted(text in "\\PC{1,300}") {
        prop_assume!(!text.trim().is_empty());
        let mut w = valid();
        w.answers[0].texts.insert("commitments".into(), text);
        prop_assert_eq!(codes(w), vec![]);
    }

    #[test]
    fn answer_length_is_judged_in_characters(n in 3_990usize..4_010, c in prop::char::any()) {
        prop_assume!(!c.is_whitespace());
        let mut w = valid();
        w.answers[0].texts.insert("principles".into(), c.to_string().repeat(n));
        let expected = if n > 4_000 { one("answers[0].principles", ErrorCode::TooLong) } else { vec![] };
        prop_assert_eq!(codes(w), expected);
    }

    #[test]
    fn dates_are_accepted_exactly_when_the_day_exists(y in 1900u32..2100, m in 0u32..14, d in 0u32..33) {
        let s = format!("{y:04}-{m:02}-{d:02}");
        let days_in_month = |y: u32, m: u32| match m {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
            2 => 28,
            _ => 0,
        };
        prop_assert_eq!(is_iso_date(&s), d >= 1 && d <= days_in_month(y, m));
    }

    #[test]
    fn strings_without_an_at_sign_are_never_emails(s in "[^@]*") {
        prop_assert!(!is_email(&s));
    }

    #[test]
    fn the_parser_never_panics_on_arbitrary_text(
        country in "\\PC{0,4}", kind in "\\PC{0,12}", topic in "\\PC{0,12}", id in "\\PC{0,40}"
    ) {
        let mut w = valid();
        w.submitter.country = country;
        w.submitter.kind = kind;
        w.answers[0].topic = topic;
        w.id = id;
        let _ = Submission::parse(w, Rules::default());
    }
}

#[test]
fn error_codes_are_named_on_the_wire_as_as_str_says() {
    for code in ErrorCode::ALL {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        assert_eq!(ErrorCode::from_wire(code.as_str()), Some(code));
    }
    assert_eq!(ErrorCode::from_wire("nope"), None);
}
