//! `docs/api.md`: the HTTP API reference, generated from the OpenAPI
//! document the server serves (`crate::openapi::document()`): each
//! operation with its summary, parameters, request body and responses,
//! grouped by tag in the document's order, then every schema it names.
//!
//! The document is read into [`Json`], which keeps the order of object
//! keys (`serde_json::Value` sorts them), so fields appear as the code
//! declares them.

use std::fmt::Write as _;

use super::json::Json;
use super::{cell, generated_notice};

/// The API reference, as Markdown.
pub fn api_reference() -> String {
    let doc: Json = serde_json::from_str(crate::openapi::document()).expect("the OpenAPI document is JSON");
    let mut out = String::from("# HTTP API reference\n\n");
    out.push_str(&generated_notice("the OpenAPI document (`GET /v1/openapi.json`)"));
    let info = doc.get("info");
    let _ = write!(
        out,
        "\n{} version {}, OpenAPI {}. {}\n\nThe document itself is served at `GET /v1/openapi.json`.\n\n",
        info.str("title"),
        info.str("version"),
        doc.str("openapi"),
        info.str("description").trim()
    );
    if let Some(schemes) = doc.get("components").get("securitySchemes").entries() {
        for (name, scheme) in schemes {
            let _ = writeln!(
                out,
                "Operations whose authentication is *{name}* need the header `Authorization: Bearer <token>` \
                 (scheme `{}`, type `{}`); which token each takes is in its `401` answer.",
                scheme.str("scheme"),
                scheme.str("type")
            );
        }
    }

    let mut operations = operations(&doc);
    // By tag (the document lists none of its own, so alphabetically), and
    // in the document's order within a tag.
    operations.sort_by_key(|o| o.tag);
    let mut tags: Vec<&str> = operations.iter().map(|o| o.tag).collect();
    tags.dedup();
    out.push_str("\n## Operations\n\n| operation | tag | summary |\n|---|---|---|\n");
    for op in &operations {
        let title = op.title();
        let _ = writeln!(out, "| [`{title}`](#{}) | {} | {} |", slug(&title), op.tag, cell(op.body.str("summary")));
    }
    for tag in tags {
        let _ = write!(out, "\n## {tag}\n");
        for op in operations.iter().filter(|o| o.tag == tag) {
            operation(&mut out, op);
        }
    }

    out.push_str("\n## Schemas\n");
    for (name, schema) in doc.get("components").get("schemas").entries().unwrap_or_default() {
        component(&mut out, name, schema);
    }
    out
}

/// One operation: a method on a path.
struct Operation<'a> {
    method: &'a str,
    path: &'a str,
    tag: &'a str,
    body: &'a Json,
}

impl Operation<'_> {
    fn title(&self) -> String {
        format!("{} {}", self.method.to_ascii_uppercase(), self.path)
    }
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn operations(doc: &Json) -> Vec<Operation<'_>> {
    let mut found = Vec::new();
    for (path, item) in doc.get("paths").entries().unwrap_or_default() {
        for (method, body) in item.entries().unwrap_or_default() {
            if METHODS.contains(&method.as_str()) {
                let tag = body.get("tags").items().first().map_or("other", |t| t.as_str().unwrap_or("other"));
                found.push(Operation { method, path, tag, body });
            }
        }
    }
    found
}

fn operation(out: &mut String, op: &Operation<'_>) {
    let body = op.body;
    let _ = write!(out, "\n### `{}`\n\n{}\n", op.title(), sentence(body.str("summary")));
    if !body.str("description").is_empty() {
        let _ = write!(out, "\n{}\n", body.str("description").trim());
    }
    let security: Vec<&str> = body
        .get("security")
        .items()
        .iter()
        .flat_map(|s| s.entries().unwrap_or_default())
        .map(|(k, _)| k.as_str())
        .collect();
    if !security.is_empty() {
        let _ = write!(out, "\nAuthentication: *{}*.\n", security.join("*, *"));
    }
    let parameters = body.get("parameters").items();
    if !parameters.is_empty() {
        out.push_str("\n| parameter | in | required | type | description |\n|---|---|---|---|---|\n");
        for p in parameters {
            let required = if p.get("required").as_bool() { "yes" } else { "no" };
            let _ = writeln!(
                out,
                "| `{}` | {} | {required} | {} | {} |",
                p.str("name"),
                p.str("in"),
                cell(&kind(p.get("schema"))),
                cell(p.str("description"))
            );
        }
    }
    let request = body.get("requestBody");
    if let Some(content) = request.get("content").entries() {
        let required = if request.get("required").as_bool() { "required" } else { "optional" };
        let _ = write!(out, "\nRequest body ({required}): {}.\n", media(content));
        if !request.str("description").is_empty() {
            let _ = writeln!(out, "{}", request.str("description").trim());
        }
    }
    out.push_str("\n| status | meaning | body |\n|---|---|---|\n");
    for (status, response) in body.get("responses").entries().unwrap_or_default() {
        let mut meaning = response.str("description").to_owned();
        for (header, h) in response.get("headers").entries().unwrap_or_default() {
            meaning = format!("{} Header `{header}`: {}", sentence(&meaning), sentence(h.str("description")));
        }
        let content = response.get("content").entries().unwrap_or_default();
        let shown = if content.is_empty() { "—".to_owned() } else { media(content) };
        let _ = writeln!(out, "| {status} | {} | {} |", cell(&meaning), cell(&shown));
    }
}

