//! The organisers' page, `/organiser`, served by the central store: the
//! counts drawn as server-rendered SVG charts, the moderation queue, the
//! export links, and the companions with when each last forwarded.
//!
//! It is plain HTML from the server: no script at all, a strict CSP. Signing
//! in takes the admin token once and sets nothing but a short-lived session
//! cookie (HttpOnly, SameSite=Strict, eight hours), signed with the admin
//! token, so a new admin token ends every session; an `Authorization:
//! Bearer` header works as well. Every change is a POST from a form of this
//! page, checked for its origin besides the SameSite cookie.
//!
//! It is long because the page is written here as HTML and SVG, beside the
//! handlers that serve it and the session they share.

use std::fmt::Write as _;
use std::time::Duration;

use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use hmac::{Hmac, Mac};
use serde::Deserialize;

use super::CentralState;
use super::storage::{Action, ReviewItem, Stats, TokenInfo};
use crate::http::escape_html as escape;
use crate::storage::now_ms;

/// How long a session lasts.
const SESSION: Duration = Duration::from_secs(8 * 3600);
const COOKIE: &str = "gdc_organiser";
/// Contributions shown in the moderation queue.
const QUEUE: usize = 200;

/// The page's routes (HTML, outside the API document).
pub fn routes() -> axum::Router<CentralState> {
    // Another method gets the API's JSON 405, as everywhere.
    let not_allowed = || async { crate::http::error::ApiError::MethodNotAllowed };
    axum::Router::new()
        .route("/organiser", get(page).fallback(not_allowed))
        .route("/organiser/login", post(login).fallback(not_allowed))
        .route("/organiser/logout", post(logout).fallback(not_allowed))
        .route("/organiser/moderate", post(moderate).fallback(not_allowed))
}

/// `<expiry ms>.<hex HMAC-SHA256 of it, keyed by the admin token>`.
fn session_value(admin: &str, expires_ms: i64) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(admin.as_bytes()).expect("any key length");
    mac.update(format!("organiser:{expires_ms}").as_bytes());
    let sig: String = mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect();
    format!("{expires_ms}.{sig}")
}

/// Whether `headers` carry a live session cookie signed with `admin`.
pub fn has_session(admin: &str, headers: &HeaderMap) -> bool {
    let cookies = headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok());
    let value = cookies.flat_map(|c| c.split(';')).find_map(|c| c.trim().strip_prefix(&format!("{COOKIE}=")));
    let Some(value) = value else { return false };
    let Some((expires, _)) = value.split_once('.') else { return false };
    let Ok(expires) = expires.parse::<i64>() else { return false };
    let expected = session_value(admin, expires);
    expires > now_ms() && crate::config::same_bytes(expected.as_bytes(), value.as_bytes())
}

/// A cookie header: `value` for `max_age`, Secure when the request came
/// over HTTPS (through a proxy that says so).
fn cookie(headers: &HeaderMap, value: &str, max_age: Duration) -> HeaderValue {
    let secure = headers.get("x-forwarded-proto").is_some_and(|p| p == "https");
    let text = format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&text).expect("ASCII")
}

/// A form post from another page is refused even before SameSite: its
/// `Origin`, when sent, must be this server's own.
fn same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST)) else {
        return headers.get(header::ORIGIN).is_none();
    };
    let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else { return false };
    origin.split_once("://").is_some_and(|(_, rest)| rest == host)
}

fn html(status: StatusCode, body: String, extra: Option<HeaderValue>) -> Response {
    let mut response = (
        status,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; \
                     base-uri 'none'",
                ),
            ),
            // `same-origin`, not `no-referrer`: with no referrer, browsers send
            // `Origin: null` on form posts, and the origin check needs it.
            (header::REFERRER_POLICY, HeaderValue::from_static("same-origin")),
        ],
        body,
    )
        .into_response();
    if let Some(c) = extra {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
}

fn see_other(to: &'static str, cookie: Option<HeaderValue>) -> Response {
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response();
    if let Some(c) = cookie {
        response.headers_mut().insert(header::SET_COOKIE, c);
    }
    response
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:1em;color:#1b1f24}\
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-top:1px solid #8c959f;padding-top:.5em}\
table{border-collapse:collapse;width:100%}th,td{text-align:start;padding:.25em .5em;border-bottom:1px solid #d0d7de;\
vertical-align:top}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(20em,1fr));gap:1em}\
figure{margin:0}figcaption{font-weight:600}svg text{font:12px system-ui,sans-serif;fill:#1b1f24}\
.text{white-space:pre-wrap;overflow-wrap:anywhere;max-width:40em}button{font:inherit;min-height:44px;padding:0 1em}\
.state{font-weight:600}.flag{color:#b42318}input{font:inherit;min-height:44px}";

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title}</title><style>{STYLE}</style></head>\
         <body><main>{body}</main></body></html>"
    )
}

