//! What a companion posts to the central store (`POST /v1/batches`) and
//! the answer it gets: one result per submission, in order.

#[cfg(feature = "batch")]
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::submission::ValidationErrors;

/// A batch of submissions from one companion (feature `batch`: the
/// companion and the central store build it; the widget never sees one).
#[cfg(feature = "batch")]
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Batch {
    /// Kept as raw JSON so one malformed item is refused alone, and stored
    /// as it came without being written out again.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::WireSubmission>))]
    pub submissions: Vec<Box<serde_json::value::RawValue>>,
    /// Submission id to the reason a companion's bot heuristic doubted it:
    /// stored with the row, which stays out of the published feed until an
    /// organiser reviews (publishes) it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flags: BTreeMap<String, String>,
}

/// The central store's answer, one result per submission, in order.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResults {
    pub results: Vec<ItemResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemResult {
    /// The id as the item named it (empty if it named none).
    pub id: String,
    pub status: ItemStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<ValidationErrors>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Accepted,
    Duplicate,
    /// Invalid: retrying cannot help; the companion keeps it as a dead letter.
    Rejected,
}

impl ItemStatus {
    /// The wire name, also the metrics label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Duplicate => "duplicate",
            Self::Rejected => "rejected",
        }
    }
}
