//! `POST /v1/submissions`: where a visitor's browser hands over a
//! contribution. Checked in the order a client can act on: rate, content
//! type, size, JSON shape, site, origin, the consultation's rules, the bot
//! checks; stored durably before it is acknowledged.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gdc_core::{Receipt, ReceiptStatus, Rules, Submission, WireSubmission};

use super::CompanionState;
use crate::companion::abuse::{HONEYPOT_HEADER, TOKEN_HEADER, Verdict};
use crate::companion::outbox::Stored;
use crate::companion::sites::Site;
use crate::http::error::ApiError;
use crate::http::json::{parse_json, read_body, require_json};
use crate::http::limits::ClientIp;
use crate::ops::metrics::{ReasonLabel, StatusLabel};
use crate::storage::now_ms;

/// Largest body accepted, in bytes. It must admit the largest valid
/// submission in any script: eight topics, three answers of 4,000
/// characters each, at up to four UTF-8 bytes a character, is 384 KB of
/// text before names and JSON; 1 MiB leaves room for escapes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The handler: [`accept`], with its answer counted by status.
#[utoipa::path(
    post,
    path = "/v1/submissions",
    tag = "companion",
    summary = "A visitor's contribution, acknowledged once it is durably on disk",
    params(
        ("gdc-token" = Option<String>, Header, description = "The form token issued with the widget"),
        ("gdc-hp" = Option<String>, Header, description = "The honeypot field's value (empty for people)"),
    ),
    request_body(content = gdc_core::WireSubmission, content_type = "application/json"),
    responses(
        (status = 202, description = "Stored durably; will be forwarded once", body = gdc_core::Receipt),
        (status = 200, description = "This id is already stored; nothing changed", body = gdc_core::Receipt),
        (status = 400, description = "The body could not be read", body = crate::http::error::ErrorBody),
        (status = 403, description = "`forbidden`: unknown or disabled site, or an origin the site does not \
            list; `token_invalid`: no valid form token (fetch a fresh one and send again)", body = crate::http::error::ErrorBody),
        (status = 408, description = "The body did not arrive in time", body = crate::http::error::ErrorBody),
        (status = 413, description = "Body over 1 MiB", body = crate::http::error::ErrorBody),
        (status = 415, description = "Not `application/json`", body = crate::http::error::ErrorBody),
        (status = 422, description = "Not a valid v1 submission: each refused field named", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many from this client or site", body = crate::http::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Storage unavailable or spool full: nothing was stored", body = crate::http::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn submit(
    State(state): State<CompanionState>,
    client: Option<axum::Extension<ClientIp>>,
    request: axum::extract::Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let response = accept(&state, client, parts.headers, body).await.into_response();
    state.metrics.intake.get_or_create(&StatusLabel { status: response.status().as_u16() }).inc();
    response
}

async fn accept(
    state: &CompanionState,
    client: Option<axum::Extension<ClientIp>>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    if let Some(axum::Extension(ClientIp(ip))) = client {
        state.limits.check_ip(ip).map_err(|l| crate::http::limits::refuse(&state.metrics, l))?;
    }
    require_json(&headers)?;
    let body = read_body(&headers, body, MAX_BODY_BYTES, state.body_timeout).await?;
    let wire: WireSubmission = parse_json(&body)?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (token, honeypot) = (header(TOKEN_HEADER), header(HONEYPOT_HEADER));
    let checked = check(state, &headers, wire, Some(body), token, honeypot)?;
    // Nothing of the request but the body is needed while the commit is
    // awaited: with hundreds of requests waiting on commits, what each
    // keeps meanwhile is the companion's memory.
    drop(headers);
    let (status, receipt) = commit(state, checked).await?;
    Ok((status, Json(receipt)))
}

/// A contribution that passed every check, as the outbox stores it.
pub(crate) struct Checked {
    id: String,
    site: String,
    body: Bytes,
    flag: Option<&'static str>,
}

/// Every check a contribution passes before the outbox takes it, from the
/// API or from the form the server renders (which posts without the
/// Wasm), in this order: its site, origin and site rate, the
/// consultation's rules, the bot checks. Nothing is stored yet: then
/// [`commit`]. `body` is the JSON as sent, kept as it is when it is UTF-8.
pub(crate) fn check(
    state: &CompanionState,
    headers: &HeaderMap,
    wire: WireSubmission,
    body: Option<Bytes>,
    token: Option<&str>,
    honeypot: Option<&str>,
) -> Result<Checked, ApiError> {
    let site = state.site(&wire.site)?;
    check_origin(headers, site, state.public_origin.as_deref())?;
    state.limits.check_site(&site.key).map_err(|l| crate::http::limits::refuse(&state.metrics, l))?;
    let submission =
        Submission::parse(wire, Rules { allowed_topics: site.allowed_topics() }).map_err(ApiError::Invalid)?;
    let id = submission.id().to_string();

    let flag = match state.tokens.judge(token, honeypot, &site.key, now_ms()) {
        Verdict::Person => None,
        Verdict::NoValidToken if state.require_token => return Err(ApiError::TokenInvalid),
        Verdict::NoValidToken => None,
        doubt @ (Verdict::TooFast | Verdict::Honeypot) => {
            // A heuristic can be wrong about a person (a form filled from a
            // saved draft, a clock ahead, an autofilled hidden field): the
            // submission is stored and flagged, kept out of the published
            // feed until an organiser reviews it, never dropped.
            state.metrics.bots.get_or_create(&ReasonLabel { reason: doubt.reason() }).inc();
            tracing::info!(id = %id, reason = doubt.reason(), "submission flagged by a bot heuristic; stored");
            Some(doubt.reason())
        }
    };

    let site_key = submission.site().to_owned();
    // What was sent is stored as sent, without a copy: it parsed as a
    // valid v1 submission (so it is JSON with no unknown field), and
    // writing it again would only cost time.
    let body = match body {
        Some(sent) if std::str::from_utf8(&sent).is_ok() => sent,
        _ => Bytes::from(serde_json::to_vec(submission.wire()).map_err(|_| ApiError::Internal)?),
    };
    Ok(Checked { id, site: site_key, body, flag })
}

/// Stores a checked contribution durably; answers once its commit is on
/// disk.
pub(crate) async fn commit(state: &CompanionState, checked: Checked) -> Result<(StatusCode, Receipt), ApiError> {
    let Checked { id, site, body, flag } = checked;
    let stored = state.outbox.insert(id.clone(), site, body, flag).await.map_err(|e| {
        tracing::error!(error = %e, "could not store a submission");
        ApiError::Unavailable { reason: "storage", retry_after_secs: 2 }
    })?;
    match stored {
        Stored::New => Ok((StatusCode::ACCEPTED, Receipt { id, status: ReceiptStatus::Accepted })),
        Stored::Duplicate => Ok((StatusCode::OK, Receipt { id, status: ReceiptStatus::Duplicate })),
        Stored::Full => {
            tracing::warn!("outbox spool is full; refusing new submissions until forwarding catches up");
            Err(ApiError::Unavailable { reason: "spool full", retry_after_secs: 30 })
        }
    }
}

/// A browser always sends `Origin` on a POST. It must be this server itself
/// (iframe mode: the widget runs on our origin) or one of the site's origins
/// (inline mode). Clients without an `Origin` are not browsers, and CORS
/// protects nothing for them; they are let through to validation.
fn check_origin(headers: &HeaderMap, site: &Site, public_origin: Option<&str>) -> Result<(), ApiError> {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return Ok(());
    };
    if public_origin.is_some_and(|p| p.eq_ignore_ascii_case(origin))
        || is_same_origin(headers)
        || site.allows_origin(origin)
    {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!("origin {origin} may not post for site {}", site.key)))
    }
}

/// Whether the request's `Origin` is this server as the request reached it
/// (compared with `Host`). Behind a proxy that rewrites `Host`, this fails:
/// `companion.public_url` names the origin browsers see.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    matches!((origin, host), (Some(o), Some(h)) if o.split_once("://").is_some_and(|(_, rest)| rest == h))
}
