//! Each validation rule of the shared core, through the HTTP API: the
//! companion answers 422 naming the field and its code, and stores nothing.

use serde_json::{Value, json};

use crate::helpers::{field_errors, spawn_app, submission};

/// One broken rule: how to break it, and the `{field, code}` it must get.
struct Case {
    rule: &'static str,
    change: fn(&mut Value),
    field: &'static str,
    code: &'static str,
}

const CASES: &[Case] = &[
    Case {
        rule: "id is a UUIDv7",
        change: |s| s["id"] = json!("6ba7b810-9dad-41d1-80b4-00c04fd430c8"),
        field: "id",
        code: "invalid_format",
    },
    Case {
        rule: "consultation is known",
        change: |s| s["consultation"] = json!("gdc-1999"),
        field: "consultation",
        code: "unknown_value",
    },
    Case { rule: "lang is a UN language", change: |s| s["lang"] = json!("de"), field: "lang", code: "unknown_value" },
    Case {
        rule: "answers are at most 4,000 characters",
        change: |s| s["answers"][0]["principles"] = json!("ع".repeat(4_001)),
        field: "answers[0].principles",
        code: "too_long",
    },
    Case {
        rule: "at least one non-empty answer per topic",
        change: |s| s["answers"][0] = json!({ "topic": "ai", "principles": " ", "comments": "" }),
        field: "answers[0].principles",
        code: "required",
    },
    Case { rule: "at least one topic", change: |s| s["answers"] = json!([]), field: "answers", code: "required" },
    Case {
        rule: "topics come from the consultation",
        change: |s| s["answers"][0]["topic"] = json!("space"),
        field: "answers[0].topic",
        code: "unknown_value",
    },
    Case {
        rule: "each topic once",
        change: |s| {
            let again = s["answers"][0].clone();
            s["answers"].as_array_mut().unwrap().push(again);
        },
        field: "answers[1].topic",
        code: "duplicate",
    },
    Case {
        rule: "questions come from the consultation",
        change: |s| s["answers"][0]["wishes"] = json!("x"),
        field: "answers[0].wishes",
        code: "unknown_value",
    },
    Case {
        rule: "name is at most 200 characters",
        change: |s| s["submitter"]["name"] = json!("名".repeat(201)),
        field: "submitter.name",
        code: "too_long",
    },
    Case {
        rule: "organisation is at most 200 characters",
        change: |s| s["submitter"]["organization"] = json!("o".repeat(201)),
        field: "submitter.organization",
        code: "too_long",
    },
    Case {
        rule: "email has the syntax of one",
        change: |s| s["submitter"]["email"] = json!("not-an-email"),
        field: "submitter.email",
        code: "invalid_format",
    },
    Case {
        rule: "country is ISO 3166-1 alpha-2",
        change: |s| s["submitter"]["country"] = json!("XX"),
        field: "submitter.country",
        code: "unknown_value",
    },
    Case {
        rule: "kind is one of three",
        change: |s| s["submitter"]["kind"] = json!("robot"),
        field: "submitter.kind",
        code: "unknown_value",
    },
    Case {
        rule: "stakeholder is one of the groups",
        change: |s| s["submitter"]["stakeholder"] = json!("press"),
        field: "submitter.stakeholder",
        code: "unknown_value",
    },
    Case {
        rule: "an event is required for a consultation",
        change: |s| s["submitter"]["kind"] = json!("consultation"),
        field: "submitter.event",
        code: "required",
    },
    Case {
        rule: "an event is refused otherwise",
        change: |s| s["submitter"]["event"] = json!({ "title": "T", "date": "2023-03-14", "participants": 4 }),
        field: "submitter.event",
        code: "not_allowed",
    },
    Case {
        rule: "the event has a title",
        change: |s| {
            s["submitter"]["kind"] = json!("consultation");
            s["submitter"]["event"] = json!({ "title": "", "date": "2023-03-14", "participants": 4 });
        },
        field: "submitter.event.title",
        code: "required",
    },
    Case {
        rule: "the event's date is a real day",
        change: |s| {
            s["submitter"]["kind"] = json!("consultation");
            s["submitter"]["event"] = json!({ "title": "T", "date": "2023-02-30", "participants": 4 });
        },
        field: "submitter.event.date",
        code: "invalid_format",
    },
    Case {
        rule: "participants are 1 to 1,000,000",
        change: |s| {
            s["submitter"]["kind"] = json!("consultation");
            s["submitter"]["event"] = json!({ "title": "T", "date": "2023-03-14", "participants": 1_000_001 });
        },
        field: "submitter.event.participants",
        code: "out_of_range",
    },
    Case {
        rule: "attribution is one of three",
        change: |s| s["consent"]["attribution"] = json!("pseudonym"),
        field: "consent.attribution",
        code: "unknown_value",
    },
    Case {
        rule: "crediting a name needs a name",
        change: |s| s["consent"] = json!({ "publish": true, "attribution": "name", "contact": false }),
        field: "submitter.name",
        code: "required",
    },
    Case {
        rule: "being contacted needs an email",
        change: |s| s["consent"]["contact"] = json!(true),
        field: "submitter.email",
        code: "required",
    },
];

#[tokio::test]
async fn each_rule_broken_alone_gets_422_naming_its_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    for case in CASES {
        let mut body = submission();
        (case.change)(&mut body);
        let response = app.submit(&body).await;
        assert_eq!(response.status(), 422, "{}", case.rule);
        let errors = field_errors(response).await;
        assert_eq!(errors, [(case.field.to_owned(), case.code.to_owned())], "{}", case.rule);
    }
    assert!(app.outbox_ids().is_empty());
}
