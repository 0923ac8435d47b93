//! What organisers take away: the stored submissions as JSON Lines or CSV,
//! over HTTP with the admin token or from the command line, streamed a
//! slice of rows at a time (memory stays flat however many rows there are),
//! from the start or after a row (`since`, for incremental pulls). An email
//! address leaves the store only when its contributor agreed to be written
//! to (`consent.contact`). The columns are documented in `docs/export.md`.

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::CentralState;
use super::sqlite::StoredRow;
use super::storage::{CentralStore, row_slices};
use crate::http::error::ApiError;
use crate::storage::StorageError;

/// How the export is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One stored row per line, as JSON.
    Jsonl,
    /// One line per (submission, topic); `bom` starts the file with a UTF-8
    /// byte-order mark, which spreadsheet programs need to read it as UTF-8.
    Csv { bom: bool },
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Jsonl => "application/jsonl; charset=utf-8",
            Self::Csv { .. } => "text/csv; charset=utf-8",
        }
    }
}

/// The columns of the CSV export, in order: stable, documented in
/// `docs/export.md`; new ones are only ever added at the end.
pub fn csv_header() -> Vec<&'static str> {
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
    header.extend(gdc_core::consultation::all_questions());
    header.extend(["flag", "seq"]);
    header
}

/// A row as it may leave the store: without the email of a contributor
/// who did not agree to be written to.
fn with_consent(mut row: StoredRow) -> StoredRow {
    if !row.submission.consent.contact {
        row.submission.submitter.email = None;
    }
    row
}

/// Writes one slice of rows; the first slice (`first`) also gets the CSV's
/// byte-order mark and header.
pub fn write_slice(rows: Vec<StoredRow>, format: Format, first: bool, out: &mut Vec<u8>) -> std::io::Result<()> {
    match format {
        Format::Jsonl => {
            for row in rows.into_iter().map(with_consent) {
                serde_json::to_writer(&mut *out, &row)?;
                out.push(b'\n');
            }
        }
        Format::Csv { bom } => {
            if first && bom {
                out.extend_from_slice("\u{feff}".as_bytes());
            }
            let mut w = csv::WriterBuilder::new().has_headers(false).from_writer(&mut *out);
            if first {
                w.write_record(csv_header())?;
            }
            let questions = gdc_core::consultation::all_questions();
            for row in rows.into_iter().map(with_consent) {
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
                    record.extend(questions.iter().map(|q| answer.texts.get(*q).cloned().unwrap_or_default()));
                    record.push(row.flag.clone().unwrap_or_default());
                    record.push(row.seq.to_string());
                    w.write_record(record.iter().map(|c| defuse_formula(c).into_owned()))?;
                }
            }
            w.flush()?;
        }
    }
    Ok(())
}

/// The export of every row after `since`, as chunks of bytes, one per
/// slice of rows: what the HTTP response streams and the command writes.
fn chunks(
    store: CentralStore,
    since: i64,
    format: Format,
) -> impl futures::Stream<Item = std::io::Result<Bytes>> + Send {
    use futures::StreamExt;
    row_slices(store, since).enumerate().map(move |(i, rows)| {
        let mut chunk = Vec::new();
        write_slice(rows.map_err(stream_error)?, format, i == 0, &mut chunk)?;
        Ok(Bytes::from(chunk))
    })
}

/// Writes every row after `since` to `out`, a slice at a time.
pub async fn write_all(
    store: &CentralStore,
    since: i64,
    format: Format,
    mut out: impl std::io::Write,
) -> anyhow::Result<()> {
    use futures::StreamExt;
    let mut chunks = std::pin::pin!(chunks(store.clone(), since, format));
    while let Some(chunk) = chunks.next().await {
        out.write_all(&chunk?)?;
    }
    Ok(out.flush()?)
}

/// A cell a spreadsheet would run as a formula gets a `'` in front, so an
/// export cannot execute anything; so does a cell that already starts with
/// `'`, which keeps the change reversible ([`restore_formula`]).
pub fn defuse_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) { format!("'{cell}").into() } else { cell.into() }
}

/// A defused cell as it was written: the exact inverse of [`defuse_formula`].
pub fn restore_formula(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r', '\'']) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::{defuse_formula, restore_formula};

    #[test]
    fn cells_that_look_like_formulas_are_defused_reversibly() {
        assert_eq!(defuse_formula("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(defuse_formula("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse_formula("plain"), "plain");
        for cell in ["=1+1", "'=1+1", "''", "'", "'plain", "-5", "plain", "", "a=b", "\t\r"] {
            assert_eq!(restore_formula(&defuse_formula(cell)), cell, "{cell:?}");
            assert!(!defuse_formula(cell).starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?}");
        }
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `jsonl` (the default) or `csv`.
    #[serde(default)]
    #[param(pattern = "^(jsonl|csv)$")]
    format: Option<String>,
    /// Only rows stored after the row with this `seq` (each row's `seq` is
    /// in the export): for incremental pulls. Default 0, every row.
    #[serde(default)]
    #[param(minimum = 0)]
    since: Option<i64>,
    /// CSV only: start with a UTF-8 byte-order mark, for spreadsheet
    /// programs that otherwise read the file in a local code page.
    #[serde(default)]
    bom: Option<bool>,
}

/// `GET /v1/export?format=jsonl|csv&since=N&bom=true`, for organisers with
/// the admin token, streamed.
#[utoipa::path(
    get,
    path = "/v1/export",
    tag = "central store",
    summary = "What is stored, streamed, for organisers",
    security(("bearer" = [])),
    params(ExportQuery),
    responses(
        (status = 200, description = "JSON Lines or CSV", content_type = "application/jsonl"),
        (status = 400, description = "Unknown format, or a negative `since`", body = crate::http::error::ErrorBody),
        (status = 401, description = "No or wrong admin token", body = crate::http::error::ErrorBody),
        (status = 429, description = "Too many requests from this client", body = crate::http::error::ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    )
)]
pub async fn export(
    State(central): State<CentralState>,
    headers: HeaderMap,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    central.require_admin(&headers)?;
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let format = match q.format.as_deref().unwrap_or("jsonl") {
        "jsonl" => Format::Jsonl,
        "csv" => Format::Csv { bom: q.bom.unwrap_or(false) },
        other => return Err(ApiError::BadRequest(format!("unknown export format {other:?}; use jsonl or csv"))),
    };
    let since = q.since.unwrap_or(0);
    if since < 0 {
        return Err(ApiError::BadRequest("since must be a row's seq, 0 or more".into()));
    }
    Ok((
        [(header::CONTENT_TYPE, format.content_type()), (header::CACHE_CONTROL, "no-store")],
        Body::from_stream(chunks(central.store.clone(), since, format)),
    )
        .into_response())
}

/// A storage failure in the middle of an export: over HTTP the status is
/// sent, so the stream ends with an error and the client sees a cut
/// connection, never a silently short file; the command fails.
fn stream_error(e: StorageError) -> std::io::Error {
    tracing::error!(error = %e, "export failed midway");
    std::io::Error::other(e.to_string())
}
