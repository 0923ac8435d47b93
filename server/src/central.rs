//! The central store: receives batches from companions, keeps each
//! submission id once, and exports what it holds.

use std::path::Path;
use std::sync::{Arc, Mutex};

use gdc_core::{Rules, Submission, ValidationErrors, WireSubmission};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::outbox::{now_ms, open_sqlite};

/// What a companion posts to `POST /v1/batches`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Batch {
    /// Kept as raw JSON so one malformed item is refused alone, and stored
    /// as it came without being written out again.
    #[schema(value_type = Vec<gdc_core::WireSubmission>)]
    pub submissions: Vec<Box<serde_json::value::RawValue>>,
    /// Submission id to the reason a companion's bot heuristic doubted it:
    /// stored with the row, which stays out of the published feed until an
    /// organiser reviews (publishes) it.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub flags: std::collections::BTreeMap<String, String>,
}

/// The central store's answer, one result per submission, in order.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BatchResults {
    pub results: Vec<ItemResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemResult {
    pub id: String,
    pub status: ItemStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<ValidationErrors>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    Accepted,
    Duplicate,
    /// Invalid: retrying cannot help; the companion keeps it as a dead letter.
    Rejected,
}

/// One stored submission with what the central store knows of its arrival.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredRow {
    pub seq: i64,
    pub received_at: String,
    pub companion: String,
    /// Why a bot heuristic doubted it, until an organiser reviews it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<String>,
    pub submission: WireSubmission,
}

/// Published contributions per page.
pub const PAGE_SIZE: usize = 20;
/// The last page a client may ask for: two million contributions on one
/// topic. Larger numbers are refused before any arithmetic is done on them.
pub const MAX_PAGE: usize = 100_000;

/// One published contribution on one topic: what the contributor agreed to
/// show, nothing else (never an email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Published {
    pub id: String,
    pub topic: String,
    /// Question id to text, empty answers left out.
    pub texts: std::collections::BTreeMap<String, String>,
    /// The name or organisation credited, if the contributor chose one.
    pub credit: Option<String>,
    pub country: String,
    pub stakeholder: String,
    pub published_at: String,
}

