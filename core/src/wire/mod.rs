//! The v1 wire contract, the boundary between the parts: what a widget
//! posts to a companion (`submission`), what a companion posts to the
//! central store and hears back (`batch`), and what the published feed
//! serves (`published`). Defined here once; the widget, the companion and
//! the central store all read and write these types.

pub mod batch;
pub mod published;
pub mod submission;

#[cfg(feature = "batch")]
pub use batch::Batch;
pub use batch::{BatchResults, ItemResult, ItemStatus};
pub use published::{MAX_PAGE, PAGE_SIZE, Published, PublishedPage};
pub use submission::{Receipt, ReceiptStatus, WireAnswer, WireConsent, WireEvent, WireSubmission, WireSubmitter};

/// Version of this contract, also the `/v1/` prefix of every route.
pub const WIRE_VERSION: u32 = 1;
