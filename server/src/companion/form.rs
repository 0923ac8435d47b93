//! The widget as HTML, rendered by the companion from the widget's own
//! views (`gdc_widget::ssr`): the first screen every visitor sees before the
//! Wasm arrives (which then takes the form over in place), and a whole form
//! that works without WebAssembly or JavaScript. Each step posts back here
//! (`POST /embed/v1`); the companion checks it with the same `gdc-core`
//! rules and messages, and a sent form goes through the same durable intake
//! as the API's, under the id made once when the form was first rendered,
//! then redirects to its receipt (post/redirect/get), so pressing Send
//! twice or reloading stores it once.
//!
//! Inline mode asks for the same widget as a fragment
//! (`/embed/v1/fragment`) to show in the partner page while its Wasm loads.
//!
//! It is longer than 400 lines because the four routes' OpenAPI
//! annotations (every answer of a form post, in HTML or JSON) sit with the
//! handlers they describe, as elsewhere in the server.

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gdc_core::FieldError;
use gdc_widget::model::form::{Go, Posted};
use gdc_widget::model::{Draft, Step, Variant, WidgetConfig};
use gdc_widget::ssr::{self, Phase, Post};

use super::CompanionState;
use super::assets::{EMBED_PATH, embed_error};
use super::intake::{self, MAX_BODY_BYTES};
use super::sites::Site;
use crate::http::error::ApiError;
use crate::http::json::read_body;
use crate::http::limits::ClientIp;
use crate::ops::metrics::StatusLabel;
use crate::storage::now_ms;

/// The widget alone, for inline mode's first screen.
pub const FRAGMENT_PATH: &str = "/embed/v1/fragment";

/// The query parameter naming a sent contribution: its receipt is shown.
const SENT: &str = "sent";

/// The widget's settings, as the loader writes them in an address (and
/// compares before showing a first screen it brought).
const SETTINGS: [&str; 6] = ["site", "topics", "lang", "theme", "variant", "question"];

/// A whole page (the iframe) or the widget alone (inline mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Page,
    Fragment,
}

impl Shape {
    fn path(self) -> &'static str {
        match self {
            Self::Page => EMBED_PATH,
            Self::Fragment => FRAGMENT_PATH,
        }
    }
}

/// What a request to the form asked for: the site, the widget's
/// configuration, and its query without the `sent` parameter.
struct Asked<'a> {
    site: &'a Site,
    config: WidgetConfig,
    query: String,
    sent: Option<String>,
}

impl Asked<'_> {
    /// The same request in another language: its configuration and the
    /// query its form posts to.
    fn in_language(&self, lang: &str) -> Self {
        let mut config = self.config.clone();
        lang.clone_into(&mut config.lang);
        let pairs: Vec<(String, String)> = form_urlencoded::parse(self.query.as_bytes())
            .filter(|(k, _)| k != "lang")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let query =
            form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).append_pair("lang", lang).finish();
        Self { site: self.site, config, query, sent: None }
    }
}

/// Reads the query as the widget reads its own (`site`, `topics`, `lang`…),
/// with the site's topics from the registry; a language the query does not
/// name comes from `Accept-Language`.
fn ask<'a>(state: &'a CompanionState, headers: &HeaderMap, raw: Option<&str>) -> Result<Asked<'a>, Box<Response>> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let find = |key: &str| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
    // A setting given twice is ambiguous: the page says the address is malformed.
    let keys = || SETTINGS.iter().chain(&["api", SENT]);
    if keys().any(|key| pairs.iter().filter(|(k, _)| k == key).count() > 1) {
        return Err(Box::new(embed_error(
            StatusCode::BAD_REQUEST,
            find("lang").unwrap_or(""),
            "embed-reason-malformed",
        )));
    }
    let browser = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|tag| tag.split(';').next().unwrap_or(tag).trim())
        .unwrap_or("");
    let lang = find("lang").filter(|l| !l.is_empty()).unwrap_or(browser).to_owned();
    let site = match state.sites.get(find("site").unwrap_or_default()) {
        Some(site) if site.enabled => site,
        Some(_) => return Err(Box::new(embed_error(StatusCode::FORBIDDEN, &lang, "embed-reason-disabled"))),
        None => return Err(Box::new(embed_error(StatusCode::FORBIDDEN, &lang, "embed-reason-unknown-site"))),
    };
    let allowed = site.topics.join(",");
    let given =
        pairs.iter().filter(|(k, _)| k != "lang" && keys().any(|key| k == key)).map(|(k, v)| (k.as_str(), v.as_str()));
    let (config, _warnings) =
        WidgetConfig::from_pairs(given.chain([("lang", lang.as_str()), ("allowed", allowed.as_str())]));
    let sent = find(SENT).map(str::to_owned);
    let query =
        form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs.iter().filter(|(k, _)| k != SENT)).finish();
    Ok(Asked { site, config, query, sent })
}

