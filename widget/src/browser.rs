//! The few browser facilities the widget needs beyond rendering: ids,
//! country names, host events, the network.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gdc_core::{ErrorCode, FieldError};
use wasm_bindgen::{JsCast, JsValue};

use crate::delivery::{Answer, Refusal};

/// A fresh UUIDv7 from the clock and the browser's CSPRNG.
pub fn new_id() -> String {
    let mut random = [0u8; 10];
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        let _ = crypto.get_random_values_with_u8_array(&mut random);
    }
    let ms = js_sys::Date::now() as u64;
    uuid::Builder::from_unix_timestamp_millis(ms, &random).into_uuid().to_string()
}

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

/// How the companion answered, as the delivery loop acts on it (see
/// [`crate::delivery::classify`]).
#[derive(Debug)]
pub enum Outcome {
    /// Stored (202) or already stored (200): either way, it has arrived.
    Arrived,
    /// 422: the fields to correct.
    Invalid(Vec<FieldError>),
    /// 403 `token_invalid`: a fresh form token is needed.
    TokenInvalid,
    /// Refused for good: sending the same again cannot succeed.
    Refused { reason: Refusal, why: String },
    /// Worth another try later: network down, 408, 425, 429, 5xx; with the
    /// seconds of the answer's `Retry-After`, if it had one.
    Failed { why: String, retry_after_secs: Option<u32> },
}

/// Reads `key` of a parsed JSON object as a string. The browser's own
/// `JSON.parse` reads the companion's answers: serde_json's deserializer
/// would add kilobytes to every first visit for two small objects.
fn string_at(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).ok()?.as_string()
}

/// The `errors` of a 422 body, as the form shows them.
fn field_errors(body: &str) -> Option<Vec<FieldError>> {
    let parsed = js_sys::JSON::parse(body).ok()?;
    let errors: js_sys::Array = js_sys::Reflect::get(&parsed, &JsValue::from_str("errors")).ok()?.dyn_into().ok()?;
    Some(
        errors
            .iter()
            .filter_map(|e| {
                let code = ErrorCode::from_wire(&string_at(&e, "code")?)?;
                Some(FieldError { field: string_at(&e, "field")?, code, message: string_at(&e, "message")? })
            })
            .collect(),
    )
}

/// Asks the companion for a form token (when the page did not carry one).
pub async fn fetch_token(config: &crate::model::WidgetConfig) -> Option<String> {
    let url = config.url(&format!("/v1/token?site={}", js_sys::encode_uri_component(&config.site)));
    let response = gloo_net::http::Request::get(&url).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    let body = response.text().await.ok()?;
    string_at(&js_sys::JSON::parse(&body).ok()?, "token")
}

/// Posts a submission (its JSON text) to the companion that served this
/// widget, with the form token and the honeypot's value (empty for people).
pub async fn send(url: &str, body: &str, token: &str, honeypot: &str) -> Outcome {
    let failed = |why: String| Outcome::Failed { why, retry_after_secs: None };
    let request = gloo_net::http::Request::post(url)
        .header("content-type", "application/json")
        .header("gdc-token", token)
        .header("gdc-hp", honeypot);
    let request = match request.body(body) {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    let response = match request.send().await {
        Ok(r) => r,
        Err(e) => return failed(e.to_string()),
    };
    let status = response.status();
    // Cross-origin (inline mode), the header is readable only if the
    // companion exposes it; without it, the loop's own backoff applies.
    let retry_after_secs = crate::delivery::retry_after_secs(response.headers().get("retry-after").as_deref());
    let text = if status == 200 || status == 202 { String::new() } else { response.text().await.unwrap_or_default() };
    let parsed = js_sys::JSON::parse(&text).ok();
    let error = parsed.as_ref().and_then(|p| string_at(p, "error"));
    let why = format!("HTTP {status}{}", error.as_deref().map(|e| format!(" {e}")).unwrap_or_default());
    match crate::delivery::classify(status, error.as_deref()) {
        Answer::Arrived => Outcome::Arrived,
        Answer::Invalid => match field_errors(&text) {
            Some(errors) => Outcome::Invalid(errors),
            None => failed("unreadable 422 answer".to_owned()),
        },
        Answer::TokenInvalid => Outcome::TokenInvalid,
        Answer::Refused(reason) => Outcome::Refused { reason, why },
        Answer::Transient => Outcome::Failed { why, retry_after_secs },
    }
}

/// The answers in a submission's JSON text, as (topic, question, text)
/// with empty texts left out: what a refused visitor may copy.
pub fn answers_in(body: &str) -> Vec<(String, String, String)> {
    let Some(answers) = js_sys::JSON::parse(body)
        .ok()
        .and_then(|p| js_sys::Reflect::get(&p, &JsValue::from_str("answers")).ok())
        .and_then(|a| a.dyn_into::<js_sys::Array>().ok())
    else {
        return Vec::new();
    };
    let mut texts = Vec::new();
    for answer in answers.iter() {
        let topic = string_at(&answer, "topic").unwrap_or_default();
        for q in gdc_core::GDC_2023.questions {
            if let Some(text) = string_at(&answer, q.id).filter(|t| !t.trim().is_empty()) {
                texts.push((topic.clone(), q.id.to_owned(), text));
            }
        }
    }
    texts
}

/// A draft read back from `localStorage`, with the id and form token it
/// was started with.
#[derive(Debug, Default)]
pub struct StoredDraft {
    pub draft: crate::model::Draft,
    pub id: Option<String>,
    pub token: Option<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Storage keys per site, consultation and variant: a compact widget on an
/// article and the full form elsewhere on the site keep separate drafts.
fn key(kind: &str, config: &crate::model::WidgetConfig) -> String {
    let variant = if config.variant == crate::model::Variant::Compact { ":compact" } else { "" };
    format!("gdc-{kind}:{}:{}{variant}", config.site, config.consultation.id)
}

fn draft_key(config: &crate::model::WidgetConfig) -> String {
    key("draft", config)
}

/// The draft saved for this site and consultation, if any. Storage can be
/// missing (private modes) or full: then there is simply no draft.
pub fn load_draft(config: &crate::model::WidgetConfig) -> StoredDraft {
    let Some(text) = storage().and_then(|s| s.get_item(&draft_key(config)).ok().flatten()) else {
        return StoredDraft::default();
    };
    let pairs = read_params(&text);
    let find = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    StoredDraft {
        draft: crate::model::Draft::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), config),
        id: find("_id"),
        token: find("_token"),
    }
}