impl Published {
    fn of(wire: &WireSubmission, answer: &gdc_core::WireAnswer, at: i64) -> Self {
        let who = &wire.submitter;
        let credit = match wire.consent.attribution.as_str() {
            "name" => who.name.clone(),
            "organization" => who.organization.clone(),
            _ => None,
        };
        Self {
            id: wire.id.clone(),
            topic: answer.topic.clone(),
            texts: answer
                .texts
                .iter()
                .filter(|(_, t)| !t.trim().is_empty())
                .map(|(q, t)| (q.clone(), t.clone()))
                .collect(),
            credit,
            country: who.country.clone(),
            stakeholder: who.stakeholder.clone(),
            published_at: rfc3339(at),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PublishedPage {
    pub topic: String,
    pub page: usize,
    pub items: Vec<Published>,
    pub has_more: bool,
}

/// The central store's schema, one step per version (`PRAGMA
/// user_version`); the first adopts a database made before versions.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS submissions (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        consultation TEXT NOT NULL,
        site TEXT NOT NULL,
        companion TEXT NOT NULL,
        body TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        published_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS submissions_published ON submissions(published_at)
        WHERE published_at IS NOT NULL;",
    // 2: flagged by a companion's bot heuristic, until reviewed.
    "ALTER TABLE submissions ADD COLUMN flag TEXT;",
];

/// SQLite-backed central store.
#[derive(Debug, Clone)]
pub struct CentralStore {
    conn: Arc<Mutex<Connection>>,
    /// A connection of its own for the published feed, which anyone may
    /// read in a loop: under WAL it reads beside batch intake, never
    /// waiting on its lock.
    reader: Arc<Mutex<Connection>>,
}

impl CentralStore {
    pub fn open(path: &Path) -> rusqlite::Result<Self> {
        let mut conn = open_sqlite(path)?;
        crate::outbox::migrate(&mut conn, MIGRATIONS)?;
        let reader = open_sqlite(path)?;
        Ok(Self { conn: Arc::new(Mutex::new(conn)), reader: Arc::new(Mutex::new(reader)) })
    }

    /// Opens an existing store for reading only (the export command).
    pub fn open_read_only(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            anyhow::bail!("no central store at {}", path.display());
        }
        Ok(Self::open(path)?)
    }

    /// Validates and stores a batch in one transaction. Each item gets its
    /// own result; a repeated id changes nothing.
    pub async fn insert_batch(&self, companion: String, batch: Batch) -> anyhow::Result<BatchResults> {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = lock(&conn);
            insert_batch(&mut conn, &companion, batch)
        })
        .await?
    }

    /// Publishes (or withdraws) submissions by id. Only a contributor who
    /// chose `publish` can be published; the others are refused by name.
    pub fn set_published(&self, ids: &[String], publish: bool) -> anyhow::Result<Vec<String>> {
        let conn = lock(&self.conn);
        let mut refused = Vec::new();
        for id in ids {
            let body: Option<String> =
                conn.query_row("SELECT body FROM submissions WHERE id = ?1", [id], |r| r.get(0)).ok();
            let Some(body) = body else {
                refused.push(format!("{id}: no such submission"));
                continue;
            };
            let wire: WireSubmission = serde_json::from_str(&body)?;
            if publish && !wire.consent.publish {
                refused.push(format!("{id}: the contributor did not agree to publication"));
                continue;
            }
            let at = publish.then(now_ms);
            // Publishing is the organiser's review: it clears a bot flag.
            conn.execute(
                "UPDATE submissions SET published_at = ?2, flag = CASE WHEN ?2 IS NULL THEN flag END WHERE id = ?1",
                params![id, at],
            )?;
        }
        Ok(refused)
    }

    /// Published contributions on `topic`, newest first, `page` from 1 to
    /// [`MAX_PAGE`].
    pub fn published(&self, topic: &str, page: usize) -> anyhow::Result<PublishedPage> {
        let page = page.clamp(1, MAX_PAGE);
        let conn = lock(&self.reader);
        let mut stmt = conn.prepare_cached(
            "SELECT body, published_at FROM submissions WHERE published_at IS NOT NULL AND flag IS NULL
             ORDER BY published_at DESC, seq DESC",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut matching = Vec::new();
        for row in rows {
            let (body, at) = row?;
            let wire: WireSubmission = serde_json::from_str(&body)?;
            if let Some(answer) = wire.answers.iter().find(|a| a.topic == topic) {
                matching.push(Published::of(&wire, answer, at));
            }
        }
        // Within bounds by the clamp above: at most 10^5 * 20.
        let start = (page - 1) * PAGE_SIZE;
        let has_more = matching.len() > start + PAGE_SIZE;
        let items = matching.into_iter().skip(start).take(PAGE_SIZE).collect();
        Ok(PublishedPage { topic: topic.to_owned(), page, items, has_more })
    }

    /// Every stored submission in arrival order.
    pub fn rows(&self) -> anyhow::Result<Vec<StoredRow>> {
        let conn = lock(&self.conn);
        let mut stmt = conn.prepare("SELECT seq, received_at, companion, body, flag FROM submissions ORDER BY seq")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?))
        })?;
        rows.map(|row| {
            let (seq, at, companion, body, flag) = row?;
            Ok(StoredRow { seq, received_at: rfc3339(at), companion, flag, submission: serde_json::from_str(&body)? })
        })
        .collect()
    }
}

/// The connection, even after a panic elsewhere while it was held: SQLite
/// rolls back an unfinished transaction, so the data is consistent, and one
/// panic must not fail every later request (a poisoned lock did).
fn lock(conn: &Mutex<Connection>) -> std::sync::MutexGuard<'_, Connection> {
    conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn rfc3339(ms: i64) -> String {
    let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms.max(0) as u64);
    humantime::format_rfc3339_millis(t).to_string()
}

/// Just the id of an item that is not a valid submission, to report on it.
#[derive(Deserialize)]
struct IdOnly {
    #[serde(default)]
    id: String,
}

/// One batch item as the central store reads it: the id it names (as sent,
/// to answer about it; empty if there is none) and the valid submission or
/// why it is not one.
pub fn parse_item(text: &str) -> (String, Result<Submission, ValidationErrors>) {
    let wire = serde_json::from_str::<WireSubmission>(text);
    let id = match &wire {
        Ok(w) => w.id.clone(),
        Err(_) => serde_json::from_str::<IdOnly>(text).map(|i| i.id).unwrap_or_default(),
    };
    let parsed = wire
        .map_err(|e| ValidationErrors(vec![crate::intake::malformed_field("submission", &e.to_string())]))
        .and_then(|wire| Submission::parse(wire, Rules::default()));
    (id, parsed)
}

