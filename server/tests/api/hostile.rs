//! Hostile HTTP: malformed, oversized, slow, oddly spelled and misdirected
//! requests against the real server, as tables of cases. Requests are
//! written as bytes on a raw TCP connection, so a case can send what no
//! well-behaved client would (`..` in a path, a NUL, a body that never
//! comes).
//!
//! Every case checks the exact status (and, for a 422, the field named);
//! and, whatever the case, that the answer is not a 5xx, carries no
//! `Set-Cookie`, is a JSON `ApiError` when it is an error from an API route,
//! never shows a planted secret file, that `/healthz` still answers after it,
//! and that the outbox holds exactly the rows the case should have added.
//! All failures of a table are reported together, one line per case.
//!
//! It is long because it is a table: one line per hostile request and what
//! it must get, which is easier to review in one place than split up.

use std::fmt::Write as _;
use std::fs;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{ADMIN_TOKEN, COMPANION_TOKEN, TestApp, form_token, spawn_app_with, submission};

/// Planted in files just outside the served folders: no answer may contain it.
const SECRET: &str = "HOSTILE-SECRET-7f3a";
/// A hashed asset that exists in the fake `dist/`.
const WASM: &str = "/widget/assets/gdc_widget_bg-0123456789abcdef.wasm";
/// 1 MiB: the intended body limit of `POST /v1/submissions`.
const MIB: usize = 1024 * 1024;

// ---------------------------------------------------------------------------
// Requests as bytes, and what came back.

/// How the body goes out.
#[derive(Debug, Clone, Copy)]
enum Pace {
    /// All at once.
    All,
    /// The head and the first `n` bytes of the body, then nothing.
    Stall(usize),
    /// One byte of the body per interval.
    Trickle(Duration),
}

#[derive(Debug, Clone)]
struct Req {
    method: &'static str,
    /// The request target as sent, byte for byte.
    target: Vec<u8>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// `Content-Length` when it should differ from the body's length.
    declared: Option<usize>,
    pace: Pace,
}

impl Req {
    fn new(method: &'static str, target: impl AsRef<[u8]>) -> Self {
        Self {
            method,
            target: target.as_ref().to_vec(),
            headers: Vec::new(),
            body: Vec::new(),
            declared: None,
            pace: Pace::All,
        }
    }

    fn header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    fn declared(mut self, length: usize) -> Self {
        self.declared = Some(length);
        self
    }

    fn pace(mut self, pace: Pace) -> Self {
        self.pace = pace;
        self
    }

    fn path(&self) -> String {
        let target = String::from_utf8_lossy(&self.target);
        target.split('?').next().unwrap_or_default().to_owned()
    }
}

fn get(target: impl AsRef<[u8]>) -> Req {
    Req::new("GET", target)
}

/// `POST /v1/submissions` as the widget sends it: JSON, a good form token.
fn submit(body: impl Into<Vec<u8>>) -> Req {
    Req::new("POST", "/v1/submissions")
        .header("content-type", "application/json")
        .header("gdc-token", form_token("demo", 60_000))
        .body(body)
}

#[derive(Debug)]
struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    elapsed: Duration,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body, shortened for a failure line.
    fn excerpt(&self) -> String {
        let text = self.text();
        let cut: String = text.chars().take(200).collect();
        let more = if cut.len() < text.len() { "…" } else { "" };
        format!("{cut:?}{more}")
    }
}

/// Sends `req` on a fresh connection and reads the answer until the server
/// closes it or `limit` passes. The body is written by its own task while
/// the answer is read, so an early answer (413, 401) is seen even when the
/// server stops reading; the write half stays open until the answer is in,
/// so the server never sees the client hang up.
async fn send(addr: &str, req: &Req, limit: Duration) -> Result<Resp, String> {
    let start = Instant::now();
    let stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| format!("connect: {e}"))?;
    let (mut reader, mut writer) = stream.into_split();
    let mut head = Vec::new();
    head.extend_from_slice(req.method.as_bytes());
    head.push(b' ');
    head.extend_from_slice(&req.target);
    write!(Buf(&mut head), " HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n").unwrap();
    for (name, value) in &req.headers {
        write!(Buf(&mut head), "{name}: {value}\r\n").unwrap();
    }
    let length = req.declared.unwrap_or(req.body.len());
    if length > 0 || !matches!(req.method, "GET" | "HEAD") {
        write!(Buf(&mut head), "Content-Length: {length}\r\n").unwrap();
    }
    head.extend_from_slice(b"\r\n");
    let (body, pace) = (req.body.clone(), req.pace);
    let writing = tokio::spawn(async move {
        let _ = writer.write_all(&head).await;
        match pace {
            Pace::All => {
                let _ = writer.write_all(&body).await;
            }
            Pace::Stall(n) => {
                let _ = writer.write_all(&body[..n.min(body.len())]).await;
            }
            Pace::Trickle(every) => {
                for byte in &body {
                    if writer.write_all(std::slice::from_ref(byte)).await.is_err() {
                        break;
                    }
                    tokio::time::sleep(every).await;
                }
            }
        }
        // Held open until the test is done with the answer.
        std::future::pending::<()>().await;
        drop(writer);
    });
    let mut raw = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut chunk = vec![0; 64 * 1024];
        loop {
            match reader.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => raw.extend_from_slice(&chunk[..n]),
            }
            if response_complete(&raw) {
                break;
            }
        }
    })
    .await;
    writing.abort();
    let elapsed = start.elapsed();
    if read.is_err() && raw.is_empty() {
        return Err(format!("no answer within {limit:?}"));
    }
    parse_response(&raw, elapsed)
}

/// `write!` into a byte buffer.
struct Buf<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Buf<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
}

fn split_head(raw: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    Some((&raw[..end], &raw[end + 4..]))
}

/// Whether a whole answer with a `Content-Length` has arrived (others are
/// read until the server closes the connection).
fn response_complete(raw: &[u8]) -> bool {
    let Some((head, body)) = split_head(raw) else { return false };
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    head.lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .is_some_and(|n| body.len() >= n)
}