pub fn save_draft(config: &crate::model::WidgetConfig, pairs: &[(String, String)], id: &str, token: Option<&str>) {
    let mut all: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.push(("_id", id));
    all.push(("_token", token.unwrap_or_default()));
    if let (Some(s), Some(text)) = (storage(), write_params(&all)) {
        let _ = s.set_item(&draft_key(config), &text);
    }
}

pub fn clear_draft(config: &crate::model::WidgetConfig) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&draft_key(config));
    }
}

/// One published contribution, as the "what others said" view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedItem {
    /// (question id, text), in the consultation's order of questions.
    pub texts: Vec<(String, String)>,
    pub credit: Option<String>,
    pub country: String,
}

/// Published contributions on `topic`, read with the browser's JSON parser.
pub async fn fetch_published(config: &crate::model::WidgetConfig, topic: &str) -> Result<Vec<PublishedItem>, String> {
    let url = config.url(&format!("/v1/contributions?topic={}", js_sys::encode_uri_component(topic)));
    let response = gloo_net::http::Request::get(&url).send().await.map_err(|e| e.to_string())?;
    if !response.ok() {
        return Err(format!("HTTP {}", response.status()));
    }
    let text = response.text().await.map_err(|e| e.to_string())?;
    let parsed = js_sys::JSON::parse(&text).map_err(|_| "unreadable answer".to_owned())?;
    let items: js_sys::Array = js_sys::Reflect::get(&parsed, &JsValue::from_str("items"))
        .ok()
        .and_then(|v| v.dyn_into().ok())
        .ok_or("unreadable answer")?;
    Ok(items
        .iter()
        .map(|item| {
            let texts_obj = js_sys::Reflect::get(&item, &JsValue::from_str("texts")).unwrap_or(JsValue::NULL);
            let texts = gdc_core::GDC_2023
                .questions
                .iter()
                .filter_map(|q| Some((q.id.to_owned(), string_at(&texts_obj, q.id)?)))
                .collect();
            PublishedItem {
                texts,
                credit: string_at(&item, "credit"),
                country: string_at(&item, "country").unwrap_or_default(),
            }
        })
        .collect())
}

/// A contribution kept on this device until the companion acknowledges it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: String,
    /// The v1 JSON, exactly as it will be sent (and sent again).
    pub body: String,
    pub token: String,
    /// Set once the companion refused it for good: it stays on this device
    /// (the visitor's text is not lost) but is no longer sent by itself.
    pub refused: Option<Refusal>,
}

fn queue_key(config: &crate::model::WidgetConfig) -> String {
    key("queue", config)
}

fn read_params(text: &str) -> Vec<(String, String)> {
    let Ok(params) = web_sys::UrlSearchParams::new_with_str(text) else { return Vec::new() };
    let mut pairs = Vec::new();
    for entry in js_sys::try_iter(&params).ok().flatten().into_iter().flatten().flatten() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            pairs.push((k, v));
        }
    }
    pairs
}

fn write_params(pairs: &[(&str, &str)]) -> Option<String> {
    let params = web_sys::UrlSearchParams::new().ok()?;
    for (k, v) in pairs {
        params.append(k, v);
    }
    Some(String::from(params.to_string()))
}

pub fn load_queued(config: &crate::model::WidgetConfig) -> Option<Queued> {
    let text = storage()?.get_item(&queue_key(config)).ok()??;
    let pairs = read_params(&text);
    let get = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    Some(Queued {
        id: get("id")?,
        body: get("body")?,
        token: get("token").unwrap_or_default(),
        refused: get("refused").filter(|r| !r.is_empty()).map(|r| Refusal::from_key(&r)),
    })
}

/// Keeps the contribution before the first attempt, so neither a lost
/// connection nor a closed tab loses it.
pub fn save_queued(config: &crate::model::WidgetConfig, q: &Queued) {
    let refused = q.refused.map(Refusal::key).unwrap_or_default();
    let pairs = [("id", q.id.as_str()), ("body", &q.body), ("token", &q.token), ("refused", refused)];
    if let (Some(s), Some(text)) = (storage(), write_params(&pairs)) {
        let _ = s.set_item(&queue_key(config), &text);
    }
}

/// Rewrites the queued contribution only if it is still `q`'s: another tab
/// may have delivered it (and cleared it) or queued a new one meanwhile.
pub fn update_queued(config: &crate::model::WidgetConfig, q: &Queued) {
    if load_queued(config).is_some_and(|stored| stored.id == q.id) {
        save_queued(config, q);
    }
}

/// Forgets the queued contribution once it has arrived, unless what is
/// queued now is another one (queued meanwhile in another tab).
pub fn clear_queued_if(config: &crate::model::WidgetConfig, id: &str) {
    if let Some(s) = storage()
        && load_queued(config).is_none_or(|q| q.id == id)
    {
        let _ = s.remove_item(&queue_key(config));
    }
}

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
