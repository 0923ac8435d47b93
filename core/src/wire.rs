//! The v1 wire contract: the JSON a widget posts, a companion stores and the
//! central store receives. These types accept any well-formed JSON of the
//! right shape; [`crate::Submission::parse`] decides whether it is valid, so
//! that every rule failure comes back addressed to its field.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Version of this contract, also the `/v1/` prefix of every route.
pub const WIRE_VERSION: u32 = 1;

/// One contribution, as it travels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireSubmission {
    /// A UUIDv7 made by the widget; the idempotency key end to end.
    pub id: String,
    pub consultation: String,
    /// The partner's site key.
    pub site: String,
    pub lang: String,
    pub submitter: WireSubmitter,
    pub answers: Vec<WireAnswer>,
    pub consent: WireConsent,
}

/// Who contributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireSubmitter {
    pub kind: String,
    pub stakeholder: String,
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Only for `kind: "consultation"`: the event whose outcome this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<WireEvent>,
}

/// A consultation the contributor organised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireEvent {
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub participants: u64,
}

/// The answers for one topic: question id to free text. For `gdc-2023` the
/// keys are `principles`, `commitments` and `comments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireAnswer {
    pub topic: String,
    #[serde(flatten)]
    pub texts: BTreeMap<String, String>,
}

/// The contributor's own choices about their data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WireConsent {
    #[serde(default)]
    pub publish: bool,
    #[serde(default = "anonymous")]
    pub attribution: String,
    #[serde(default)]
    pub contact: bool,
}

fn anonymous() -> String {
    "anonymous".to_owned()
}

impl Default for WireConsent {
    fn default() -> Self {
        Self { publish: false, attribution: anonymous(), contact: false }
    }
}

/// The companion's answer to an accepted or repeated submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub id: String,
    pub status: ReceiptStatus,
}

/// Whether this request stored the submission or found it already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    Accepted,
    Duplicate,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_round_trips() {
        let json = r#"{
          "id": "0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f",
          "consultation": "gdc-2023", "site": "example-ngo", "lang": "fr",
          "submitter": {
            "kind": "consultation", "stakeholder": "civil-society", "country": "RW",
            "name": "A", "organization": "B", "email": "a@example.org",
            "event": { "title": "T", "date": "2023-03-14", "participants": 40 }
          },
          "answers": [ { "topic": "ai", "principles": "p", "commitments": "c", "comments": "" } ],
          "consent": { "publish": true, "attribution": "organization", "contact": false }
        }"#;
        let parsed: WireSubmission = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.answers[0].texts["principles"], "p");
        assert_eq!(parsed.submitter.event.as_ref().unwrap().participants, 40);
        let again: serde_json::Value = serde_json::to_value(&parsed).unwrap();
        let original: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(again, original);
    }

    #[test]
    fn unknown_fields_are_refused_rather_than_dropped() {
        let err = serde_json::from_str::<WireSubmitter>(
            r#"{"kind":"individual","stakeholder":"youth","country":"FR","nickname":"x"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("nickname"), "{err}");
    }
}