fn parse_response(raw: &[u8], elapsed: Duration) -> Result<Resp, String> {
    let (head, rest) =
        split_head(raw).ok_or_else(|| format!("no complete head: {:?}", String::from_utf8_lossy(raw)))?;
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines();
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line {status_line:?}"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked { dechunk(rest) } else { rest.to_vec() };
    Ok(Resp { status, headers, body, elapsed })
}

fn dechunk(mut rest: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    while let Some(end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = String::from_utf8_lossy(&rest[..end]);
        let Ok(size) = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16) else { break };
        rest = &rest[end + 2..];
        if size == 0 || rest.len() < size {
            body.extend_from_slice(&rest[..size.min(rest.len())]);
            break;
        }
        body.extend_from_slice(&rest[..size]);
        rest = rest.get(size + 2..).unwrap_or_default();
    }
    body
}

// ---------------------------------------------------------------------------
// Cases and the checks every case gets.

#[derive(Debug)]
struct Case {
    name: String,
    req: Req,
    /// Acceptable statuses; one unless a decision allows two.
    status: Vec<u16>,
    /// For a 422: the field the answer must name (any of these).
    fields: Vec<String>,
    code: Option<&'static str>,
    /// Rows the case adds to the outbox.
    stores: usize,
    /// The answer must be complete within this time.
    within: Option<Duration>,
    /// Text the answer's body must not contain.
    lacks: Vec<&'static str>,
}

fn case(name: impl Into<String>, req: Req, status: u16) -> Case {
    Case {
        name: name.into(),
        req,
        status: vec![status],
        fields: Vec::new(),
        code: None,
        stores: 0,
        within: None,
        lacks: Vec::new(),
    }
}

impl Case {
    fn or(mut self, status: u16) -> Self {
        self.status.push(status);
        self
    }

    fn at(mut self, field: impl Into<String>) -> Self {
        self.fields.push(field.into());
        self
    }

    fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    fn stored(mut self) -> Self {
        self.stores = 1;
        self
    }

    fn within(mut self, limit: Duration) -> Self {
        self.within = Some(limit);
        self
    }

    fn lacks(mut self, text: &'static str) -> Self {
        self.lacks.push(text);
        self
    }
}

