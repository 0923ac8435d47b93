//! What the widget keeps in `localStorage`, per site, consultation and
//! variant: the draft being typed (with its id and form token), and the
//! contribution queued until the companion acknowledges it. Values are
//! URL-encoded pairs, read and written by the browser's `URLSearchParams`.

use crate::delivery::Refusal;
use crate::model::{Draft, Variant, WidgetConfig};

/// A draft read back from `localStorage`, with the id and form token it
/// was started with.
#[derive(Debug, Default)]
pub struct StoredDraft {
    pub draft: Draft,
    pub id: Option<String>,
    pub token: Option<String>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Storage keys per site, consultation and variant: a compact widget on an
/// article and the full form elsewhere on the site keep separate drafts.
fn key(kind: &str, config: &WidgetConfig) -> String {
    let variant = if config.variant == Variant::Compact { ":compact" } else { "" };
    format!("gdc-{kind}:{}:{}{variant}", config.site, config.consultation.id)
}

fn draft_key(config: &WidgetConfig) -> String {
    key("draft", config)
}

/// The draft saved for this site and consultation, if any. Storage can be
/// missing (private modes) or full: then there is simply no draft.
pub fn load_draft(config: &WidgetConfig) -> StoredDraft {
    let Some(text) = storage().and_then(|s| s.get_item(&draft_key(config)).ok().flatten()) else {
        return StoredDraft::default();
    };
    let pairs = read_params(&text);
    let find = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()).filter(|v| !v.is_empty());
    StoredDraft {
        draft: Draft::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), config),
        id: find("_id"),
        token: find("_token"),
    }
}

pub fn save_draft(config: &WidgetConfig, pairs: &[(String, String)], id: &str, token: Option<&str>) {
    let mut all: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    all.push(("_id", id));
    all.push(("_token", token.unwrap_or_default()));
    if let (Some(s), Some(text)) = (storage(), write_params(&all)) {
        let _ = s.set_item(&draft_key(config), &text);
    }
}

pub fn clear_draft(config: &WidgetConfig) {
    if let Some(s) = storage() {
        let _ = s.remove_item(&draft_key(config));
    }
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

fn queue_key(config: &WidgetConfig) -> String {
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

pub fn load_queued(config: &WidgetConfig) -> Option<Queued> {
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
pub fn save_queued(config: &WidgetConfig, q: &Queued) {
    let refused = q.refused.map(Refusal::key).unwrap_or_default();
    let pairs = [("id", q.id.as_str()), ("body", &q.body), ("token", &q.token), ("refused", refused)];
    if let (Some(s), Some(text)) = (storage(), write_params(&pairs)) {
        let _ = s.set_item(&queue_key(config), &text);
    }
}

/// Rewrites the queued contribution only if it is still `q`'s: another tab
/// may have delivered it (and cleared it) or queued a new one meanwhile.
pub fn update_queued(config: &WidgetConfig, q: &Queued) {
    if load_queued(config).is_some_and(|stored| stored.id == q.id) {
        save_queued(config, q);
    }
}

/// Forgets the queued contribution once it has arrived, unless what is
/// queued now is another one (queued meanwhile in another tab).
pub fn clear_queued_if(config: &WidgetConfig, id: &str) {
    if let Some(s) = storage()
        && load_queued(config).is_none_or(|q| q.id == id)
    {
        let _ = s.remove_item(&queue_key(config));
    }
}