/// `GET /embed/v1` and `GET /embed/v1/fragment`: the first step, or the
/// receipt of a contribution just sent (`sent=<id>`).
async fn show(
    State(state): State<CompanionState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    shape: Shape,
) -> Response {
    match ask(&state, &headers, raw.as_deref()) {
        Ok(asked) => show_asked(&state, &asked, shape).await,
        Err(page) => *page,
    }
}

async fn show_asked(state: &CompanionState, asked: &Asked<'_>, shape: Shape) -> Response {
    let (id, phase) = match asked.sent.as_deref().and_then(|s| s.parse::<uuid::Uuid>().ok()) {
        Some(sent) => (sent.to_string(), Phase::Done(sent.to_string())),
        // Made once per form and posted with every step: sending twice, or
        // from a reloaded page, stores the contribution once.
        None => (uuid::Uuid::now_v7().to_string(), Phase::Editing),
    };
    let token = state.tokens.issue(&asked.site.key, now_ms());
    let shown = Shown { draft: Draft::default(), step: Step::Topics, id, phase, token, notice: None, country: None };
    render(state, asked, shape, shown, &[], StatusCode::OK).await
}

/// Inline mode's first screen for the loader to carry, when its address
/// repeats the widget's settings (`loader.js?site=…&mode=inline`): the
/// fragment's HTML and the settings it was rendered for (the language as
/// chosen), which the loader compares with the element's before showing
/// it. `None` when the address does not ask for inline mode or the form
/// cannot be shown: the loader then fetches the fragment, which says why.
pub(crate) async fn first_screen(
    state: &CompanionState,
    headers: &HeaderMap,
    raw: Option<&str>,
) -> Option<(String, String)> {
    if !form_urlencoded::parse(raw?.as_bytes()).any(|(k, v)| k == "mode" && v == "inline") {
        return None;
    }
    let asked = ask(state, headers, raw).ok().filter(|a| a.sent.is_none())?;
    let response = show_asked(state, &asked, Shape::Fragment).await;
    if response.status() != StatusCode::OK {
        return None;
    }
    let html = axum::body::to_bytes(response.into_body(), usize::MAX).await.ok()?;
    let pairs =
        form_urlencoded::parse(asked.query.as_bytes()).filter(|(k, _)| k != "lang" && SETTINGS.contains(&k.as_ref()));
    let query = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .append_pair("lang", &asked.config.lang)
        .finish();
    Some((query, String::from_utf8(html.to_vec()).ok()?))
}

/// What a rendering shows.
struct Shown {
    draft: Draft,
    step: Step,
    id: String,
    phase: Phase,
    token: String,
    notice: Option<&'static str>,
    country: Option<String>,
}

