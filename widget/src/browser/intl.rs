//! What the browser's `Intl` knows about the visitor's language, so that
//! the Wasm ships no locale data: country and language names, their sorting
//! and folding, plural categories, numbers and dates.

use wasm_bindgen::JsValue;

fn locales(lang: &str) -> js_sys::Array {
    js_sys::Array::of1(&lang.into())
}

fn options(pairs: &[(&str, &str)]) -> js_sys::Object {
    let options = js_sys::Object::new();
    for (k, v) in pairs {
        let _ = js_sys::Reflect::set(&options, &(*k).into(), &(*v).into());
    }
    options
}

/// A count in the locale's digits and grouping (`1 234`, `١٬٢٣٤`). A count,
/// not a float: formatting an `f64` in Rust would add some 8 KB of Wasm.
pub fn number(lang: &str, n: usize) -> String {
    let format = js_sys::Intl::NumberFormat::new(&locales(lang), &js_sys::Object::new()).format();
    format.call1(&JsValue::NULL, &(n as f64).into()).ok().and_then(|v| v.as_string()).unwrap_or_else(|| n.to_string())
}

/// The CLDR plural category of the count `n` in `lang` (`one`, `few`, …).
pub fn plural_category(lang: &str, n: usize) -> String {
    js_sys::Intl::PluralRules::new(&locales(lang), &js_sys::Object::new()).select(n as f64).into()
}

/// A calendar date (`YYYY-MM-DD`, or an RFC 3339 time) as the locale writes
/// it in full; the text itself when it is not a date.
pub fn date(lang: &str, text: &str) -> String {
    // A bare date is read as UTC midnight: format it in UTC, or it shows as
    // the day before west of Greenwich.
    let date = js_sys::Date::new(&text.into());
    if date.get_time().is_nan() {
        return text.to_owned();
    }
    let zone = if text.len() == 10 { "UTC" } else { "" };
    let opts = options(&[("dateStyle", "long")]);
    if !zone.is_empty() {
        let _ = js_sys::Reflect::set(&opts, &"timeZone".into(), &zone.into());
    }
    String::from(date.to_locale_date_string(lang, &opts))
}

/// `code`'s name in its own language (`العربية`, `français`): what a
/// language menu shows.
pub fn autonym(code: &str) -> String {
    let names = js_sys::Intl::DisplayNames::new(&locales(code), &options(&[("type", "language")]));
    names.of(code).map_or_else(|| code.to_owned(), String::from)
}

/// Country codes with their names in `lang`, sorted by name in that
/// language. The browser knows the names; we do not ship them.
pub fn countries(lang: &str) -> Vec<(&'static str, String)> {
    let locales = locales(lang);
    let names = js_sys::Intl::DisplayNames::new(&locales, &options(&[("type", "region")]));
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

/// `text` without case, accents or surrounding space, as the locale folds
/// them (`Côte d’Ivoire` and `cote d’ivoire` fold alike): the browser does
/// it, as Rust's Unicode tables would add kilobytes.
pub fn fold(lang: &str, text: &str) -> String {
    let marks = js_sys::RegExp::new("\\p{M}", "gu");
    let decomposed = js_sys::JsString::from(text.trim()).normalize("NFD");
    let bare = decomposed.replace_by_pattern(&marks, "");
    String::from(bare.to_locale_lower_case(Some(lang)))
}

/// The code whose name matches `text`, ignoring case, accents and
/// surrounding space.
pub fn find_by_name(lang: &str, list: &[(&'static str, String)], text: &str) -> Option<&'static str> {
    let wanted = fold(lang, text);
    list.iter().find(|(_, name)| fold(lang, name) == wanted).map(|(code, _)| *code)
}