/// Routes whose errors are `ApiError` JSON (the API table of `lib.rs`, and
/// anything else under `/v1/`).
fn is_api(path: &str) -> bool {
    path.starts_with("/v1/") || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

fn addr(app: &TestApp) -> String {
    app.url.trim_start_matches("http://").to_owned()
}

/// Runs every case, then fails once with one line per failed case.
async fn check_all(app: &TestApp, cases: Vec<Case>) {
    let total = cases.len();
    let mut failures = Vec::new();
    for case in cases {
        let problems = check(app, &case).await;
        if !problems.is_empty() {
            failures.push(format!("- {}: {}", case.name, problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} of {total} hostile cases failed:\n{}", failures.len(), failures.join("\n"));
}

async fn check(app: &TestApp, case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let before = app.outbox_ids().len();
    let limit = case.within.map_or(Duration::from_secs(15), |w| w + Duration::from_secs(3));
    match send(&addr(app), &case.req, limit).await {
        Err(e) => problems.push(e),
        Ok(resp) => check_answer(case, &resp, &mut problems),
    }
    match tokio::time::timeout(Duration::from_secs(5), app.client.get(format!("{}/healthz", app.url)).send()).await {
        Ok(Ok(r)) if r.status() == 200 => {}
        other => problems.push(format!("/healthz after the case: {other:?}")),
    }
    let after = app.outbox_ids().len();
    if after != before + case.stores {
        problems.push(format!("outbox went from {before} to {after} rows (expected +{})", case.stores));
    }
    problems
}

fn check_answer(case: &Case, resp: &Resp, problems: &mut Vec<String>) {
    let got = format!("got {} {:?} {}", resp.status, resp.header("content-type").unwrap_or(""), resp.excerpt());
    if !case.status.contains(&resp.status) {
        problems.push(format!("expected {:?}, {got}", case.status));
    }
    if resp.status >= 500 {
        problems.push("a 5xx for a client's request".to_owned());
    }
    if resp.header("set-cookie").is_some() {
        problems.push("carries Set-Cookie".to_owned());
    }
    if let Some(limit) = case.within
        && resp.elapsed > limit
    {
        problems.push(format!("answered after {:.1} s, expected within {limit:?}", resp.elapsed.as_secs_f64()));
    }
    let text = resp.text();
    for needle in std::iter::once(SECRET).chain(case.lacks.iter().copied()) {
        if text.contains(needle) {
            problems.push(format!("the body contains {needle:?}"));
        }
    }
    if resp.status == 405 && resp.header("allow").is_none() {
        problems.push("a 405 without Allow".to_owned());
    }
    // 414 and 431 come from the HTTP layer, before any route is chosen.
    if resp.status >= 400 && !matches!(resp.status, 414 | 431) && is_api(&case.req.path()) {
        let is_json = resp.header("content-type").is_some_and(|t| t.starts_with("application/json"));
        let body: Option<Value> = serde_json::from_slice(&resp.body).ok();
        let shaped = body.as_ref().is_some_and(|b| b["error"].is_string() && b["message"].is_string());
        if !is_json || !shaped {
            problems.push(format!("not an ApiError JSON answer ({got})"));
        }
    }
    if resp.status == 422 && !case.fields.is_empty() {
        let body: Value = serde_json::from_slice(&resp.body).unwrap_or_default();
        let errors: Vec<(&str, &str)> = body["errors"]
            .as_array()
            .map(|a| a.iter().map(|e| (e["field"].as_str().unwrap_or(""), e["code"].as_str().unwrap_or(""))).collect())
            .unwrap_or_default();
        let named = errors
            .iter()
            .any(|(f, c)| case.fields.iter().any(|want| want == f) && case.code.is_none_or(|want| want == *c));
        if !named {
            problems.push(format!("expected field {:?} code {:?}, got errors {errors:?}", case.fields, case.code));
        }
    }
}

// ---------------------------------------------------------------------------
// The server under test, with a fake `dist/` and site root and secrets
// planted just outside them.

async fn hostile_app(change: impl FnOnce(&mut gdc_server::config::Config)) -> TestApp {
    spawn_app_with(|c| {
        let dist = c.assets_dir.clone();
        let root = dist.parent().unwrap().to_owned();
        let site = root.join("site");
        fs::create_dir_all(dist.join("widget/assets")).unwrap();
        fs::create_dir_all(dist.join("widget/v1")).unwrap();
        fs::create_dir_all(site.join("examples")).unwrap();
        fs::write(dist.join("widget/v1/loader.js"), "/* loader */").unwrap();
        fs::write(dist.join("widget/assets/gdc_widget_bg-0123456789abcdef.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(
            dist.join("embed.html"),
            "<!doctype html><meta name=\"gdc-token\" content=\"__GDC_TOKEN__\">\
             <meta name=\"gdc-allowed-topics\" content=\"__GDC_ALLOWED_TOPICS__\"><div id=gdc-root></div>",
        )
        .unwrap();
        fs::write(dist.join("index.html"), "<!doctype html><title>configurator</title>").unwrap();
        fs::write(site.join("examples/article.html"), "<!doctype html><title>article</title>").unwrap();
        for secret in
            [root.join("Cargo.toml"), dist.join("Cargo.toml"), dist.join("widget/Cargo.toml"), site.join("Cargo.toml")]
        {
            fs::write(secret, SECRET).unwrap();
        }
        c.site_root = Some(site);
        change(c);
    })
    .await
}

/// A `consultation`-kind submission that has every field of the wire
/// contract, so that each can be spoiled in turn.
fn full() -> Value {
    let mut body = submission();
    body["submitter"] = json!({
        "kind": "consultation", "stakeholder": "civil-society", "country": "RW",
        "name": "Amina", "organization": "Youth Forum", "email": "amina@example.org",
        "event": { "title": "Town hall", "date": "2023-03-14", "participants": 40 }
    });
    body["answers"][0]["commitments"] = json!("Open standards");
    body["answers"][0]["comments"] = json!("None");
    body
}

/// `full()` with the value at a JSON pointer replaced.
fn full_with(pointer: &str, value: Value) -> Vec<u8> {
    let mut body = full();
    *body.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}")) = value;
    body.to_string().into_bytes()
}

/// `submission()` as text, with one edit of its serialized form.
fn edited(from: &str, to: &str) -> Vec<u8> {
    let text = submission().to_string();
    assert!(text.contains(from), "{from} is not in {text}");
    text.replacen(from, to, 1).into_bytes()
}

/// The dotted field name of a JSON pointer: `/answers/0/topic` is
/// `answers[0].topic`.
fn field_of(pointer: &str) -> String {
    let mut field = String::new();
    for part in pointer.trim_start_matches('/').split('/') {
        if part.bytes().all(|b| b.is_ascii_digit()) {
            write!(field, "[{part}]").unwrap();
        } else {
            if !field.is_empty() {
                field.push('.');
            }
            field.push_str(part);
        }
    }
    field
}

// ---------------------------------------------------------------------------
// The tables.

#[tokio::test]
async fn malformed_json_gets_422_at_body_or_the_field_it_broke_in() {
    let app = hostile_app(|_| {}).await;
    let valid = submission().to_string();
    let lang_at = valid.find("\"lang\":").unwrap() + "\"lang\":".len();
    let bom = [b"\xEF\xBB\xBF".as_slice(), valid.as_bytes()].concat();
    let cases = vec![
        case("empty body", submit(""), 422).at("body"),
        case("truncated", submit(&valid[..lang_at]), 422).at("body").at("lang"),
        case("trailing garbage", submit(format!("{valid}xyz")), 422).at("body"),
        case("two documents", submit(format!("{valid}{valid}")), 422).at("body"),
        case("byte order mark", submit(bom), 422).at("body"),
        case("block comment", submit(format!("/* hi */{valid}")), 422).at("body"),
        case("line comment", submit(valid.replacen('{', "{// hi\n", 1)), 422).at("body"),
        case("NaN", submit(edited("\"publish\":false", "\"publish\":NaN")), 422).at("body").at("consent.publish"),
        case(
            "Infinity number",
            submit(
                full_with("/submitter/event/participants", json!(0))
                    .replace_str("\"participants\":0", "\"participants\":Infinity"),
            ),
            422,
        )
        .at("body")
        .at("submitter.event.participants"),
        case(
            "number beyond f64",
            submit(
                full_with("/submitter/event/participants", json!(0))
                    .replace_str("\"participants\":0", "\"participants\":1e400"),
            ),
            422,
        )
        .at("body")
        .at("submitter.event.participants"),
        case("single quotes", submit(valid.replace('"', "'")), 422).at("body"),
        case("unquoted keys", submit(edited("\"lang\":", "lang:")), 422).at("body").at("lang"),
        case("trailing comma", submit(edited("\"contact\":false", "\"contact\":false,")), 422).at("body").at("consent"),
        case("null document", submit("null"), 422).at("body"),
        case("array document", submit("[]"), 422).at("body"),
        case("string document", submit("\"hello\""), 422).at("body"),
        case("number document", submit("42"), 422).at("body"),
        case("10k [", submit("[".repeat(10_000)), 422).at("body"),
        case(
            "10k closed [] in a field",
            submit(
                full_with("/submitter/name", json!(null))
                    .replace_str("\"name\":null", &format!("\"name\":{}{}", "[".repeat(10_000), "]".repeat(10_000))),
            ),
            422,
        )
        .at("body")
        .at("submitter.name"),
        case("10k nested objects", submit(format!("{}{}", "{\"a\":".repeat(10_000), "}".repeat(10_000))), 422)
            .at("body")
            .at("a"),
        case(
            "invalid UTF-8 in a string",
            submit(edited("\"lang\":\"fr\"", "\"lang\":\"f\u{1}\"").replace_byte(1, 0xff)),
            422,
        )
        .at("body")
        .at("lang"),
        case(
            "overlong UTF-8 NUL",
            submit(edited("\"lang\":\"fr\"", "\"lang\":\"f\u{1}\u{1}\"").replace_pair(0xC0, 0x80)),
            422,
        )
        .at("body")
        .at("lang"),
        case("lone surrogate escape", submit(edited("\"lang\":\"fr\"", "\"lang\":\"\\ud800\"")), 422)
            .at("body")
            .at("lang"),
        case("raw control character in a string", submit(edited("\"lang\":\"fr\"", "\"lang\":\"f\u{1}r\"")), 422)
            .at("body")
            .at("lang"),
        case("UTF-16 body", submit(utf16(&valid)), 422).at("body"),
        case(
            "no content type",
            Req::new("POST", "/v1/submissions").header("gdc-token", form_token("demo", 60_000)).body(valid.clone()),
            415,
        ),
        case("text/plain", submit(valid.clone()).with_content_type("text/plain"), 415),
        case("text/json", submit(valid.clone()).with_content_type("text/json"), 415),
        case("application/jsonx", submit(valid.clone()).with_content_type("application/jsonx"), 415),
        case("form encoded", submit(valid.clone()).with_content_type("application/x-www-form-urlencoded"), 415),
        case("multipart", submit(valid.clone()).with_content_type("multipart/form-data; boundary=x"), 415),
    ];
    check_all(&app, cases).await;
}

/// Small edits of raw bodies, for the cases above.
trait Edit {
    fn replace_str(self, from: &str, to: &str) -> Vec<u8>;
    /// Replaces the first `marker` byte with `byte`.
    fn replace_byte(self, marker: u8, byte: u8) -> Vec<u8>;
    /// Replaces the first two `\u{1}` bytes with `a` and `b`.
    fn replace_pair(self, a: u8, b: u8) -> Vec<u8>;
}

impl Edit for Vec<u8> {
    fn replace_str(self, from: &str, to: &str) -> Vec<u8> {
        let text = String::from_utf8(self).unwrap();
        assert!(text.contains(from), "{from} is not in {text}");
        text.replacen(from, to, 1).into_bytes()
    }

    fn replace_byte(mut self, marker: u8, byte: u8) -> Vec<u8> {
        let at = self.iter().position(|b| *b == marker).unwrap();
        self[at] = byte;
        self
    }

    fn replace_pair(self, a: u8, b: u8) -> Vec<u8> {
        self.replace_byte(1, a).replace_byte(1, b)
    }
}

impl Req {
    /// Replaces the `Content-Type` header.
    fn with_content_type(mut self, value: &str) -> Self {
        self.headers.retain(|(n, _)| n != "content-type");
        self.header("content-type", value)
    }
}

fn utf16(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Every field of the wire contract, as a JSON pointer into `full()`, with
/// values of the wrong type for it. `null` is left out for the optional
/// fields, where it means "not given".
const WRONG_TYPES: &[(&str, &[&str])] = &[
    ("/id", &["42", "true", "null", "[]", "{}"]),
    ("/consultation", &["42", "true", "null", "[\"gdc-2023\"]", "{}"]),
    ("/lang", &["42", "false", "null", "[\"fr\"]", "{}"]),
    ("/submitter", &["\"individual\"", "42", "null", "[]"]),
    ("/submitter/kind", &["42", "true", "null", "[\"consultation\"]", "{}"]),
    ("/submitter/stakeholder", &["42", "true", "[]", "{}"]),
    ("/submitter/country", &["42", "true", "[\"RW\"]", "{}"]),
    ("/submitter/name", &["42", "true", "[\"Amina\"]", "{}"]),
    ("/submitter/organization", &["42", "false", "[]", "{}"]),
    ("/submitter/email", &["42", "true", "[\"amina@example.org\"]", "{}"]),
    ("/submitter/event", &["\"Town hall\"", "42", "true", "[]"]),
    ("/submitter/event/title", &["42", "true", "null", "[]", "{}"]),
    ("/submitter/event/date", &["20230314", "true", "null", "[2023,3,14]", "{}"]),
    ("/submitter/event/participants", &["\"40\"", "true", "null", "-1", "1.5", "[]", "{}", "18446744073709551616"]),
    ("/answers", &["{}", "\"ai\"", "42", "null"]),
    ("/answers/0", &["\"ai\"", "42", "null", "[]"]),
    ("/answers/0/topic", &["42", "true", "null", "[\"ai\"]", "{}"]),
    ("/answers/0/principles", &["42", "true", "null", "[\"p\"]", "{}"]),
    ("/answers/0/commitments", &["42", "false", "null", "[]", "{}"]),
    ("/answers/0/comments", &["42", "true", "null", "[]", "{}"]),
    ("/consent", &["true", "\"yes\"", "42", "null", "[]"]),
    ("/consent/publish", &["\"true\"", "1", "null", "[]", "{}"]),
    ("/consent/attribution", &["42", "true", "null", "[]", "{}"]),
    ("/consent/contact", &["\"false\"", "0", "null", "[]", "{}"]),
];

#[tokio::test]
async fn a_wrong_type_in_any_field_gets_422_naming_that_field() {
    let app = hostile_app(|_| {}).await;
    let mut cases = vec![case("the full body is valid", submit(full().to_string()), 202).stored()];
    for (pointer, values) in WRONG_TYPES {
        for value in *values {
            let body = full_with(pointer, serde_json::from_str(value).unwrap());
            cases.push(case(format!("{pointer} = {value}"), submit(body), 422).at(field_of(pointer)));
        }
    }
    // Not a string at all: the shape is wrong before any site is looked up.
    for value in ["42", "null", "[\"demo\"]"] {
        cases.push(
            case(format!("/site = {value}"), submit(full_with("/site", serde_json::from_str(value).unwrap())), 422)
                .at("site"),
        );
    }
    check_all(&app, cases).await;
}

#[tokio::test]
async fn unknown_fields_and_duplicate_keys_are_refused_by_name() {
    let app = hostile_app(|_| {}).await;
    let other = uuid::Uuid::now_v7();
    let cases = vec![
        case("unknown at the root", submit(edited("{", "{\"extra\":1,")), 422).at("extra"),
        case("unknown in submitter", submit(edited("\"kind\":", "\"nickname\":\"x\",\"kind\":")), 422)
            .at("submitter.nickname"),
        case(
            "unknown in event",
            submit(full_with("/submitter/event/title", json!("T")).replace_str("\"title\":", "\"x\":1,\"title\":")),
            422,
        )
        .at("submitter.event.x"),
        case("unknown in consent", submit(edited("\"contact\":", "\"tracking\":true,\"contact\":")), 422)
            .at("consent.tracking"),
        case("unknown question", submit(edited("\"topic\":", "\"opinion\":\"x\",\"topic\":")), 422)
            .at("answers[0].opinion")
            .code("unknown_value"),
        case("__proto__ key", submit(edited("{", "{\"__proto__\":{\"admin\":true},")), 422).at("__proto__"),
        case("duplicate id", submit(edited("{", &format!("{{\"id\":\"{other}\","))), 422).at("id").at("body"),
        case("duplicate site", submit(edited("\"site\":\"demo\"", "\"site\":\"ngo\",\"site\":\"demo\"")), 422)
            .at("site")
            .at("body"),
        case("duplicate answers", submit(edited("{", "{\"answers\":[],")), 422).at("answers").at("body"),
        case("duplicate country", submit(edited("\"country\":\"RW\"", "\"country\":\"FR\",\"country\":\"RW\"")), 422)
            .at("submitter.country")
            .at("submitter"),
        case("duplicate publish", submit(edited("\"publish\":false", "\"publish\":true,\"publish\":false")), 422)
            .at("consent.publish")
            .at("consent"),
        case("duplicate question", submit(edited("\"principles\":", "\"principles\":\"hidden\",\"principles\":")), 422)
            .at("answers[0].principles"),
        case("duplicate topic key", submit(edited("\"topic\":\"ai\"", "\"topic\":\"data\",\"topic\":\"ai\"")), 422)
            .at("answers[0].topic")
            .at("answers[0]"),
    ];
    check_all(&app, cases).await;
}

#[tokio::test]
async fn only_the_canonical_spelling_of_a_uuidv7_is_an_id() {
    let app = hostile_app(|_| {}).await;
    let id = uuid::Uuid::now_v7();
    let canonical = id.hyphenated().to_string();
    let with_id = |text: String| {
        let mut body = submission();
        body["id"] = json!(text);
        body.to_string()
    };
    let first = app.submit(&serde_json::from_str(&with_id(canonical.clone())).unwrap()).await;
    assert_eq!(first.status(), 202);
    let spellings: Vec<(&str, String, &str)> = vec![
        ("UPPER case", canonical.to_uppercase(), "invalid_format"),
        ("{braced}", format!("{{{canonical}}}"), "invalid_format"),
        ("urn:uuid:", format!("urn:uuid:{canonical}"), "invalid_format"),
        ("no hyphens", id.simple().to_string(), "invalid_format"),
        ("UPPER without hyphens", id.simple().to_string().to_uppercase(), "invalid_format"),
        ("spaces around", format!(" {canonical} "), "invalid_format"),
        ("trailing NUL", format!("{canonical}\u{0}"), "invalid_format"),
        ("Unicode hyphens", canonical.replace('-', "\u{2010}"), "invalid_format"),
        ("UUIDv4", "7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned(), "invalid_format"),
        ("nil", uuid::Uuid::nil().to_string(), "invalid_format"),
        ("max", uuid::Uuid::max().to_string(), "invalid_format"),
        ("10 KB", "a".repeat(10 * 1024), "invalid_format"),
        ("empty", String::new(), "required"),
    ];
    let mut cases: Vec<Case> = spellings
        .into_iter()
        .map(|(name, text, code)| case(name, submit(with_id(text)), 422).at("id").code(code))
        .collect();
    cases.push(case("the canonical spelling again", submit(with_id(canonical.clone())), 200));
    check_all(&app, cases).await;
    assert_eq!(app.outbox_ids(), [canonical], "one row, under the canonical id");
}

/// Control and formatting characters: refused where the value is a code or
/// an address, kept as text where it is free text.
#[tokio::test]
async fn nul_and_control_characters_are_refused_in_codes_and_kept_as_text_in_free_text() {
    let app = hostile_app(|_| {}).await;
    const CODES: &[(&str, &str)] = &[
        ("/id", "invalid_format"),
        ("/consultation", "unknown_value"),
        ("/lang", "unknown_value"),
        ("/submitter/kind", "unknown_value"),
        ("/submitter/stakeholder", "unknown_value"),
        ("/submitter/country", "unknown_value"),
        ("/submitter/email", "invalid_format"),
        ("/submitter/event/date", "invalid_format"),
        ("/answers/0/topic", "unknown_value"),
        ("/consent/attribution", "unknown_value"),
    ];
    const TEXTS: &[&str] = &[
        "/submitter/name",
        "/submitter/organization",
        "/submitter/event/title",
        "/answers/0/principles",
        "/answers/0/commitments",
        "/answers/0/comments",
    ];
    const CHARS: &[(&str, &str)] = &[
        ("NUL", "\u{0}"),
        ("BEL", "\u{7}"),
        ("ESC sequence", "\u{1b}[31m"),
        ("DEL", "\u{7f}"),
        ("CR LF", "\r\n"),
        ("NEL", "\u{85}"),
        ("RTL override", "\u{202e}"),
        ("zero-width space", "\u{200b}"),
    ];
    let mut cases = Vec::new();
    for (label, ch) in CHARS {
        for (pointer, code) in CODES {
            let value = full().pointer(pointer).unwrap().as_str().unwrap().to_owned();
            let spoiled = format!("{}{ch}{}", &value[..1], &value[1..]);
            cases.push(
                case(format!("{label} in {pointer}"), submit(full_with(pointer, json!(spoiled))), 422)
                    .at(field_of(pointer))
                    .code(code),
            );
        }
        for pointer in TEXTS {
            let text = format!("before{ch}after");
            cases.push(case(format!("{label} in {pointer}"), submit(full_with(pointer, json!(text))), 202).stored());
        }
        let site = format!("de{ch}mo");
        cases.push(case(format!("{label} in /site"), submit(full_with("/site", json!(site))), 403));
    }
    check_all(&app, cases).await;
}

#[tokio::test]
async fn sizes_over_the_limits_get_422_or_413_and_the_largest_valid_submission_fits() {
    let app = hostile_app(|_| {}).await;
    let cjk = |n: usize| "字".repeat(n);
    // 8 topics, 3 answers each, 4,000 characters of Chinese each: the
    // largest submission the rules allow (about 288 KB of UTF-8).
    let mut largest = full();
    largest["answers"] = gdc_core::GDC_2023
        .topics
        .iter()
        .map(|t| json!({ "topic": t.id, "principles": cjk(4000), "commitments": cjk(4000), "comments": cjk(4000) }))
        .collect();
    largest["submitter"]["name"] = json!(cjk(200));
    largest["submitter"]["organization"] = json!(cjk(200));
    largest["submitter"]["event"]["title"] = json!(cjk(200));
    let largest = largest.to_string();
    // The same, escaped as \uXXXX, as some JSON encoders write it (~576 KB).
    let escaped = largest.replace('字', "\\u5b57");
    assert!(escaped.len() < MIB);
    // A body one byte over 1 MiB, and one far over it.
    let mut over = submission();
    over["answers"][0]["comments"] = json!("");
    let padding = MIB + 1 - over.to_string().len();
    over["answers"][0]["comments"] = json!("x".repeat(padding));
    let over = over.to_string();
    assert_eq!(over.len(), MIB + 1);
    let cases = vec![
        case("the largest valid submission", submit(largest), 202).stored(),
        case("the largest valid submission, \\u-escaped", submit(escaped).with_fresh_id(), 202).stored(),
        case("1 MiB + 1 byte", submit(over), 413),
        case("2 MiB", submit(full_with("/answers/0/comments", json!("x".repeat(2 * MIB)))), 413),
        case("20 MB declared, nothing sent", submit("").declared(20_000_000), 413).within(Duration::from_secs(2)),
        case("name of 201 characters", submit(full_with("/submitter/name", json!(cjk(201)))), 422)
            .at("submitter.name")
            .code("too_long"),
        case("organization of 201", submit(full_with("/submitter/organization", json!(cjk(201)))), 422)
            .at("submitter.organization")
            .code("too_long"),
        case(
            "email of 257",
            submit(full_with("/submitter/email", json!(format!("{}@example.org", "a".repeat(245))))),
            422,
        )
        .at("submitter.email")
        .code("too_long"),
        case("event title of 201", submit(full_with("/submitter/event/title", json!(cjk(201)))), 422)
            .at("submitter.event.title")
            .code("too_long"),
        case("principles of 4,001", submit(full_with("/answers/0/principles", json!(cjk(4001)))), 422)
            .at("answers[0].principles")
            .code("too_long"),
        case("comments of 60,000", submit(full_with("/answers/0/comments", json!("x".repeat(60_000)))), 422)
            .at("answers[0].comments")
            .code("too_long"),
        case("participants over a million", submit(full_with("/submitter/event/participants", json!(1_000_001))), 422)
            .at("submitter.event.participants")
            .code("out_of_range"),
        case("participants at u64::MAX", submit(full_with("/submitter/event/participants", json!(u64::MAX))), 422)
            .at("submitter.event.participants")
            .code("out_of_range"),
        case("10 KB topic", submit(full_with("/answers/0/topic", json!("a".repeat(10_240)))), 422)
            .at("answers[0].topic")
            .code("unknown_value"),
        case("10 KB lang", submit(full_with("/lang", json!("a".repeat(10_240)))), 422).at("lang").code("unknown_value"),
        case("10 KB site key", submit(full_with("/site", json!("a".repeat(10_240)))), 403),
        case(
            "9 answers",
            submit(full_with(
                "/answers",
                json!((0..9).map(|_| json!({"topic": "ai", "principles": "p"})).collect::<Vec<_>>()),
            )),
            422,
        )
        .at("answers[1].topic")
        .code("duplicate"),
        case("10,000 empty answers", submit(full_with("/answers", json!(vec![json!({}); 10_000]))), 422)
            .at("answers[0]")
            .at("answers[0].topic"),
    ];
    check_all(&app, cases).await;
}

impl Req {
    /// Gives the body's `id` a fresh UUIDv7 (for bodies built as text).
    /// The text is kept as written (escapes and all); only the id changes.
    fn with_fresh_id(mut self) -> Self {
        let text = String::from_utf8(self.body).unwrap();
        let from = text.find("\"id\":\"").unwrap() + "\"id\":\"".len();
        let id = uuid::Uuid::now_v7().to_string();
        self.body = [&text[..from], &id, &text[from + id.len()..]].concat().into_bytes();
        self
    }
}

#[tokio::test]
async fn wrong_methods_get_405_with_allow_on_every_route() {
    let app = hostile_app(|_| {}).await;
    let gets = [
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/openapi.json",
        "/v1/token?site=demo",
        "/v1/export",
        "/v1/contributions?topic=ai",
        "/widget/v1/loader.js",
        WASM,
        "/",
        "/examples/article.html",
    ];
    let posts = ["/v1/submissions", "/v1/batches"];
    // The form the companion renders: read, and posted by browsers without script.
    let forms = ["/embed/v1?site=demo", "/embed/v1/fragment?site=demo"];
    let mut cases = Vec::new();
    for path in forms {
        for method in ["PUT", "DELETE", "PATCH", "TRACE"] {
            cases.push(case(format!("{method} {path}"), Req::new(method, path), 405));
        }
    }
    for path in gets {
        for method in ["POST", "PUT", "DELETE", "PATCH", "TRACE"] {
            cases.push(case(format!("{method} {path}"), Req::new(method, path), 405));
        }
    }
    for path in posts {
        for method in ["GET", "PUT", "DELETE", "PATCH", "TRACE"] {
            cases.push(case(format!("{method} {path}"), Req::new(method, path), 405));
        }
    }
    // And what does exist still answers.
    for path in ["/v1/openapi.json", "/widget/v1/loader.js", WASM, "/", "/examples/article.html", "/embed/v1?site=demo"]
    {
        cases.push(case(format!("GET {path}"), get(path), 200));
        cases.push(case(format!("HEAD {path}"), Req::new("HEAD", path), 200));
    }
    cases.push(case("an unknown API route", get("/v1/nope"), 404));
    cases.push(case("an unknown version", get("/v2/submissions"), 404));
    check_all(&app, cases).await;
}

#[tokio::test]
async fn paths_that_climb_out_of_the_asset_folders_find_nothing() {
    let app = hostile_app(|_| {}).await;
    let mut cases = Vec::new();
    for base in ["/widget/assets", "/examples"] {
        for tail in [
            "/../Cargo.toml",
            "/../../Cargo.toml",
            "/../../../Cargo.toml",
            "/../../../data/outbox.sqlite",
            "/%2e%2e/%2e%2e/Cargo.toml",
            "/%2E%2E/%2E%2E/%2E%2E/Cargo.toml",
            "/..%2f..%2fCargo.toml",
            "/..%2F..%2F..%2Fdata%2Foutbox.sqlite",
            "/%2e%2e%2f%2e%2e%2fCargo.toml",
            "/..\\..\\Cargo.toml",
            "/..%5c..%5cCargo.toml",
            "/%252e%252e/%252e%252e/Cargo.toml",
            "/.%2e/.%2e/Cargo.toml",
            "//etc/passwd",
            "/%2fetc%2fpasswd",
            "/article.html%00.txt",
            "/%00",
        ] {
            cases.push(case(format!("{base}{tail}"), get(format!("{base}{tail}")), 404).lacks("SQLite format"));
        }
        cases.push(case(format!("{base} with a raw NUL"), get([base.as_bytes(), b"/a\0b"].concat()), 400));
    }
    cases.push(case("the loader's folder, climbing", get("/widget/v1/../../Cargo.toml"), 404));
    cases.push(case("the embed page, climbing", get("/embed/v1/../../Cargo.toml"), 404));
    cases.push(case("an API route, climbing", get("/v1/../Cargo.toml"), 404));
    check_all(&app, cases).await;
}

#[tokio::test]
async fn odd_query_strings_get_400_json_and_huge_pages_never_panic() {
    let app = hostile_app(|_| {}).await;
    let admin = |path: &str| get(path).header("authorization", format!("Bearer {ADMIN_TOKEN}"));
    let cases = vec![
        case("repeated site on /v1/token", get("/v1/token?site=demo&site=ngo"), 400),
        case("repeated topic", get("/v1/contributions?topic=ai&topic=data"), 400),
        case("repeated page", get("/v1/contributions?topic=ai&page=1&page=2"), 400),
        case("repeated format", admin("/v1/export?format=csv&format=jsonl"), 400),
        case("repeated site on the embed page", get("/embed/v1?site=demo&site=ngo"), 400),
        case("page = u64::MAX", get("/v1/contributions?topic=ai&page=18446744073709551615"), 400).or(200),
        case("page = u64::MAX + 1", get("/v1/contributions?topic=ai&page=18446744073709551616"), 400),
        case(
            "page = usize::MAX / 20 + 2",
            get(format!("/v1/contributions?topic=ai&page={}", usize::MAX / 20 + 2)),
            400,
        )
        .or(200),
        case("page = -1", get("/v1/contributions?topic=ai&page=-1"), 400).or(200),
        case("page = 1e9", get("/v1/contributions?topic=ai&page=1e9"), 400),
        case("page = 1.5", get("/v1/contributions?topic=ai&page=1.5"), 400),
        case("page = empty", get("/v1/contributions?topic=ai&page="), 400).or(200),
        case("page = 0", get("/v1/contributions?topic=ai&page=0"), 400).or(200),
        case("page = 10 000 000", get("/v1/contributions?topic=ai&page=10000000"), 400).or(200),
        case("no topic", get("/v1/contributions"), 400),
        case("a topic with markup", get("/v1/contributions?topic=%3Cscript%3E"), 400),
        case("a broken percent escape", get("/v1/contributions?topic=%zz"), 400),
        case("invalid UTF-8 in the query", get("/v1/token?site=%ff%fe"), 403).or(400),
        case("a 10 KB site", get(format!("/v1/token?site={}", "a".repeat(10_240))), 403),
        case("an unknown format", admin("/v1/export?format=xml"), 400),
        case("a query on the loader", get("/widget/v1/loader.js?x=1&x=2"), 200),
    ];
    check_all(&app, cases).await;
}

#[tokio::test]
async fn overlong_and_too_many_headers_get_431() {
    let app = hostile_app(|_| {}).await;
    let big = "a".repeat(64 * 1024);
    let mut many = get("/healthz");
    for i in 0..200 {
        many = many.header(&format!("x-h{i}"), "1");
    }
    let cases = vec![
        case("a 64 KB header on /healthz", get("/healthz").header("x-filler", big.clone()), 431),
        case("a 64 KB form token", submit(submission().to_string()).with_token(&big), 431),
        case("a 64 KB origin", submit(submission().to_string()).header("origin", format!("http://{big}")), 431),
        case("a 64 KB cookie on the embed page", get("/embed/v1?site=demo").header("cookie", format!("a={big}")), 431),
        case("a 64 KB target", get(format!("/v1/contributions?topic=ai&x={big}")), 414).or(431),
        case("a 1 MB header", get("/healthz").header("x-filler", "a".repeat(MIB)), 431),
        case("200 headers", many, 431),
        case("a 4 KB form token is just wrong", submit(submission().to_string()).with_token(&"a".repeat(4096)), 403),
    ];
    check_all(&app, cases).await;
}

impl Req {
    fn with_token(mut self, token: &str) -> Self {
        self.headers.retain(|(n, _)| n != "gdc-token");
        self.header("gdc-token", token)
    }
}

#[tokio::test]
async fn slow_bodies_get_408_within_the_body_timeout() {
    let app = hostile_app(|c| {
        c.limits.body_timeout = Duration::from_millis(500);
        c.limits.request_timeout = Duration::from_secs(8);
    })
    .await;
    let body = submission().to_string();
    let batch = json!({ "submissions": [submission()] }).to_string();
    let batch_req = || {
        Req::new("POST", "/v1/batches")
            .header("content-type", "application/json")
            .header("authorization", format!("Bearer {COMPANION_TOKEN}"))
            .body(batch.clone())
    };
    let quick = Duration::from_millis(1500);
    let cases = vec![
        case("headers, then nothing", submit(body.clone()).pace(Pace::Stall(0)), 408).within(quick),
        case("half the body, then nothing", submit(body.clone()).pace(Pace::Stall(body.len() / 2)), 408).within(quick),
        case("a byte every 100 ms", submit(body.clone()).pace(Pace::Trickle(Duration::from_millis(100))), 408)
            .within(quick),
        case("a byte every 400 ms", submit(body.clone()).pace(Pace::Trickle(Duration::from_millis(400))), 408)
            .within(quick),
        case("declared longer than sent", submit(body.clone()).declared(body.len() + 100), 408).within(quick),
        case("a batch that stalls", batch_req().pace(Pace::Stall(10)), 408).within(quick),
        case("a batch that trickles", batch_req().pace(Pace::Trickle(Duration::from_millis(100))), 408).within(quick),
    ];
    check_all(&app, cases).await;
}

#[tokio::test]
async fn a_batch_without_a_valid_token_gets_401_before_its_body_is_read() {
    // The default body timeout (10 s): a 401 within 2 s shows the body was
    // not waited for.
    let app = hostile_app(|_| {}).await;
    let batch = |auth: Option<&str>| {
        let mut req = Req::new("POST", "/v1/batches").header("content-type", "application/json").declared(20_000_000);
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        req.pace(Pace::Stall(0))
    };
    let two = Duration::from_secs(2);
    let cases = vec![
        case("no Authorization", batch(None), 401).within(two),
        case("a wrong token", batch(Some("Bearer wrong")), 401).within(two),
        case("a form token instead", batch(Some(&format!("Bearer {}", form_token("demo", 0)))), 401).within(two),
        case("Basic instead of Bearer", batch(Some(&format!("Basic {COMPANION_TOKEN}"))), 401).within(two),
        case("lower-case scheme, empty token", batch(Some("bearer ")), 401).within(two),
        case("a 20 MB body declared on export", get("/v1/export").declared(20_000_000).pace(Pace::Stall(0)), 401)
            .within(two),
    ];
    check_all(&app, cases).await;
}

/// Markup in a contribution is data: stored as sent, returned as JSON
/// strings, and never rendered as HTML by any server route.
#[tokio::test]
async fn markup_is_stored_as_text_and_never_rendered() {
    let app = hostile_app(|_| {}).await;
    let texts = [
        ("principles", "<script>alert(1)</script>"),
        ("commitments", "<img src=x onerror=alert(1)>"),
        ("comments", "javascript:alert(document.cookie) \u{202e}gnp.exe"),
    ];
    let mut body = submission();
    for (question, text) in texts {
        body["answers"][0][question] = json!(text);
    }
    body["submitter"]["name"] = json!("\"><svg onload=alert(1)>");
    body["consent"] = json!({ "publish": true, "attribution": "name", "contact": false });
    let id = body["id"].as_str().unwrap().to_owned();
    let cases = vec![case("markup in every text", submit(body.to_string()), 202).stored()];
    check_all(&app, cases).await;

    app.wait_for_central(1).await;
    let store = gdc_server::central::SqliteStore::open(&app.dir.path().join("data/central.sqlite")).unwrap();
    assert!(store.moderate(&[id], gdc_server::central::Action::Approve).unwrap().is_empty());
    let page = app.get("/v1/contributions?topic=ai").await;
    assert_eq!(page.headers()["content-type"], "application/json");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    let page: Value = page.json().await.unwrap();
    let item = &page["items"][0];
    for (question, text) in texts {
        assert_eq!(item["texts"][question], text, "returned exactly as sent, as a JSON string");
    }
    assert_eq!(item["credit"], "\"><svg onload=alert(1)>");

    let cases = vec![
        case("the embed page for a site key with markup", get("/embed/v1?site=%3Cscript%3Ealert(1)%3C/script%3E"), 403)
            .lacks("<script"),
        case(
            "the embed page for a site key with an attribute break",
            get("/embed/v1?site=%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E"),
            403,
        )
        .lacks("<img"),
        case("the token route for a site key with markup", get("/v1/token?site=%3Cscript%3E"), 403),
        case("an unknown topic with markup", get("/v1/contributions?topic=%3Cimg%20src=x%3E"), 400),
    ];
    check_all(&app, cases).await;
    let embed = app.get("/embed/v1?site=%3Cscript%3Ealert(1)%3C/script%3E").await;
    assert!(embed.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    assert!(!embed.text().await.unwrap().contains("alert(1)"), "the page does not echo the key at all");
    for path in ["/v1/token?site=%3Cscript%3E", "/v1/contributions?topic=%3Cimg%20src=x%3E"] {
        let response = app.get(path).await;
        let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(
            content_type.starts_with("application/json"),
            "{path}: an error echoing input is JSON, never HTML: {content_type}"
        );
    }
}
