//! gdc-server: the companion role (intake, outbox, forwarder, widget
//! assets) and the central store role (batches, export), in one crate and
//! one binary. Each role returns its own `Router`; start-up merges the roles
//! a configuration asks for, so no handler asks which role it serves.
//!
//! The wire contract between the parts is `gdc_core::wire`.

pub mod central;
pub mod companion;
pub mod config;
pub mod feed;
pub mod http;
pub mod ops;
pub mod reference;
pub mod startup;
pub mod storage;

// The paths operators' tools and the tests have always used.
pub use companion::{abuse, assets, forwarder, intake, outbox, sites};
pub use http::{error, limits};
pub use ops::{metrics, openapi};
pub use startup::Application;

/// The widget's texts in every language, compiled once from the catalogs
/// built into the server (checked by `cargo test -p gdc-i18n`): the pages
/// the server writes itself speak the widget's words.
pub fn texts() -> &'static gdc_i18n::Catalogs {
    static TEXTS: std::sync::LazyLock<gdc_i18n::Catalogs> = std::sync::LazyLock::new(|| {
        gdc_i18n::Catalogs::load().unwrap_or_else(|e| panic!("the built-in catalogs do not compile: {e:?}"))
    });
    &TEXTS
}

/// Every path of the public API, role by role: the OpenAPI test compares
/// them with the document.
pub fn api_paths() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = ops::routes().iter().map(|r| r.path).collect();
    paths.extend(companion::routes().iter().map(|r| r.path));
    paths.extend(central::routes().iter().map(|r| r.path));
    paths.push(feed::route().path);
    paths
}
