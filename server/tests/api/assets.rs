//! Serving the widget: types, compression, caching, and the embed page's
//! policy. Uses a small fake `dist/` so it does not depend on a Wasm build.

use std::fs;

use crate::helpers::{TestApp, spawn_app_with};

async fn app_with_assets() -> TestApp {
    spawn_app_with(|c| {
        let dist = &c.assets_dir;
        fs::create_dir_all(dist.join("widget/assets")).unwrap();
        fs::create_dir_all(dist.join("widget/v1")).unwrap();
        fs::write(dist.join("widget/v1/loader.js"), "/* loader */").unwrap();
        fs::write(dist.join("widget/v1/loader.js.br"), b"fake-br").unwrap();
        fs::write(dist.join("widget/v1/loader.js.gz"), b"fake-gz").unwrap();
        fs::write(dist.join("widget/assets/gdc_widget_bg-0123456789abcdef.wasm"), b"\0asm\x01\0\0\0").unwrap();
        fs::write(dist.join("widget/assets/gdc_widget_bg-0123456789abcdef.wasm.br"), b"fake-br").unwrap();
        fs::write(
            dist.join("embed.html"),
            "<!doctype html><meta name=\"gdc-token\" content=\"__GDC_TOKEN__\">\
             <meta name=\"gdc-allowed-topics\" content=\"__GDC_ALLOWED_TOPICS__\"><div id=gdc-root></div>",
        )
        .unwrap();
    })
    .await
}

async fn get_with(app: &TestApp, path: &str, accept_encoding: &str) -> reqwest::Response {
    // reqwest is built without decompression, so we see what the server sent.
    app.client.get(format!("{}{path}", app.url)).header("accept-encoding", accept_encoding).send().await.unwrap()
}

#[tokio::test]
async fn the_loader_has_a_stable_url_short_caching_and_precompressed_variants() {
    let app = app_with_assets().await;
    let plain = get_with(&app, "/widget/v1/loader.js", "identity").await;
    assert_eq!(plain.status(), 200);
    assert_eq!(plain.headers()["content-type"], "text/javascript");
    assert_eq!(plain.headers()["cache-control"], "public, max-age=300");
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), "/* loader */");

    let br = get_with(&app, "/widget/v1/loader.js", "gzip, deflate, br, zstd").await;
    assert_eq!(br.headers()["content-encoding"], "br");
    assert_eq!(br.headers()["vary"], "accept-encoding");
    assert_eq!(br.bytes().await.unwrap().as_ref(), b"fake-br");

    let gz = get_with(&app, "/widget/v1/loader.js", "gzip").await;
    assert_eq!(gz.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_wasm_has_its_type() {
    let app = app_with_assets().await;
    let wasm = get_with(&app, "/widget/assets/gdc_widget_bg-0123456789abcdef.wasm", "br").await;
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["content-encoding"], "br");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    // Inline widgets fetch it from partner pages in CORS mode.
    assert_eq!(wasm.headers()["access-control-allow-origin"], "*");
    assert_eq!(get_with(&app, "/widget/assets/missing-00.wasm", "br").await.status(), 404);
}

#[tokio::test]
async fn the_embed_page_may_be_framed_only_by_the_sites_origins() {
    let app = app_with_assets().await;
    let page = get_with(&app, "/embed/v1?site=ngo&topics=ai", "identity").await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["content-type"], "text/html; charset=utf-8");
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.ends_with("frame-ancestors https://ngo.example"), "{csp}");
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    let html = page.text().await.unwrap();
    assert!(html.contains("name=\"gdc-allowed-topics\" content=\"data,ai\""), "the registry's topics: {html}");
    assert!(html.contains("name=\"gdc-token\" content=\"v1."), "a fresh form token: {html}");

    // A wrong site key shows the webmaster why, as a page, with no script.
    let wrong = get_with(&app, "/embed/v1?site=%3Cb%3Enobody", "identity").await;
    assert_eq!(wrong.status(), 403);
    assert_eq!(wrong.headers()["content-type"], "text/html; charset=utf-8");
    assert!(wrong.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    let text = wrong.text().await.unwrap();
    assert!(text.contains("not set up for this site"), "{text}");
    assert!(text.contains("This site key is not registered."), "{text}");
    assert!(!text.contains("nobody"), "the page does not echo what it was given: {text}");
    assert!(!text.contains("<script"), "{text}");
    assert_eq!(get_with(&app, "/embed/v1?site=nobody", "identity").await.status(), 403);
    assert_eq!(get_with(&app, "/embed/v1?site=closed", "identity").await.status(), 403);
    assert_eq!(get_with(&app, "/embed/v1", "identity").await.status(), 403);
}

