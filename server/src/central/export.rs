//! What organisers take away: every stored submission as JSON Lines or CSV,
//! over HTTP with the admin token or from the command line.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::CentralState;
use super::sqlite::StoredRow;
use crate::http::bearer;
use crate::http::error::ApiError;

/// Writes rows as JSON Lines: one stored submission per line.
pub fn write_jsonl(rows: &[StoredRow], out: &mut impl std::io::Write) -> std::io::Result<()> {
    for row in rows {
        serde_json::to_writer(&mut *out, row)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Writes rows as CSV: one line per (submission, topic), one column per
/// question of the consultation. Cells a spreadsheet would run as a formula
/// are prefixed with `'` so an export cannot execute anything.
pub fn write_csv(rows: &[StoredRow], out: &mut impl std::io::Write) -> std::io::Result<()> {
    let questions = gdc_core::consultation::all_questions();
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
    header.extend(questions.iter().copied());
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
            record.extend(questions.iter().map(|q| answer.texts.get(*q).cloned().unwrap_or_default()));
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
        (status = 400, description = "Unknown format", body = crate::http::error::ErrorBody),
        (status = 401, description = "No or wrong admin token", body = crate::http::error::ErrorBody),
    )
)]
pub async fn export(
    State(central): State<CentralState>,
    headers: HeaderMap,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let store = &central.store;
    let admin = central.admin_token.as_ref().ok_or(ApiError::Unauthorized)?;
    if !bearer(&headers).is_some_and(|t| admin.matches(t)) {
        return Err(ApiError::Unauthorized);
    }
    let Query(q) = query.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let format = q.format.as_deref().unwrap_or("jsonl");
    let rows = super::storage::all_rows(store).await.map_err(|e| {
        tracing::error!(error = %e, "export failed");
        ApiError::Internal
    })?;
    let mut out = Vec::new();
    let content_type = match format {
        "jsonl" => {
            write_jsonl(&rows, &mut out).map_err(|_| ApiError::Internal)?;
            "application/jsonl; charset=utf-8"
        }
        "csv" => {
            write_csv(&rows, &mut out).map_err(|_| ApiError::Internal)?;
            "text/csv; charset=utf-8"
        }
        other => {
            return Err(ApiError::BadRequest(format!("unknown export format {other:?}; use jsonl or csv")));
        }
    };
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-store")], out).into_response())
}
