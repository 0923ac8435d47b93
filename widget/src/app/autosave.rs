//! Keeps the draft on this device as it is typed: written shortly after
//! each change (with its id and form token), and at once if the widget is
//! removed before then, or the page is hidden or left (`visibilitychange`,
//! `pagehide`: a closed tab, a reload, a phone that puts the browser away,
//! none of which unmounts the widget), so none of them loses what was typed.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::ctx::Ctx;
use crate::browser::storage;

/// How long typing may pause before the draft is written.
const DELAY: std::time::Duration = std::time::Duration::from_millis(400);

/// A draft change not yet written to `localStorage`.
type PendingSave = Rc<RefCell<Option<(TimeoutHandle, Vec<(String, String)>, String, Option<String>)>>>;

/// Saves the draft of `ctx`, with the form `token`, for as long as the
/// current reactive owner lives.
pub fn autosave(ctx: Ctx, token: RwSignal<Option<String>>) {
    let pending: PendingSave = Rc::default();
    let save_now = {
        let (pending, config) = (pending.clone(), ctx.config());
        move || {
            if let Some((handle, pairs, id, token)) = pending.borrow_mut().take() {
                handle.clear();
                storage::save_draft(&config, &pairs, &id, token.as_deref());
            }
        }
    };
    Effect::new({
        let (pending, save_now) = (pending.clone(), save_now.clone());
        move |_| {
            let pairs = ctx.draft.read().to_pairs();
            let (id, token) = (ctx.id.get(), token.get());
            if let Some((handle, ..)) = pending.borrow_mut().take() {
                handle.clear();
            }
            if let Ok(handle) = set_timeout_with_handle(save_now.clone(), DELAY) {
                *pending.borrow_mut() = Some((handle, pairs, id, token));
            }
        }
    });
    // A page hidden may be discarded without another word (a phone's
    // browser put away); a page left runs no timer again.
    let leaving: Vec<_> = ["visibilitychange", "pagehide"]
        .into_iter()
        .map(|event| {
            let save_now = save_now.clone();
            window_event_listener_untyped(event, move |_| save_now())
        })
        .collect();
    // Clean-ups must be `Send`; this one never leaves the browser's thread.
    // (The lifetime is ended by whoever unmounts: see `Mounted::unmount`.)
    let cleanup = send_wrapper::SendWrapper::new(save_now);
    on_cleanup(move || {
        leaving.into_iter().for_each(|handle| handle.remove());
        cleanup.take()()
    });
}