/// The media types of a body, each with its schema.
fn media(content: &[(String, Json)]) -> String {
    content
        .iter()
        .map(|(media, c)| match c.get("schema") {
            Json::Null => format!("`{media}`"),
            schema => format!("`{media}`: {}", kind(schema)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A component schema: what it is, and its fields.
fn component(out: &mut String, name: &str, schema: &Json) {
    let _ = write!(out, "\n### `{name}`\n\n");
    if !schema.str("description").is_empty() {
        let _ = write!(out, "{}\n\n", schema.str("description").trim());
    }
    let mut rows = Vec::new();
    fields(schema, "", &mut rows);
    if rows.is_empty() {
        let _ = writeln!(out, "{}", sentence(&kind(schema)));
        return;
    }
    if schema.get("additionalProperties") == &Json::Bool(false) {
        out.push_str("No other field is accepted.\n\n");
    }
    out.push_str("| field | type | required | description |\n|---|---|---|---|\n");
    for (field, kind, required, description) in rows {
        let _ = writeln!(out, "| `{field}` | {} | {required} | {} |", cell(&kind), cell(&description));
    }
}

/// The fields of an object schema, and of the objects inside it written in
/// place (`answers[].topic`), as (path, type, required, description).
fn fields(schema: &Json, prefix: &str, rows: &mut Vec<(String, String, &'static str, String)>) {
    let required: Vec<&str> = schema.get("required").items().iter().filter_map(Json::as_str).collect();
    for (name, field) in schema.get("properties").entries().unwrap_or_default() {
        let path = format!("{prefix}{name}");
        let is_required = if required.contains(&name.as_str()) { "yes" } else { "no" };
        rows.push((path.clone(), kind(field), is_required, field.str("description").to_owned()));
        let items = field.get("items");
        if field.get("properties").entries().is_some() {
            fields(field, &format!("{path}."), rows);
        } else if items.get("properties").entries().is_some() {
            let note = items.str("description");
            let last = rows.last_mut().expect("just pushed");
            last.3 = format!("{} {note}", last.3).trim().to_owned();
            fields(items, &format!("{path}[]."), rows);
        }
    }
}

/// A schema's type in words, with its constraints; references link to
/// their schema.
fn kind(schema: &Json) -> String {
    if let Some(target) = schema.str_opt("$ref") {
        let name = target.rsplit('/').next().unwrap_or(target);
        return format!("[`{name}`](#{})", slug(&format!("`{name}`")));
    }
    for combinator in ["oneOf", "anyOf"] {
        let variants = schema.get(combinator).items();
        if !variants.is_empty() {
            let mut kinds: Vec<String> = variants.iter().filter(|v| v.str("type") != "null").map(kind).collect();
            if variants.iter().any(|v| v.str("type") == "null") {
                kinds.push("null".to_owned());
            }
            return kinds.join(" or ");
        }
    }
    let types: Vec<&str> = match schema.get("type") {
        Json::String(t) => vec![t.as_str()],
        Json::Array(ts) => ts.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    let main = types.iter().copied().find(|t| *t != "null").unwrap_or("any");
    let mut words = match main {
        "array" => format!("array of {}", kind(schema.get("items"))),
        "object" if schema.get("additionalProperties").entries().is_some() => {
            format!("map of string to {}", kind(schema.get("additionalProperties")))
        }
        other => other.to_owned(),
    };
    let mut limits = Vec::new();
    let values = schema.get("enum").items();
    match values.len() {
        0 => {}
        n if n > 20 => limits.push(format!("one of {n} values")),
        _ => limits.push(format!("one of {}", values.iter().map(literal).collect::<Vec<_>>().join(", "))),
    }
    for (key, before, after) in [
        ("pattern", "pattern `", "`"),
        ("format", "format ", ""),
        ("minimum", "at least ", ""),
        ("maximum", "at most ", ""),
        ("minLength", "at least ", " characters"),
        ("maxLength", "at most ", " characters"),
        ("minItems", "at least ", " items"),
        ("maxItems", "at most ", " items"),
    ] {
        let value = schema.get(key);
        // Unsigned integers' minimum of 0 and integer widths (`int64`,
        // `uint32`) say nothing to a reader.
        let noise = (key == "minimum" && value.text() == "0")
            || (key == "format" && (value.text().starts_with("int") || value.text().starts_with("uint")));
        if *value != Json::Null && !noise {
            let after = if value.text() == "1" { after.trim_end_matches('s') } else { after };
            limits.push(format!("{before}{}{after}", value.text()));
        }
    }
    if !limits.is_empty() {
        words = format!("{words} ({})", limits.join("; "));
    }
    if types.contains(&"null") {
        words.push_str(" or null");
    }
    words
}

/// An enumeration's value as code: `""` for the empty string.
fn literal(value: &Json) -> String {
    match value {
        Json::String(s) if s.is_empty() => "`\"\"`".to_owned(),
        other => format!("`{}`", other.text()),
    }
}

/// A summary as a sentence: capitalised by the code, ended here.
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() || text.ends_with(['.', '!', '?']) { text.to_owned() } else { format!("{text}.") }
}

/// The anchor GitHub gives a heading: lower case, spaces to hyphens, other
/// punctuation dropped.
fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_document_is_in_the_reference() {
        let reference = api_reference();
        let doc: serde_json::Value = serde_json::from_str(crate::openapi::document()).unwrap();
        let mut count = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let heading = format!("### `{} {path}`", method.to_ascii_uppercase());
                assert!(reference.contains(&heading), "{heading} is missing");
                count += 1;
            }
        }
        assert!(count >= 10, "{count} operations");
        for name in doc["components"]["schemas"].as_object().unwrap().keys() {
            assert!(reference.contains(&format!("### `{name}`")), "schema {name} is missing");
        }
    }

    #[test]
    fn anchors_are_github_s() {
        assert_eq!(slug("`POST /v1/submissions`"), "post-v1submissions");
        assert_eq!(slug("`GET /widget/assets/{file}`"), "get-widgetassetsfile");
        assert_eq!(slug("`WireSubmission`"), "wiresubmission");
    }
}