/// `POST /embed/v1` and `POST /embed/v1/fragment`: a step of the form,
/// posted by the browser itself. Moves between steps, shows a step's
/// errors beside its fields, or sends.
async fn post(
    State(state): State<CompanionState>,
    client: Option<axum::Extension<ClientIp>>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    shape: Shape,
    body: axum::body::Body,
) -> Response {
    let asked = match ask(&state, &headers, raw.as_deref()) {
        Ok(a) => a,
        Err(page) => return *page,
    };
    let form = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !form.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        let expected = "expected Content-Type: application/x-www-form-urlencoded";
        return (StatusCode::UNSUPPORTED_MEDIA_TYPE, expected).into_response();
    }
    let body = match read_body(&headers, body, MAX_BODY_BYTES, state.body_timeout).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let config = &asked.config;
    let posted = Posted::read(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())), config);
    let asked_lang = posted.lang.clone();
    let mut draft = posted.draft;
    let mut country = None;
    if let Some(text) = posted.country_text.filter(|t| !t.trim().is_empty()) {
        match ssr::intl::find_by_name(&config.lang, &ssr::intl::countries(&config.lang), &text) {
            Some(code) => code.clone_into(&mut draft.country),
            None => {
                draft.country.clear();
                country = Some(text);
            }
        }
    }
    let id = posted.id.and_then(|i| i.parse::<uuid::Uuid>().ok()).unwrap_or_else(uuid::Uuid::now_v7).to_string();
    let token = posted.token.unwrap_or_else(|| state.tokens.issue(&asked.site.key, now_ms()));
    let full = config.variant == Variant::Full;
    let go = posted.go.unwrap_or(if !full || posted.step == Step::Review { Go::Send } else { Go::Next });
    let mut shown = Shown { draft, step: posted.step, id, phase: Phase::Editing, token, notice: None, country };
    let errors = match go {
        Go::Back => {
            shown.step = shown.step.previous();
            Vec::new()
        }
        Go::Language => {
            // The same step with everything typed, in the language chosen
            // (a country typed by name was read in the page's own first).
            let lang = gdc_i18n::negotiate(asked_lang.as_deref().unwrap_or(&config.lang));
            return render(&state, &asked.in_language(lang), shape, shown, &[], StatusCode::OK).await;
        }
        Go::Edit(step) => {
            shown.step = step;
            Vec::new()
        }
        Go::StartOver => {
            shown =
                Shown { draft: Draft::default(), step: Step::Topics, id: uuid::Uuid::now_v7().to_string(), ..shown };
            Vec::new()
        }
        Go::Next => {
            let errors = shown.draft.step_errors(shown.step, &shown.id, config);
            if errors.is_empty() {
                shown.step = shown.step.next();
            }
            errors
        }
        Go::Send => match shown.draft.check(&shown.id, config) {
            Ok(wire) => {
                let honeypot = Some(posted.honeypot.as_str());
                let limited = match client {
                    Some(axum::Extension(ClientIp(ip))) => state.limits.check_ip(ip).err(),
                    None => None,
                };
                let stored = match limited {
                    Some(limit) => Err(crate::http::limits::refuse(&state.metrics, limit)),
                    None => match intake::check(&state, &headers, wire, None, Some(&shown.token), honeypot) {
                        Ok(checked) => intake::commit(&state, checked).await,
                        Err(e) => Err(e),
                    },
                };
                let status = stored.as_ref().map_or_else(|e| e.status(), |(s, _)| *s);
                state.metrics.intake.get_or_create(&StatusLabel { status: status.as_u16() }).inc();
                return match stored {
                    Ok((_, receipt)) => sent(&asked, shape, &receipt.id),
                    Err(ApiError::TokenInvalid) => {
                        // Too old, or from another site's form: a new one, and
                        // the visitor sends again.
                        shown.token = state.tokens.issue(&asked.site.key, now_ms());
                        shown.notice = Some("send-again");
                        render(&state, &asked, shape, shown, &[], StatusCode::FORBIDDEN).await
                    }
                    Err(ApiError::Forbidden(_)) => {
                        embed_error(StatusCode::FORBIDDEN, &config.lang, "embed-reason-unknown-site")
                    }
                    Err(e) => {
                        shown.notice = Some("send-again");
                        let mut page = render(&state, &asked, shape, shown, &[], e.status()).await;
                        if let Some(after) = e.retry_after_secs() {
                            page.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(after));
                        }
                        page
                    }
                };
            }
            Err(errors) => {
                // Shown on the first step that has one, as the widget does.
                let first = errors.0.first().map_or(shown.step, |e| Step::of_path(&e.field));
                if full {
                    shown.step = first;
                }
                errors.0.into_iter().filter(|e| !full || Step::of_path(&e.field) == first).collect()
            }
        },
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render(&state, &asked, shape, shown, &errors, status).await
}

