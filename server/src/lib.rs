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
pub mod startup;
pub mod storage;

// The paths operators' tools and the tests have always used.
pub use companion::{abuse, assets, forwarder, intake, outbox, sites};
pub use http::{error, limits};
pub use ops::{metrics, openapi};
pub use startup::Application;

/// Every path of the public API, role by role: the OpenAPI test compares
/// them with the document.
pub fn api_paths() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = ops::routes().iter().map(|r| r.path).collect();
    paths.extend(companion::routes().iter().map(|r| r.path));
    paths.extend(central::routes().iter().map(|r| r.path));
    paths.push(feed::route().path);
    paths
}