fn login_page(status: StatusCode, error: Option<&str>) -> Response {
    let error = error.map(|e| format!("<p role=\"alert\" class=\"flag\">{e}</p>")).unwrap_or_default();
    let body = format!(
        "<h1>Consultation organisers</h1>{error}<form method=\"post\" action=\"/organiser/login\">\
         <p><label for=\"token\">Admin token</label><br><input id=\"token\" name=\"token\" type=\"password\" \
         autocomplete=\"current-password\" required size=\"40\"></p><p><button>Sign in</button></p></form>"
    );
    html(status, shell("Sign in: consultation organisers", &body), None)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    token: String,
}

/// `POST /organiser/login`: the admin token once, a session cookie back.
async fn login(
    State(central): State<CentralState>,
    headers: HeaderMap,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let Some(admin) = central.admin_token.as_ref() else {
        return login_page(
            StatusCode::FORBIDDEN,
            Some("This central store has no admin token: set central.admin_token."),
        );
    };
    if !same_origin(&headers) {
        return login_page(StatusCode::FORBIDDEN, Some("Sign in from this page."));
    }
    match form {
        Ok(Form(f)) if admin.matches(&f.token) => {
            let expires = now_ms() + SESSION.as_millis() as i64;
            let value = session_value(admin.expose(), expires);
            see_other("/organiser", Some(cookie(&headers, &value, SESSION)))
        }
        _ => login_page(StatusCode::UNAUTHORIZED, Some("That is not the admin token.")),
    }
}

/// `POST /organiser/logout`: the session cookie cleared.
async fn logout(headers: HeaderMap) -> Response {
    see_other("/organiser", Some(cookie(&headers, "", Duration::ZERO)))
}

#[derive(Debug, Deserialize)]
pub struct ModerateForm {
    id: String,
    action: Action,
}

/// `POST /organiser/moderate`: approve, hide or unhide one contribution.
async fn moderate(
    State(central): State<CentralState>,
    headers: HeaderMap,
    form: Result<Form<ModerateForm>, FormRejection>,
) -> Response {
    if central.require_admin(&headers).is_err() {
        return login_page(StatusCode::UNAUTHORIZED, Some("Please sign in again."));
    }
    if !same_origin(&headers) {
        return html(StatusCode::FORBIDDEN, shell("Refused", "<p>Moderate from the organisers' page.</p>"), None);
    }
    let Ok(Form(form)) = form else {
        return html(StatusCode::BAD_REQUEST, shell("Refused", "<p>Unknown action.</p>"), None);
    };
    match central.store.moderate(std::slice::from_ref(&form.id), form.action).await {
        Ok(refused) if refused.is_empty() => see_other("/organiser#queue", None),
        Ok(refused) => html(
            StatusCode::UNPROCESSABLE_ENTITY,
            shell("Refused", &format!("<p>{}</p><p><a href=\"/organiser\">Back</a></p>", escape(&refused.join("; ")))),
            None,
        ),
        Err(e) => {
            tracing::error!(error = %e, "moderation failed");
            html(StatusCode::SERVICE_UNAVAILABLE, shell("Unavailable", "<p>Storage unavailable; try again.</p>"), None)
        }
    }
}

/// `GET /organiser`: the sign-in form, or the page.
async fn page(State(central): State<CentralState>, headers: HeaderMap) -> Response {
    if central.require_admin(&headers).is_err() {
        return login_page(StatusCode::OK, None);
    }
    let (stats, queue, tokens) =
        match tokio::try_join!(central.store.stats(), central.store.review(QUEUE), central.store.tokens()) {
            Ok(all) => all,
            Err(e) => {
                tracing::error!(error = %e, "organiser page");
                return html(
                    StatusCode::SERVICE_UNAVAILABLE,
                    shell("Unavailable", "<p>Storage unavailable.</p>"),
                    None,
                );
            }
        };
    let body = dashboard(&central, &stats, &queue, &tokens);
    html(StatusCode::OK, shell("Consultation organisers", &body), None)
}

