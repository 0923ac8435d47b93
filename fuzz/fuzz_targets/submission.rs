//! Bytes as a companion receives them, through the wire type and the one
//! parser: never a panic, and whatever is accepted reads back from its own
//! JSON as the same submission.

#![no_main]

use gdc_core::{Rules, Submission, WireSubmission};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(wire) = serde_json::from_slice::<WireSubmission>(data) else {
        return;
    };
    match Submission::parse(wire.clone(), Rules::default()) {
        Ok(accepted) => {
            assert_eq!(accepted.wire(), &wire, "kept as sent");
            let json = serde_json::to_vec(accepted.wire()).expect("a wire value always serialises");
            let again: WireSubmission = serde_json::from_slice(&json).expect("an accepted submission reads back");
            assert_eq!(&again, accepted.wire(), "the wire value survives a round trip");
            assert_eq!(Submission::parse(again, Rules::default()).as_ref(), Ok(&accepted), "and parses the same");
        }
        Err(errors) => assert!(!errors.0.is_empty(), "refused without a reason"),
    }
});
