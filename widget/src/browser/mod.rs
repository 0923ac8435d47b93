//! The few browser facilities the widget needs beyond rendering, one
//! concern per module: the companion's API ([`net`]), `localStorage`
//! ([`storage`]), the widget's [`Lifetime`], events and focus ([`dom`]),
//! country names ([`intl`]); and the ids of contributions, here.

pub mod dom;
#[cfg(target_arch = "wasm32")]
pub mod intl;
#[cfg(not(target_arch = "wasm32"))]
pub use crate::ssr::intl;
mod lifetime;
pub mod net;
pub mod storage;
#[cfg(target_arch = "wasm32")]
pub mod takeover;

pub use lifetime::Lifetime;

/// A fresh UUIDv7 from the clock and the browser's CSPRNG.
pub fn new_id() -> String {
    let mut random = [0u8; 10];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut random);
    }
    let ms = js_sys::Date::now() as u64;
    uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid().to_string()
}
