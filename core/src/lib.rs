//! gdc-core: what a consultation asks and what a valid answer is.
//!
//! Shared by the widget (compiled to wasm32) and the server, this crate does
//! no IO and knows nothing of HTTP, storage or rendering.

pub mod consultation;
pub mod countries;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod submission;
pub mod wire;

pub use consultation::{Consultation, GDC_2023, consultation};
pub use submission::{ErrorCode, FieldError, Rules, Submission, ValidationErrors};
#[cfg(feature = "batch")]
pub use wire::Batch;
pub use wire::{BatchResults, ItemResult, ItemStatus, Published, PublishedPage};
pub use wire::{Receipt, ReceiptStatus, WireAnswer, WireConsent, WireEvent, WireSubmission, WireSubmitter};
