//! A submission as it travels: the JSON a widget posts, a companion stores
//! and the central store receives. These types accept any well-formed JSON of the
//! right shape; [`crate::Submission::parse`] decides whether it is valid, so
//! that every rule failure comes back addressed to its field.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One contribution, as it travels.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct WireSubmission {
    /// A UUIDv7 made by the widget; the idempotency key end to end.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::id))]
    pub id: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::consultation))]
    pub consultation: String,
    /// The partner's site key.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::site))]
    pub site: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::lang))]
    pub lang: String,
    pub submitter: WireSubmitter,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::answers))]
    pub answers: Vec<WireAnswer>,
    pub consent: WireConsent,
}

/// Who contributes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct WireSubmitter {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::kind))]
    pub kind: String,
    /// Empty (or absent) in the compact variant.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::stakeholder))]
    pub stakeholder: String,
    /// Empty (or absent) in the compact variant.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::country))]
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::name))]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::name))]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::email))]
    pub email: Option<String>,
    /// Only for `kind: "consultation"`: the event whose outcome this is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<WireEvent>,
}

/// A consultation the contributor organised.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct WireEvent {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::name))]
    pub title: String,
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::event_date))]
    pub date: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::participants))]
    #[serde(deserialize_with = "whole_number")]
    pub participants: u64,
}

/// A count: JSON does not tell `40` from `40.0`, and neither does JSON
/// Schema's `integer`, so a whole number written with a fraction is taken.
fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    struct Whole;
    impl Visitor<'_> for Whole {
        type Value = u64;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number")
        }

        fn visit_u64<E: de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }

        fn visit_i64<E: de::Error>(self, n: i64) -> Result<u64, E> {
            u64::try_from(n).map_err(|_| E::invalid_value(de::Unexpected::Signed(n), &self))
        }

        fn visit_f64<E: de::Error>(self, n: f64) -> Result<u64, E> {
            // Exact below 2^53; anything larger is out of every range anyway.
            if n.fract() == 0.0 && (0.0..9_007_199_254_740_992.0).contains(&n) {
                Ok(n as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(n), &self))
            }
        }
    }
    d.deserialize_any(Whole)
}

/// The answers for one topic: question id to free text. For `gdc-2023` the
/// keys are `principles`, `commitments` and `comments`. Read by hand rather
/// than with `#[serde(flatten)]`, which buffers the object and so reports a
/// wrong type at `answers[0]` instead of at the question, and lets a
/// repeated question silently replace the first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WireAnswer {
    pub topic: String,
    #[serde(flatten)]
    pub texts: BTreeMap<String, String>,
}

impl<'de> Deserialize<'de> for WireAnswer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Answer;
        impl<'de> Visitor<'de> for Answer {
            type Value = WireAnswer;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with a topic and a text per question")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<WireAnswer, A::Error> {
                let mut topic = None;
                let mut texts = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    if key == "topic" {
                        if topic.replace(map.next_value::<String>()?).is_some() {
                            return Err(de::Error::duplicate_field("topic"));
                        }
                    } else {
                        // Refused while the value is read, so that the error
                        // is addressed to the question, not to the answer.
                        let text = map.next_value_seed(FirstText { seen: texts.contains_key(&key), key: &key })?;
                        texts.insert(key, text);
                    }
                }
                let topic = topic.ok_or_else(|| de::Error::missing_field("topic"))?;
                Ok(WireAnswer { topic, texts })
            }
        }
        d.deserialize_map(Answer)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for WireAnswer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        crate::openapi::answer()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for WireAnswer {}

/// A question's text, refused if the question was already given.
struct FirstText<'a> {
    seen: bool,
    key: &'a str,
}

impl<'de> de::DeserializeSeed<'de> for FirstText<'_> {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        let text = String::deserialize(d)?;
        if self.seen {
            return Err(de::Error::custom(format_args!("duplicate field `{}`", self.key)));
        }
        Ok(text)
    }
}

/// The contributor's own choices about their data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, remote = "Self")]
pub struct WireConsent {
    #[serde(default)]
    pub publish: bool,
    #[serde(default = "anonymous")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::attribution))]
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

/// Objects only: serde's derived structs also take a JSON array, filling
/// fields by position (`"consent": []` would be the default consent, and
/// `"submitter": ["individual", "youth", "RW"]` a submitter). Each wire
/// struct derives its serde code with `remote = "Self"` and is read here
/// through a visitor that accepts a map and nothing else.
macro_rules! objects_only {
    ($($t:ident),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                $t::serialize(self, s)
            }
        }

        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct Object;
                impl<'de> Visitor<'de> for Object {
                    type Value = $t;

                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("an object")
                    }

                    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$t, A::Error> {
                        $t::deserialize(MapAccessDeserializer::new(map))
                    }
                }
                d.deserialize_map(Object)
            }
        }
    )*};
}

objects_only!(WireSubmission, WireSubmitter, WireEvent, WireConsent);

/// The companion's answer to an accepted or repeated submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    pub id: String,
    pub status: ReceiptStatus,
}

/// Whether this request stored the submission or found it already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    fn arrays_are_not_objects_and_a_question_cannot_be_given_twice() {
        let err = serde_json::from_str::<WireConsent>("[]").unwrap_err();
        assert!(err.to_string().contains("expected an object"), "{err}");
        assert!(serde_json::from_str::<WireSubmitter>(r#"["individual","youth","RW"]"#).is_err());
        let err =
            serde_json::from_str::<WireAnswer>(r#"{"topic":"ai","principles":"a","principles":"b"}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `principles`"), "{err}");
        assert!(serde_json::from_str::<WireAnswer>(r#"{"topic":"ai","topic":"data"}"#).is_err());
        assert!(serde_json::from_str::<WireAnswer>(r#"{"principles":"a"}"#).is_err());
    }

    #[test]
    fn a_count_may_be_written_as_a_whole_float_but_not_a_fraction() {
        let event = |n: &str| {
            serde_json::from_str::<WireEvent>(&format!(r#"{{"title":"t","date":"2023-01-01","participants":{n}}}"#))
        };
        assert_eq!(event("40").unwrap().participants, 40);
        assert_eq!(event("40.0").unwrap().participants, 40);
        assert!(event("40.5").is_err());
        assert!(event("-1").is_err());
        assert!(event("1e300").is_err());
        assert!(event("\"40\"").is_err());
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