/// Post/redirect/get: the receipt has an address of its own, so a reload
/// shows it again and sends nothing.
fn sent(asked: &Asked<'_>, shape: Shape, id: &str) -> Response {
    let sep = if asked.query.is_empty() { "" } else { "&" };
    let location = format!("{}?{}{sep}{SENT}={id}", shape.path(), asked.query);
    match HeaderValue::from_str(&location) {
        Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn render(
    state: &CompanionState,
    asked: &Asked<'_>,
    shape: Shape,
    shown: Shown,
    errors: &[FieldError],
    status: StatusCode,
) -> Response {
    let config = asked.config.clone();
    let lang = config.lang.clone();
    let texts = crate::texts().get(&lang).clone();
    let title = texts.get("consultation-name");
    let api = if shape == Shape::Fragment { config.api.clone() } else { String::new() };
    let action = format!("{api}{}?{}", shape.path(), asked.query);
    let dir = if gdc_i18n::is_rtl(&lang) { "rtl" } else { "ltr" };
    let theme = config.theme.clone();
    let post = Post { action, token: Some(shown.token.clone()), notice: shown.notice };
    let widget_state = ssr::State {
        draft: shown.draft,
        step: shown.step,
        id: shown.id,
        phase: shown.phase,
        post: Some(post),
        country_text: shown.country,
    };
    let widget = ssr::render(config, texts, widget_state, errors);
    let escape = crate::http::escape_html;
    match shape {
        Shape::Fragment => (
            status,
            [
                (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            ],
            format!(
                "<div class=\"gdc\" lang=\"{lang}\" dir=\"{dir}\" data-theme=\"{}\" data-served>{widget}</div>",
                escape(&theme)
            ),
        )
            .into_response(),
        Shape::Page => {
            let page = match state.built.embed.get() {
                Ok(page) => page,
                Err(e) => {
                    tracing::error!(error = %e, "embed page missing: run `cargo xtask build`");
                    return ApiError::Unavailable { reason: "widget not built", retry_after_secs: 30 }.into_response();
                }
            };
            let page_style = page_style(&asked.query);
            let csp = format!(
                "{}; script-src {}; style-src {}{}; frame-ancestors {}",
                super::assets::EMBED_CSP,
                page.script_src,
                page.style_src,
                allowed(page_style.as_deref()),
                asked.site.frame_ancestors()
            );
            let Ok(csp) = HeaderValue::from_str(&csp) else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let html = page
                .template
                .replace("__GDC_TOKEN__", &shown.token)
                .replace("__GDC_ALLOWED_TOPICS__", &asked.site.topics.join(","))
                .replace("__GDC_LANG__", &lang)
                .replace("__GDC_DIR__", dir)
                .replace("__GDC_THEME__", &escape(&theme))
                .replace("__GDC_TITLE__", &escape(&title))
                .replace(
                    "__GDC_PAGE_STYLE__",
                    &page_style.map(|css| format!("<style>{css}</style>")).unwrap_or_default(),
                )
                .replace("__GDC_WIDGET__", &widget);
            (
                status,
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8")),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                    (header::CONTENT_SECURITY_POLICY, csp),
                ],
                html,
            )
                .into_response()
        }
    }
}

/// The form's routes, their answers compressed (br or gzip, as the browser
/// accepts): a page is some 13 KB of HTML, 3 KB compressed, which a slow
/// link feels before the form shows. Brotli at quality 5, not tower-http's
/// 4: measured on the inline loader with its first screen (20.4 KB) and the
/// Russian embed page (17.6 KB), 6,403 B and 6,039 B against 6,842 B and
/// 6,518 B, in the same time per answer within this machine's noise (about
/// 1.5 ms, most of it rendering); 11 would save 600 B more but takes 25-30 ms.
pub fn compressed<S: Clone + Send + Sync + 'static>(
    route: axum::routing::MethodRouter<S>,
) -> axum::routing::MethodRouter<S> {
    let level = tower_http::CompressionLevel::Precise(5);
    route.layer(tower_http::compression::CompressionLayer::new().br(true).gzip(true).quality(level))
}

/// The page's `style-src`: its own origin, and the hash of the stylesheet
/// the build put in the page (one round trip less before the form shows).
pub(super) fn style_sources(template: &str) -> String {
    format!("'self'{}", allowed(inline_style(template)))
}

/// The page's `script-src`: its own origin, the hash of the boot script
/// the build put in the page (no request of its own before the page's
/// DOMContentLoaded), and its Wasm.
pub(super) fn script_sources(template: &str) -> String {
    format!("'self'{} 'wasm-unsafe-eval'", allowed(inline_text(template, "<script type=\"module\">", "</script>")))
}

/// The CSP source allowing an inline text, with its leading space; none
/// for no text.
fn allowed(text: Option<&str>) -> String {
    text.map(|t| format!(" '{}'", sha256_source(t))).unwrap_or_default()
}

/// A CSP source allowing exactly this inline text: `sha256-…`.
fn sha256_source(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!("sha256-{}", base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes())))
}

