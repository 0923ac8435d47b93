//! The widget rendered by the companion (feature `ssr`): the same views as
//! the Wasm's, to HTML, with what the browser's `Intl` would give them from
//! ICU4X ([`intl`]).

pub mod intl;

pub use crate::app::{Phase, Post, State, render};
