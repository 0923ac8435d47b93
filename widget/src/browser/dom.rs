//! The widget's own touches on the page beyond rendering: events for the
//! host, focus moved for keyboard and screen-reader users, console errors.

use wasm_bindgen::{JsCast, JsValue};

/// Dispatches a bubbling, composed `CustomEvent` on `target`, with
/// `detail` built from string pairs.
pub fn emit(target: &web_sys::HtmlElement, name: &str, detail: &[(&str, &str)]) {
    let obj = js_sys::Object::new();
    for (k, v) in detail {
        let _ = js_sys::Reflect::set(&obj, &(*k).into(), &(*v).into());
    }
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&obj);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = target.dispatch_event(&event);
    }
}

/// Focuses the first element matching `selector` under `root`, after the
/// view has updated.
pub fn focus_selector(root: web_sys::HtmlElement, selector: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Ok(Some(el)) = root.query_selector(selector)
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
}

/// Moves focus to the first field marked invalid, after the view updated.
pub fn focus_first_invalid(root: web_sys::HtmlElement) {
    focus_selector(root, "[aria-invalid=\"true\"]");
}

pub fn log_error(message: &str) {
    web_sys::console::error_1(&JsValue::from_str(message));
}