fn dashboard(central: &super::Central, stats: &Stats, queue: &[ReviewItem], tokens: &[TokenInfo]) -> String {
    let en = crate::texts().get("en");
    let mut out = String::new();
    let _ = write!(
        out,
        "<h1>Consultation organisers</h1><form method=\"post\" action=\"/organiser/logout\"><button>Sign out\
         </button></form><p id=\"total\"><strong data-count=\"{}\">{}</strong> contributions counted; \
         <span data-count=\"{}\">{}</span> flagged by a bot heuristic, waiting for a review (not counted).</p>",
        stats.total, stats.total, stats.flagged, stats.flagged
    );
    out.push_str("<h2>Counts</h2><div class=\"charts\">");
    let named = |prefix: &'static str| move |k: &str| en.get(&format!("{prefix}-{k}"));
    let as_is = |k: &str| if k.is_empty() { "(none)".to_owned() } else { k.to_owned() };
    out += &chart("topic", "By topic", &stats.topic, &named("topic"));
    out += &chart("stakeholder", "By stakeholder group", &stats.stakeholder, &named("stakeholder"));
    out += &chart("country", "By country", &stats.country, &as_is);
    out += &chart("lang", "By language", &stats.lang, &as_is);
    out += &chart("site", "By site", &stats.site, &as_is);
    out += &chart("day", "By day received", &stats.day, &as_is);
    out.push_str("</div>");

    let mode = central.moderation;
    let _ = write!(
        out,
        "<h2 id=\"queue\">Moderation</h2><p>Mode: <strong>{}</strong>. Contributions whose authors agreed to \
         publication, newest first ({} at most).</p><table><thead><tr><th>Received</th><th>Topics</th>\
         <th>Language</th><th>Text</th><th>State</th><th>Decide</th></tr></thead><tbody>",
        match mode {
            super::Moderation::Pre => "pre-moderation: shown once approved",
            super::Moderation::Post => "post-moderation: shown until hidden",
        },
        QUEUE
    );
    for item in queue {
        let s = &item.submission;
        let id = escape(&s.id);
        let texts: String = s
            .answers
            .iter()
            .flat_map(|a| a.texts.values())
            .filter(|t| !t.is_empty())
            .map(|t| format!("<p dir=\"auto\">{}</p>", escape(t)))
            .collect();
        let topics = s.answers.iter().map(|a| escape(&a.topic)).collect::<Vec<_>>().join(", ");
        let state = match (item.hidden, &item.flag, item.shown(mode)) {
            (true, _, _) => "hidden".to_owned(),
            (_, Some(flag), _) => format!("<span class=\"flag\">flagged: {}</span>", escape(flag)),
            (_, None, true) => "shown".to_owned(),
            (_, None, false) => "waiting".to_owned(),
        };
        let button = |action: &str, label: &str| {
            format!(
                "<form method=\"post\" action=\"/organiser/moderate\"><input type=\"hidden\" name=\"id\" value=\"{id}\">\
                 <input type=\"hidden\" name=\"action\" value=\"{action}\"><button>{label}</button></form>"
            )
        };
        let mut buttons = String::new();
        if !item.approved || item.flag.is_some() {
            buttons += &button("approve", "Approve");
        }
        buttons += &if item.hidden { button("unhide", "Unhide") } else { button("hide", "Hide") };
        let _ = write!(
            out,
            "<tr data-id=\"{id}\"><td>{}</td><td>{topics}</td><td>{}</td><td class=\"text\">{texts}</td>\
             <td class=\"state\">{state}</td><td>{buttons}</td></tr>",
            escape(&item.received_at),
            escape(&s.lang)
        );
    }
    if queue.is_empty() {
        out.push_str("<tr><td colspan=\"6\">No contribution to publish yet.</td></tr>");
    }
    out.push_str("</tbody></table>");

    out.push_str(
        "<h2>Export</h2><ul><li><a href=\"/v1/export?format=csv&amp;bom=true\" download=\"contributions.csv\">CSV \
         for a spreadsheet</a></li><li><a href=\"/v1/export?format=jsonl\" download=\"contributions.jsonl\">JSON \
         Lines</a></li></ul><p>Columns and incremental pulls (<code>since</code>): docs/export.md.</p>",
    );

    out.push_str(
        "<h2>Companions</h2><table><thead><tr><th>Name</th><th>Token</th><th>Last batch</th></tr></thead><tbody>",
    );
    let last = central.last_batches.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    for c in &central.companions {
        let when = last.get(&c.name).map(|ms| super::sqlite::rfc3339(*ms)).unwrap_or_else(|| "not since start".into());
        let _ = write!(out, "<tr><td>{}</td><td>in the configuration</td><td>{}</td></tr>", escape(&c.name), when);
    }
    for t in tokens {
        let state = match &t.revoked_at {
            Some(at) => format!("revoked {}", escape(at)),
            None => format!("made {}", escape(&t.created_at)),
        };
        let when = t.last_batch_at.as_deref().map_or_else(|| "never".to_owned(), escape);
        let _ = write!(out, "<tr><td>{}</td><td>{state}</td><td>{when}</td></tr>", escape(&t.name));
    }
    out.push_str("</tbody></table>");
    out
}

