//! How long a mounted widget lives, and the one kind of wait the widget
//! does (until a timer, the browser coming back online, or the end).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use wasm_bindgen::JsValue;

/// How long a mounted widget lives: the host removing it ends every wait
/// (retry timers, `online` listeners) at once, so nothing is left behind.
#[derive(Clone, Default)]
pub struct Lifetime(Rc<LifetimeState>);

#[derive(Default)]
struct LifetimeState {
    ended: Cell<bool>,
    /// The `resolve` functions of pending waits.
    wakers: RefCell<Vec<js_sys::Function>>,
}

impl Lifetime {
    pub fn ended(&self) -> bool {
        self.0.ended.get()
    }

    /// Ends the lifetime and wakes every pending wait.
    pub fn end(&self) {
        self.0.ended.set(true);
        let wakers = std::mem::take(&mut *self.0.wakers.borrow_mut());
        for wake in wakers {
            let _ = wake.call0(&JsValue::NULL);
        }
    }

    /// Waits `ms`, or less if the browser comes back online or the widget
    /// is removed meanwhile; the timer and the listener go with the wait.
    pub async fn sleep_or_online(&self, ms: i32) {
        let Some(window) = web_sys::window() else { return };
        if self.ended() {
            return;
        }
        let mut resolve = None;
        let promise = js_sys::Promise::new(&mut |r, _reject| resolve = Some(r));
        let Some(resolve) = resolve else { return };
        let timer = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).ok();
        let _ = window.add_event_listener_with_callback("online", &resolve);
        self.0.wakers.borrow_mut().push(resolve.clone());
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        if let Some(timer) = timer {
            window.clear_timeout_with_handle(timer);
        }
        let _ = window.remove_event_listener_with_callback("online", &resolve);
        self.0.wakers.borrow_mut().retain(|w| !js_sys::Object::is(w, &resolve));
    }
}
