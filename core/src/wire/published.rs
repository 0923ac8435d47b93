//! The published feed (`GET /v1/contributions`): what a contributor agreed
//! to show of their contribution, one topic at a time, a page at a time.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::submission::{WireAnswer, WireSubmission};

/// Published contributions per page.
pub const PAGE_SIZE: usize = 20;
/// The last page a client may ask for: two million contributions on one
/// topic. Larger numbers are refused before any arithmetic is done on them.
pub const MAX_PAGE: usize = 100_000;

/// One published contribution on one topic: what the contributor agreed to
/// show, nothing else (never an email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Published {
    pub id: String,
    pub topic: String,
    /// Question id to text, empty answers left out.
    pub texts: BTreeMap<String, String>,
    /// The name or organisation credited, if the contributor chose one.
    pub credit: Option<String>,
    pub country: String,
    pub stakeholder: String,
    /// RFC 3339.
    pub published_at: String,
}

impl Published {
    /// What of `answer` (one topic of `wire`) may be shown, published at
    /// `published_at`.
    pub fn of(wire: &WireSubmission, answer: &WireAnswer, published_at: String) -> Self {
        let who = &wire.submitter;
        let credit = match wire.consent.attribution.as_str() {
            "name" => who.name.clone(),
            "organization" => who.organization.clone(),
            _ => None,
        };
        Self {
            id: wire.id.clone(),
            topic: answer.topic.clone(),
            texts: answer
                .texts
                .iter()
                .filter(|(_, t)| !t.trim().is_empty())
                .map(|(q, t)| (q.clone(), t.clone()))
                .collect(),
            credit,
            country: who.country.clone(),
            stakeholder: who.stakeholder.clone(),
            published_at,
        }
    }
}

/// One page of the feed on one topic, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedPage {
    pub topic: String,
    pub page: usize,
    pub items: Vec<Published>,
    pub has_more: bool,
}
