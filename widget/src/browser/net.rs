//! The companion's API as the widget calls it: a form token, a
//! submission (its answer sorted by [`crate::delivery::classify`]), the
//! published contributions. Answers are read with the browser's own
//! `JSON.parse`, not serde_json, which would add kilobytes to every first
//! visit for a few small objects.

use gdc_core::{Consultation, ErrorCode, FieldError};
use wasm_bindgen::{JsCast, JsValue};

use crate::delivery::{Answer, Refusal, classify};
use crate::model::WidgetConfig;
use crate::model::retry::retry_after_secs;

/// How the companion answered, as the delivery loop acts on it (see
/// [`classify`]).
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

/// A form token from the companion, and how long to wait before sending
/// with it so that the companion takes the sender for a person.
#[derive(Debug)]
pub struct FreshToken {
    pub token: String,
    pub min_age_ms: i32,
}

/// Asks the companion for a form token (when the page did not carry one,
/// or the companion no longer accepts the one it had).
pub async fn fetch_token(config: &WidgetConfig) -> Option<FreshToken> {
    let url = config.url(&format!("/v1/token?site={}", js_sys::encode_uri_component(&config.site)));
    let response = gloo_net::http::Request::get(&url).send().await.ok()?;
    if !response.ok() {
        return None;
    }
    let body = js_sys::JSON::parse(&response.text().await.ok()?).ok()?;
    let min_age_ms = js_sys::Reflect::get(&body, &JsValue::from_str("min_age_ms")).ok()?.as_f64().unwrap_or(0.0);
    Some(FreshToken { token: string_at(&body, "token")?, min_age_ms: min_age_ms.clamp(0.0, 60_000.0) as i32 })
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
    let retry_after_secs = retry_after_secs(response.headers().get("retry-after").as_deref());
    let text = if status == 200 || status == 202 { String::new() } else { response.text().await.unwrap_or_default() };
    let parsed = js_sys::JSON::parse(&text).ok();
    let error = parsed.as_ref().and_then(|p| string_at(p, "error"));
    let why = format!("HTTP {status}{}", error.as_deref().map(|e| format!(" {e}")).unwrap_or_default());
    match classify(status, error.as_deref()) {
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

/// The answers in a submission's JSON text, as (topic, question, text) in
/// the order of `consultation`'s questions, with empty texts left out:
/// what a refused visitor may copy.
pub fn answers_in(body: &str, consultation: &Consultation) -> Vec<(String, String, String)> {
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
        for q in consultation.questions {
            if let Some(text) = string_at(&answer, q.id).filter(|t| !t.trim().is_empty()) {
                texts.push((topic.clone(), q.id.to_owned(), text));
            }
        }
    }
    texts
}

/// One published contribution, as the "what others said" view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedItem {
    /// (question id, text), in the consultation's order of questions.
    pub texts: Vec<(String, String)>,
    pub credit: Option<String>,
    pub country: String,
    /// When it was published (RFC 3339).
    pub published_at: String,
}

/// Published contributions on `topic`, read with the browser's JSON parser.
pub async fn fetch_published(config: &WidgetConfig, topic: &str) -> Result<Vec<PublishedItem>, String> {
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
            let texts = config
                .consultation
                .questions
                .iter()
                .filter_map(|q| Some((q.id.to_owned(), string_at(&texts_obj, q.id)?)))
                .collect();
            PublishedItem {
                texts,
                credit: string_at(&item, "credit"),
                country: string_at(&item, "country").unwrap_or_default(),
                published_at: string_at(&item, "published_at").unwrap_or_default(),
            }
        })
        .collect())
}