#[tokio::test]
async fn the_page_that_says_why_speaks_the_widgets_language() {
    let app = app_with_assets().await;
    let catalogs = gdc_i18n::Catalogs::load().expect("catalogs compile");
    for (tag, lang, dir) in
        [("ar-EG", "ar", "rtl"), ("zh-Hant-TW", "zh", "ltr"), ("FR", "fr", "ltr"), ("ru", "ru", "ltr")]
    {
        let page = get_with(&app, &format!("/embed/v1?site=closed&lang={tag}"), "identity").await;
        assert_eq!(page.status(), 403);
        let html = page.text().await.unwrap();
        assert!(html.contains(&format!("<html lang=\"{lang}\" dir=\"{dir}\">")), "{html}");
        let t = catalogs.get(lang);
        for id in ["embed-unavailable-title", "embed-unavailable-heading", "embed-reason-disabled"] {
            let text = t.get(id).replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
            assert!(html.contains(&text), "{lang} {id}: {html}");
            assert!(!html.contains(&catalogs.get("en").get(id)), "{lang}: English left in {html}");
        }
    }
    // A language the consultation does not speak, or nonsense, gets English.
    for tag in ["de", "", "%3Cscript%3E", "ar%00"] {
        let html = get_with(&app, &format!("/embed/v1?site=nobody&lang={tag}"), "identity").await.text().await.unwrap();
        assert!(html.contains("<html lang=\"en\" dir=\"ltr\">"), "{tag}: {html}");
    }
}

/// What the loader's answer carries: its `gdcFirst` object and the rest.
fn first_screen(body: &str) -> (serde_json::Value, &str) {
    let rest =
        body.strip_prefix("document.currentScript.gdcFirst=").unwrap_or_else(|| panic!("no first screen: {body}"));
    let (json, loader) = rest.split_once(";\n").expect("the object, then the loader");
    (serde_json::from_str(json).expect("the first screen as JSON"), loader)
}

#[tokio::test]
async fn a_loader_address_with_inline_settings_brings_that_first_screen_never_cached() {
    let app = spawn_app_with(|c| {
        let dist = &c.assets_dir;
        fs::create_dir_all(dist.join("widget/v1")).unwrap();
        fs::write(dist.join("widget/v1/loader.js"), "/* loader */").unwrap();
        fs::write(
            dist.join("embed.html"),
            include_str!("../../../widget/embed.html").replace("__CSS_TEXT__", ".gdc{}"),
        )
        .unwrap();
    })
    .await;
    let mut ids = Vec::new();
    for (query, lang) in [
        ("site=demo&lang=fr&mode=inline", "fr"),
        ("mode=inline&lang=ar-EG&site=demo&theme=dark&--gdc-accent=%23123456", "ar"),
        ("site=demo&mode=inline&lang=xx", "en"),
        ("site=demo&mode=inline&topics=ai&variant=compact&question=comments&lang=zh", "zh"),
    ] {
        let answer = get_with(&app, &format!("/widget/v1/loader.js?{query}"), "identity").await;
        assert_eq!(answer.status(), 200, "{query}");
        assert_eq!(answer.headers()["content-type"], "text/javascript; charset=utf-8", "{query}");
        assert_eq!(answer.headers()["cache-control"], "no-store", "{query}: it holds the form's id and token");
        assert_eq!(answer.headers()["access-control-allow-origin"], "*", "{query}");
        let body = answer.text().await.unwrap();
        let (first, loader) = first_screen(&body);
        assert_eq!(loader, "/* loader */", "{query}: the built loader follows");
        assert_eq!(first["css"], ".gdc{}", "{query}: the embed page's stylesheet");
        let settings: Vec<(String, String)> = form_urlencoded::parse(first["q"].as_str().unwrap().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert!(settings.contains(&("lang".into(), lang.into())), "{query}: the language chosen, {settings:?}");
        assert!(settings.iter().all(|(k, _)| k != "mode" && !k.starts_with("--")), "{query}: {settings:?}");
        let html = first["html"].as_str().unwrap();
        assert!(html.contains(&format!("<div class=\"gdc\" lang=\"{lang}\"")), "{query}: {html}");
        assert!(html.contains("data-served") && html.contains("action=\"/embed/v1/fragment?"), "{query}: {html}");
        let id = html.split("name=\"gdc-id\" value=\"").nth(1).and_then(|r| r.split('"').next()).unwrap();
        ids.push(id.to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 4, "each answer is a new form: {ids:?}");

    // Compressed for the browsers that ask.
    let br = get_with(&app, "/widget/v1/loader.js?site=demo&mode=inline", "gzip, br").await;
    assert_eq!(br.headers()["content-encoding"], "br");

    // Anything else gets the built file, cached as ever: the loader then
    // fetches the fragment itself, which says what is wrong.
    for query in [
        "",
        "?site=demo",
        "?site=demo&mode=iframe",
        "?site=demo&mode=INLINE",
        "?mode=inline",
        "?site=nope&mode=inline",
        "?site=closed&mode=inline",
        "?site=demo&site=demo&mode=inline",
        "?site=demo&mode=inline&sent=0190b2a4-0000-7000-8000-000000000000",
        "?site=%FF&mode=inline",
        "?site=demo&mode=inline&lang=fr&lang=ar",
    ] {
        let answer = get_with(&app, &format!("/widget/v1/loader.js{query}"), "identity").await;
        assert_eq!(answer.status(), 200, "{query}");
        assert_eq!(answer.headers()["cache-control"], "public, max-age=300", "{query}");
        assert_eq!(answer.headers()["access-control-allow-origin"], "*", "{query}");
        assert_eq!(answer.text().await.unwrap(), "/* loader */", "{query}");
    }
}
