//! Country names in the visitor's language, from the browser's `Intl`:
//! the browser knows the names and how to sort and fold them, so the Wasm
//! ships neither the names nor Unicode tables.

use wasm_bindgen::JsValue;

/// Country codes with their names in `lang`, sorted by name in that
/// language. The browser knows the names; we do not ship them.
pub fn countries(lang: &str) -> Vec<(&'static str, String)> {
    let locales = js_sys::Array::of1(&lang.into());
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"type".into(), &"region".into());
    let names = js_sys::Intl::DisplayNames::new(&locales, &options);
    let list: Vec<(&'static str, String)> = gdc_core::countries::COUNTRY_CODES
        .iter()
        .map(|code| (*code, names.of(code).map_or_else(|| (*code).to_owned(), String::from)))
        .collect();
    // Sort indices in JavaScript with one collator: a `localeCompare` per
    // comparison builds a collator each time and cost most of the start-up.
    let collator = js_sys::Intl::Collator::new(&locales, &js_sys::Object::new());
    let compare = collator.compare();
    let by_name: js_sys::Array = list.iter().map(|(_, name)| JsValue::from_str(name)).collect();
    let order: js_sys::Array = (0..list.len() as u32).map(JsValue::from).collect();
    let mut comparator = |a: JsValue, b: JsValue| -> i32 {
        let (a, b) = (by_name.get(a.as_f64().unwrap_or(0.0) as u32), by_name.get(b.as_f64().unwrap_or(0.0) as u32));
        compare.call2(&JsValue::NULL, &a, &b).ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32
    };
    order.sort_by(&mut comparator);
    order.iter().filter_map(|i| list.get(i.as_f64()? as usize).cloned()).collect()
}

/// The code whose name matches `text`, ignoring case and surrounding space.
/// Case is folded by the browser: Rust's Unicode tables would add kilobytes.
pub fn find_by_name(list: &[(&'static str, String)], text: &str) -> Option<&'static str> {
    let fold = |s: &str| String::from(js_sys::JsString::from(s.trim()).to_locale_lower_case(None));
    let wanted = fold(text);
    list.iter().find(|(_, name)| fold(name) == wanted).map(|(code, _)| *code)
}