/// The style properties a webmaster may set (`--gdc-accent`…), as the
/// loader puts them in the frame's address.
const STYLE_PROPERTIES: [&str; 7] = ["accent", "bg", "text", "border", "radius", "font", "space"];

/// The webmaster's style properties from the query, as a rule for the page
/// (`:root{--gdc-accent:#0a6650}`), so a visitor without script sees the
/// site's colours, radius, spacing and font too; with script, the boot
/// script sets the same. A value keeps to what a colour, a length or a
/// font list is written with (letters of any script, digits, spaces and
/// `#%(),./-_+'"`), so it can end neither its declaration nor the element;
/// any other, and a name not in the list, is left out. `None`: nothing set.
fn page_style(query: &str) -> Option<String> {
    let mut rule = String::new();
    let mut seen = Vec::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        let Some(name) = key.strip_prefix("--gdc-").filter(|n| STYLE_PROPERTIES.contains(n)) else { continue };
        let value = value.trim();
        let plain = |c: char| c.is_alphanumeric() || " #%(),./-_+'\"".contains(c);
        let safe = !value.is_empty()
            && value.len() <= 200
            && value.chars().all(plain)
            && !value.to_ascii_lowercase().contains("url(");
        if safe && !seen.contains(&name.to_owned()) {
            seen.push(name.to_owned());
            rule.push_str(&format!("--gdc-{name}:{value};"));
        }
    }
    (!rule.is_empty()).then(|| format!(":root{{{}}}", rule.trim_end_matches(';')))
}

/// The stylesheet the build put in the embed page, which is the widget's.
pub(crate) fn inline_style(template: &str) -> Option<&str> {
    inline_text(template, "<style>", "</style>")
}

/// The text of the first element the build put in the embed page between
/// `open` and `close`.
fn inline_text<'a>(template: &'a str, open: &str, close: &str) -> Option<&'a str> {
    template.split_once(open).and_then(|(_, rest)| rest.split_once(close)).map(|(text, _)| text)
}

/// The query the form routes read: the widget's attributes, as the loader
/// puts them in the iframe's address.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FormQuery {
    /// The site key, registered on this companion.
    site: String,
    /// The visitor's language (`ar`, `zh`, `en`, `fr`, `ru`, `es`); else
    /// from `Accept-Language`.
    lang: Option<String>,
    /// The topics offered, comma-separated.
    topics: Option<String>,
    /// `light`, `dark`, `auto` or `high-contrast`.
    theme: Option<String>,
    /// `full` or `compact`.
    variant: Option<String>,
    /// The compact variant's question.
    question: Option<String>,
    /// A contribution just sent: its receipt is shown.
    sent: Option<String>,
}

/// A posted step: the draft's fields by name, the hidden `gdc-id`,
/// `gdc-step` and `gdc-token`, and the button pressed (`go`).
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FormBody {
    /// `next`, `back`, `send`, `start-over` or `edit-<step>`.
    go: Option<String>,
    #[schema(rename = "gdc-id")]
    id: Option<String>,
    #[schema(rename = "gdc-step")]
    step: Option<String>,
    #[schema(rename = "gdc-token")]
    token: Option<String>,
    /// One field per chosen topic.
    topics: Option<String>,
}

