//! The form's state and rules as plain Rust, testable without a browser:
//! what the webmaster configured ([`config`]), what the visitor typed and
//! how that becomes a v1 submission checked by the shared core
//! ([`draft`]), the steps of the full form ([`step`]), and when the
//! delivery loop tries again ([`retry`]).

pub mod config;
pub mod draft;
pub mod form;
pub mod retry;
pub mod step;

pub use config::{Variant, WidgetConfig, negotiate_language};
pub use draft::Draft;
pub use retry::Backoff;
pub use step::Step;

/// What the model's tests share: a submission id and a configuration made
/// from attribute pairs.
#[cfg(test)]
pub(crate) mod testing {
    use super::WidgetConfig;

    pub const ID: &str = "0190f6c2-7c4e-7b1a-9f1e-3c2d1a0b9e8f";

    pub fn config(pairs: &[(&str, &str)]) -> WidgetConfig {
        WidgetConfig::from_pairs(pairs.iter().copied()).0
    }
}
