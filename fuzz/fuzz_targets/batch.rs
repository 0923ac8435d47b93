//! Bytes as the central store receives them on `POST /v1/batches`: the
//! batch envelope, then each item as `central::insert_batch` reads it (the
//! wire type, the id for the result even when the item is malformed, the one
//! parser). Never a panic; an accepted item's stored text reads back as the
//! same submission; the results always serialise and read back.

#![no_main]

use gdc_core::WireSubmission;
use gdc_server::central::{Batch, BatchResults, ItemResult, ItemStatus, parse_item};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(batch) = serde_json::from_slice::<Batch>(data) else {
        return;
    };
    let mut results = Vec::with_capacity(batch.submissions.len());
    for raw in &batch.submissions {
        let text = raw.get();
        // Exactly as the central store reads it.
        let (id, parsed) = parse_item(text);
        let result = match parsed {
            Ok(accepted) => {
                // The store keeps `text` as it came and reads it back for
                // publication and export.
                let stored: WireSubmission = serde_json::from_str(text).expect("a stored body reads back");
                assert_eq!(&stored, accepted.wire());
                assert_eq!(id, accepted.id().to_string(), "the result names the stored id");
                ItemResult { id, status: ItemStatus::Accepted, errors: None }
            }
            Err(errors) => {
                assert!(!errors.0.is_empty(), "refused without a reason");
                ItemResult { id, status: ItemStatus::Rejected, errors: Some(errors) }
            }
        };
        results.push(result);
    }
    let json = serde_json::to_vec(&BatchResults { results }).expect("results always serialise");
    let back: BatchResults = serde_json::from_slice(&json).expect("results read back");
    assert_eq!(back.results.len(), batch.submissions.len());
});