/// A horizontal bar chart of `counts`, largest first, as SVG: each bar a
/// group carrying its key and count (`data-key`, `data-count`), labelled
/// with `label(key)` and the number.
fn chart(
    id: &str,
    title: &str,
    counts: &std::collections::BTreeMap<String, u64>,
    label: &dyn Fn(&str) -> String,
) -> String {
    let mut bars: Vec<(&String, &u64)> = counts.iter().collect();
    if id != "day" {
        bars.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    }
    let max = bars.iter().map(|(_, n)| **n).max().unwrap_or(1).max(1) as f64;
    let (row, width, label_w) = (22, 480.0, 200.0);
    let height = (bars.len().max(1) * row) as u32;
    let mut svg = format!(
        "<figure><figcaption id=\"chart-{id}-title\">{title}</figcaption><svg id=\"chart-{id}\" role=\"img\" \
         aria-labelledby=\"chart-{id}-title\" viewBox=\"0 0 {width} {height}\" width=\"100%\" \
         preserveAspectRatio=\"xMinYMin meet\">"
    );
    for (i, (key, n)) in bars.iter().enumerate() {
        let y = i * row;
        let w = ((width - label_w - 50.0) * (**n as f64) / max).max(1.0);
        let _ = write!(
            svg,
            "<g class=\"bar\" data-key=\"{}\" data-count=\"{n}\"><text x=\"0\" y=\"{}\">{}</text>\
             <rect x=\"{label_w}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\" fill=\"#0b63ce\"></rect>\
             <text x=\"{:.1}\" y=\"{}\">{n}</text></g>",
            escape(key),
            y + 15,
            escape(&truncate(&label(key), 30)),
            y + 3,
            row - 6,
            label_w + w + 4.0,
            y + 15
        );
    }
    if bars.is_empty() {
        svg.push_str("<text x=\"0\" y=\"15\">Nothing yet.</text>");
    }
    svg.push_str("</svg></figure>");
    svg
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { s.chars().take(max - 1).chain(['…']).collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_signed_by_the_admin_token_and_expires() {
        let admin = "a9Fh2Kd8Lq3Zx7Wm1Pv5Rt6Y";
        let live = session_value(admin, now_ms() + 60_000);
        let headers = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {COOKIE}={v}")).unwrap());
            h
        };
        assert!(has_session(admin, &headers(&live)));
        assert!(!has_session("another-admin-token-entirely", &headers(&live)), "a new admin token ends it");
        assert!(!has_session(admin, &headers(&session_value(admin, now_ms() - 1))), "expired");
        let forged = format!("{}{}", &live[..live.len() - 1], if live.ends_with('0') { '1' } else { '0' });
        assert!(!has_session(admin, &headers(&forged)));
        let longer = format!("{}.{}", now_ms() + 10_000_000, live.split_once('.').unwrap().1);
        assert!(!has_session(admin, &headers(&longer)), "the expiry is signed");
        assert!(!has_session(admin, &HeaderMap::new()));
        assert!(!has_session(admin, &headers("garbage")));
    }

    #[test]
    fn forms_are_taken_only_from_this_origin() {
        let h = |origin: Option<&str>| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, HeaderValue::from_static("central.example:8443"));
            if let Some(o) = origin {
                h.insert(header::ORIGIN, HeaderValue::from_str(o).unwrap());
            }
            h
        };
        assert!(same_origin(&h(Some("https://central.example:8443"))));
        assert!(same_origin(&h(None)), "no Origin: an older browser, SameSite still holds");
        assert!(!same_origin(&h(Some("https://evil.example"))));
        assert!(!same_origin(&h(Some("null"))));
    }
}
