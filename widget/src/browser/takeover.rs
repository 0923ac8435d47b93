//! Taking over the form the companion rendered: what the visitor typed
//! into it before the Wasm arrived is read back (the same way the companion
//! reads a post, [`crate::model::form::Posted`]), and the field they were in
//! gets focus and caret back once the Wasm's own form replaces it.

use wasm_bindgen::{JsCast, JsValue};

use crate::model::WidgetConfig;
use crate::model::form::Posted;

/// What a server-rendered widget in `root` holds: the form as it would
/// post now, or the reference of a receipt it shows. `None` when `root`
/// holds no rendered widget.
#[expect(clippy::large_enum_variant, reason = "made once, when the Wasm takes over; a box would only add code")]
pub enum Served {
    /// The form as it would post now, and whether it shows errors (the
    /// companion checked a step the visitor sent before the Wasm came).
    Form(Posted, bool),
    Receipt(String),
}

/// Reads the widget the server rendered into `root`, if any.
pub fn read(root: &web_sys::HtmlElement, config: &WidgetConfig) -> Option<Served> {
    if let Ok(Some(reference)) = root.query_selector(".gdc-receipt .gdc-reference") {
        return Some(Served::Receipt(reference.text_content().unwrap_or_default().trim().to_owned()));
    }
    let form: web_sys::HtmlFormElement = root.query_selector("form.gdc-form").ok()??.dyn_into().ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for entry in js_sys::try_iter(&data).ok()??.flatten() {
        let entry: js_sys::Array = entry.unchecked_into();
        if let (Some(k), Some(v)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    let errors = matches!(form.query_selector("[aria-invalid=true]"), Ok(Some(_)));
    Some(Served::Form(Posted::read(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), config), errors))
}

/// Where the visitor's focus and caret are, inside `root`.
pub struct Caret {
    id: String,
    range: Option<(JsValue, JsValue)>,
}

fn get(target: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(target, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

/// The focused element in `root` (its document's or shadow root's), by id.
pub fn caret(root: &web_sys::HtmlElement) -> Option<Caret> {
    let active = get(&root.get_root_node(), "activeElement");
    let element: &web_sys::Element = active.dyn_ref()?;
    if !root.contains(Some(element)) || element.id().is_empty() {
        return None;
    }
    let (start, end) = (get(&active, "selectionStart"), get(&active, "selectionEnd"));
    let range = start.as_f64().is_some().then_some((start, end));
    Some(Caret { id: element.id(), range })
}

/// Puts focus and caret back on the element with the same id.
pub fn restore(root: &web_sys::HtmlElement, caret: Caret) {
    let Ok(Some(element)) = root.query_selector(&format!("#{}", caret.id)) else { return };
    let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() else { return };
    let _ = element.focus();
    if let Some((start, end)) = caret.range
        && let Ok(set) = get(&element, "setSelectionRange").dyn_into::<js_sys::Function>()
    {
        let _ = set.call2(&element, &start, &end);
    }
}