fn insert_batch(conn: &mut Connection, companion: &str, batch: Batch) -> anyhow::Result<BatchResults> {
    let tx = conn.transaction()?;
    let mut results = Vec::with_capacity(batch.submissions.len());
    {
        let now = now_ms();
        let mut insert = tx.prepare_cached(
            "INSERT INTO submissions (id, consultation, site, companion, body, received_at, flag)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING",
        )?;
        for raw in batch.submissions {
            let text = raw.get();
            let (id, parsed) = parse_item(text);
            let result = match parsed {
                Ok(sub) => {
                    let wire = sub.wire();
                    let flag = batch.flags.get(&wire.id);
                    let n =
                        insert.execute(params![wire.id, wire.consultation, wire.site, companion, text, now, flag])?;
                    let status = if n == 1 { ItemStatus::Accepted } else { ItemStatus::Duplicate };
                    ItemResult { id, status, errors: None }
                }
                Err(errors) => ItemResult { id, status: ItemStatus::Rejected, errors: Some(errors) },
            };
            results.push(result);
        }
    }
    tx.commit()?;
    Ok(BatchResults { results })
}

/// Writes rows as JSON Lines: one stored submission per line.
pub fn write_jsonl(rows: &[StoredRow], out: &mut impl std::io::Write) -> anyhow::Result<()> {
    for row in rows {
        serde_json::to_writer(&mut *out, row)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes rows as CSV: one line per (submission, topic), one column per
/// question of the consultation. Cells a spreadsheet would run as a formula
/// are prefixed with `'` so an export cannot execute anything.
pub fn write_csv(rows: &[StoredRow], out: &mut impl std::io::Write) -> anyhow::Result<()> {
    let questions = gdc_core::GDC_2023.questions;
    let mut w = csv::Writer::from_writer(out);
    let mut header = vec![
        "id",
        "received_at",
        "companion",
        "consultation",
        "site",
        "lang",
        "kind",
        "stakeholder",
        "country",
        "name",
        "organization",
        "email",
        "event_title",
        "event_date",
        "event_participants",
        "publish",
        "attribution",
        "contact",
        "topic",
    ];
    header.extend(questions.iter().map(|q| q.id));
    header.push("flag");
    w.write_record(&header)?;
    for row in rows {
        let s = &row.submission;
        let who = &s.submitter;
        let event = who.event.as_ref();
        for answer in &s.answers {
            let mut record: Vec<String> = vec![
                s.id.clone(),
                row.received_at.clone(),
                row.companion.clone(),
                s.consultation.clone(),
                s.site.clone(),
                s.lang.clone(),
                who.kind.clone(),
                who.stakeholder.clone(),
                who.country.clone(),
                who.name.clone().unwrap_or_default(),
                who.organization.clone().unwrap_or_default(),
                who.email.clone().unwrap_or_default(),
                event.map(|e| e.title.clone()).unwrap_or_default(),
                event.map(|e| e.date.clone()).unwrap_or_default(),
                event.map(|e| e.participants.to_string()).unwrap_or_default(),
                s.consent.publish.to_string(),
                s.consent.attribution.clone(),
                s.consent.contact.to_string(),
                answer.topic.clone(),
            ];
            record.extend(questions.iter().map(|q| answer.texts.get(q.id).cloned().unwrap_or_default()));
            record.push(row.flag.clone().unwrap_or_default());
            w.write_record(record.iter().map(|c| defuse_formula(c).into_owned()))?;
        }
    }
    w.flush()?;
    Ok(())
}

fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}").into() } else { cell.into() }
}

#[cfg(test)]
mod tests {
    use super::defuse_formula;

    #[test]
    fn cells_that_look_like_formulas_are_defused() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("plain"), "plain");
    }
}