/// `GET /embed/v1`: the iframe's page, the widget rendered in it.
#[utoipa::path(get, path = "/embed/v1", tag = "widget",
    summary = "The iframe page with the form rendered on the server; the Wasm takes it over",
    params(FormQuery),
    responses(
        (status = 200, description = "The page", content_type = "text/html"),
        (status = 400, description = "A setting given twice: a page saying the address is malformed",
            content_type = "text/html"),
        (status = 403, description = "Unknown or disabled site: a page saying so, for the webmaster",
            content_type = "text/html"),
        (status = 503, description = "The widget is not built on this server", body = crate::http::error::ErrorBody),
    ))]
pub async fn page_get(state: State<CompanionState>, headers: HeaderMap, raw: RawQuery) -> Response {
    show(state, headers, raw, Shape::Page).await
}

/// `POST /embed/v1`: a step posted without the Wasm.
#[utoipa::path(post, path = "/embed/v1", tag = "widget",
    summary = "A step of the form, posted by the browser itself: the next step, the step's errors, or a send",
    params(FormQuery),
    request_body(content = FormBody, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The page at the step asked for", content_type = "text/html"),
        (status = 303, description = "Sent: the receipt's address (`sent=<id>`)"),
        (status = 400, description = "The body could not be read", body = crate::http::error::ErrorBody),
        (status = 403, description = "Unknown or disabled site, or a stale form token (the page asks to send again)",
            content_type = "text/html"),
        (status = 408, description = "The body did not arrive in time", body = crate::http::error::ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = crate::http::error::ErrorBody),
        (status = 415, description = "Not a form post"),
        (status = 422, description = "The page with the step's errors beside its fields", content_type = "text/html"),
        (status = 429, description = "Too many from this client or site: the page asks to send again",
            content_type = "text/html"),
        (status = 503, description = "Storage unavailable: the page asks to send again", content_type = "text/html"),
    ))]
pub async fn page_post(
    state: State<CompanionState>,
    client: Option<axum::Extension<ClientIp>>,
    headers: HeaderMap,
    raw: RawQuery,
    body: axum::body::Body,
) -> Response {
    post(state, client, headers, raw, Shape::Page, body).await
}

/// `GET /embed/v1/fragment`: the widget alone, for inline mode.
#[utoipa::path(get, path = "/embed/v1/fragment", tag = "widget",
    summary = "The form rendered on the server, alone: inline mode's first screen",
    params(FormQuery),
    responses(
        (status = 200, description = "The widget's HTML", content_type = "text/html"),
        (status = 400, description = "A setting given twice: a page saying so", content_type = "text/html"),
        (status = 403, description = "Unknown or disabled site: a page saying so", content_type = "text/html"),
    ))]
pub async fn fragment_get(state: State<CompanionState>, headers: HeaderMap, raw: RawQuery) -> Response {
    show(state, headers, raw, Shape::Fragment).await
}

/// `POST /embed/v1/fragment`: a step posted from inline mode before its
/// Wasm has arrived.
#[utoipa::path(post, path = "/embed/v1/fragment", tag = "widget",
    summary = "A step posted from inline mode before the Wasm arrived: the widget at the next step",
    params(FormQuery),
    request_body(content = FormBody, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The widget at the step asked for", content_type = "text/html"),
        (status = 303, description = "Sent: the receipt's address (`sent=<id>`)"),
        (status = 400, description = "The body could not be read", body = crate::http::error::ErrorBody),
        (status = 403, description = "Unknown or disabled site, or a stale form token", content_type = "text/html"),
        (status = 408, description = "The body did not arrive in time", body = crate::http::error::ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = crate::http::error::ErrorBody),
        (status = 415, description = "Not a form post"),
        (status = 422, description = "The widget with the step's errors", content_type = "text/html"),
        (status = 429, description = "Too many from this client or site", content_type = "text/html"),
        (status = 503, description = "Storage unavailable", content_type = "text/html"),
    ))]
pub async fn fragment_post(
    state: State<CompanionState>,
    client: Option<axum::Extension<ClientIp>>,
    headers: HeaderMap,
    raw: RawQuery,
    body: axum::body::Body,
) -> Response {
    post(state, client, headers, raw, Shape::Fragment, body).await
}