/// HTTP side of the central store.
pub mod api {
    use axum::Json;
    use axum::extract::rejection::QueryRejection;
    use axum::extract::{Query, State};
    use axum::http::{HeaderMap, header};
    use axum::response::{IntoResponse, Response};
    use serde::Deserialize;
    use utoipa::openapi::Required;
    use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};

    use super::{Batch, BatchResults};
    use crate::AppState;
    use crate::error::ApiError;

    fn bearer(headers: &HeaderMap) -> Option<&str> {
        headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ")
    }

    /// Largest batch a companion may post.
    pub const MAX_BATCH_BYTES: usize = 64 * 1024 * 1024;

    /// `POST /v1/batches`: a companion hands over submissions. The bearer
    /// token is checked before a byte of the body is read: anyone can send
    /// 64 MiB, only companions make us hold it in memory.
    #[utoipa::path(
        post,
        path = "/v1/batches",
        tag = "central store",
        summary = "Submissions forwarded by a companion; idempotent by id",
        security(("bearer" = [])),
        request_body(content = super::Batch, content_type = "application/json"),
        responses(
            (status = 200, description = "One result per submission, in order", body = BatchResults),
            (status = 400, description = "The body could not be read", body = crate::error::ErrorBody),
            (status = 401, description = "No or wrong companion token (checked before the body is read)", body = crate::error::ErrorBody),
            (status = 408, description = "The body did not arrive in time", body = crate::error::ErrorBody),
            (status = 413, description = "Batch over 64 MiB: send fewer at a time", body = crate::error::ErrorBody),
            (status = 415, description = "Not `application/json`", body = crate::error::ErrorBody),
            (status = 422, description = "Not a batch", body = crate::error::ErrorBody),
            (status = 503, description = "Storage unavailable: nothing was stored", body = crate::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        )
    )]
    pub async fn receive_batch(
        State(state): State<AppState>,
        request: axum::extract::Request,
    ) -> Result<Json<BatchResults>, ApiError> {
        let store = state.central.as_ref().ok_or(ApiError::NotFound)?;
        let (parts, body) = request.into_parts();
        let headers = &parts.headers;
        let token = bearer(&headers).ok_or(ApiError::Unauthorized)?;
        let companion =
            state.companions.iter().find(|c| c.token.matches(token)).ok_or(ApiError::Unauthorized)?.name.clone();
        crate::intake::require_json(headers)?;
        let body = crate::intake::read_body(headers, body, MAX_BATCH_BYTES, state.body_timeout).await?;
        let batch: Batch = serde_json::from_slice(&body)
            .map_err(|e| ApiError::Malformed { field: "submissions".into(), message: e.to_string() })?;
        let results = store.insert_batch(companion, batch).await.map_err(|e| {
            tracing::error!(error = %e, "central store could not write a batch");
            ApiError::Unavailable { reason: "storage", retry_after_secs: 2 }
        })?;
        for item in &results.results {
            let result = match item.status {
                super::ItemStatus::Accepted => "accepted",
                super::ItemStatus::Duplicate => "duplicate",
                super::ItemStatus::Rejected => "rejected",
            };
            state.metrics.central_items.get_or_create(&crate::metrics::ResultLabel { result }).inc();
        }
        Ok(Json(results))
    }

    #[derive(Debug, Deserialize)]
    pub struct PublishedQuery {
        topic: String,
        #[serde(default)]
        page: Option<usize>,
    }

    /// Written out: utoipa's derive leaves a `schema_with` parameter optional.
    impl utoipa::IntoParams for PublishedQuery {
        fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
            let page = utoipa::openapi::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::Integer)
                .minimum(Some(1))
                .maximum(Some(super::MAX_PAGE as u64));
            vec![
                ParameterBuilder::new()
                    .name("topic")
                    .parameter_in(ParameterIn::Query)
                    .required(Required::True)
                    .description(Some("The topic."))
                    .schema(Some(gdc_core::openapi::topic()))
                    .build(),
                ParameterBuilder::new()
                    .name("page")
                    .parameter_in(ParameterIn::Query)
                    .description(Some("The page, from 1; 20 contributions a page."))
                    .schema(Some(page))
                    .build(),
            ]
        }
    }

    /// `GET /v1/contributions?topic=…&page=…`: published contributions,
    /// from this process's central store or the companion's central store.
    #[utoipa::path(
        get,
        path = "/v1/contributions",
        tag = "companion",
        summary = "Published contributions on a topic, newest first (moderated)",
        params(PublishedQuery),
        responses(
            (status = 200, description = "A page of contributions, texts as typed (escape them)",
                body = super::PublishedPage),
            (status = 400, description = "Unknown topic, or a page out of range", body = crate::error::ErrorBody),
            (status = 429, description = "Too many reads from this client", body = crate::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
            (status = 503, description = "The central store is unreachable", body = crate::error::ErrorBody, headers(("Retry-After" = u64, description = "Seconds to wait"))),
        )
    )]
    pub async fn contributions(
        State(state): State<AppState>,
        query: Result<Query<PublishedQuery>, QueryRejection>,
    ) -> Result<Response, ApiError> {
        let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        if gdc_core::GDC_2023.topic(&q.topic).is_none() {
            return Err(ApiError::BadRequest(format!("unknown topic {:?}", q.topic)));
        }
        let page = q.page.unwrap_or(1);
        if !(1..=super::MAX_PAGE).contains(&page) {
            return Err(ApiError::BadRequest(format!("page must be from 1 to {}", super::MAX_PAGE)));
        }
        let compute = async {
            match (&state.central, &state.central_url) {
                (Some(store), _) => {
                    let store = store.clone();
                    let topic = q.topic.clone();
                    tokio::task::spawn_blocking(move || store.published(&topic, page))
                        .await
                        .unwrap_or_else(|e| Err(anyhow::anyhow!("published contributions task failed: {e}")))
                }
                (None, Some(base)) => fetch_published(&state, base, &q.topic, page).await,
                (None, None) => Err(anyhow::anyhow!("no central store configured")),
            }
        };
        // A companion asks the central store over the network: it keeps the
        // answer a moment, so a busy page costs the central store little.
        let result = if state.central.is_some() {
            compute.await
        } else {
            state.published.get_or_try((q.topic.clone(), page), compute).await
        };
        let page = result.map_err(|e| {
            tracing::warn!(error = %e, "published contributions unavailable");
            ApiError::Unavailable { reason: "central store unreachable", retry_after_secs: 30 }
        })?;
        Ok(([(header::CACHE_CONTROL, "public, max-age=60")], Json(page)).into_response())
    }

    async fn fetch_published(
        state: &AppState,
        base: &str,
        topic: &str,
        page: usize,
    ) -> anyhow::Result<super::PublishedPage> {
        let url = format!("{}/v1/contributions", base.trim_end_matches('/'));
        let response = state.http.get(url).query(&[("topic", topic), ("page", &page.to_string())]).send().await?;
        Ok(response.error_for_status()?.json().await?)
    }

    #[derive(Debug, Deserialize, utoipa::IntoParams)]
    #[into_params(parameter_in = Query)]
    pub struct ExportQuery {
        /// `jsonl` (the default) or `csv`.
        #[serde(default)]
        #[param(pattern = "^(jsonl|csv)$")]
        format: Option<String>,
    }

    /// `GET /v1/export?format=jsonl|csv`, for organisers with the admin token.
    #[utoipa::path(
        get,
        path = "/v1/export",
        tag = "central store",
        summary = "Everything stored, for organisers",
        security(("bearer" = [])),
        params(ExportQuery),
        responses(
            (status = 200, description = "JSON Lines or CSV", content_type = "application/jsonl"),
            (status = 400, description = "Unknown format", body = crate::error::ErrorBody),
            (status = 401, description = "No or wrong admin token", body = crate::error::ErrorBody),
        )
    )]
    pub async fn export(
        State(state): State<AppState>,
        headers: HeaderMap,
        query: Result<Query<ExportQuery>, QueryRejection>,
    ) -> Result<Response, ApiError> {
        let store = state.central.as_ref().ok_or(ApiError::NotFound)?;
        let admin = state.admin_token.as_ref().ok_or(ApiError::Unauthorized)?;
        if !bearer(&headers).is_some_and(|t| admin.matches(t)) {
            return Err(ApiError::Unauthorized);
        }
        let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
        let format = q.format.as_deref().unwrap_or("jsonl");
        let store = store.clone();
        let rows = tokio::task::spawn_blocking(move || store.rows()).await.map_err(|_| ApiError::Internal)?;
        let rows = rows.map_err(|e| {
            tracing::error!(error = %e, "export failed");
            ApiError::Internal
        })?;
        let mut out = Vec::new();
        let content_type = match format {
            "jsonl" => {
                super::write_jsonl(&rows, &mut out).map_err(|_| ApiError::Internal)?;
                "application/jsonl; charset=utf-8"
            }
            "csv" => {
                super::write_csv(&rows, &mut out).map_err(|_| ApiError::Internal)?;
                "text/csv; charset=utf-8"
            }
            other => {
                return Err(ApiError::BadRequest(format!("unknown export format {other:?}; use jsonl or csv")));
            }
        };
        Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], out).into_response())
    }
}
