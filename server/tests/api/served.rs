//! The widget rendered by the companion (`/embed/v1`, `/embed/v1/fragment`):
//! every language and theme renders in its own words, a form posted step by
//! step without any script is stored once however often it is sent, and odd
//! posts get a page or a clear error, never a 5xx.

use std::fs;

use crate::helpers::{TestApp, form_token, spawn_app_with};

async fn app() -> TestApp {
    spawn_app_with(|c| {
        fs::create_dir_all(&c.assets_dir).unwrap();
        fs::write(c.assets_dir.join("embed.html"), include_str!("../../../widget/embed.html")).unwrap();
    })
    .await
}

/// How a policy names an inline text it allows: base64 of its SHA-256.
fn csp_hash(text: &str) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()))
}

/// The boot script the embed page carries in itself.
fn boot_script(html: &str) -> &str {
    html.split_once("<script type=\"module\">").and_then(|(_, r)| r.split_once("</script>")).unwrap().0
}

/// The directive `name` (`script-src`…) of a policy, whole; empty if none.
fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
    csp.split("; ").find(|d| d.strip_prefix(name).is_some_and(|rest| rest.starts_with(' '))).unwrap_or_default()
}

/// The one `script-src` a page carrying `boot` may send.
fn script_src_for(boot: &str) -> String {
    format!("script-src 'self' 'sha256-{}' 'wasm-unsafe-eval'", csp_hash(boot))
}

/// The value of the hidden input `name` in a rendered form.
fn hidden(html: &str, name: &str) -> String {
    let at = html.find(&format!("name=\"{name}\" value=\"")).unwrap_or_else(|| panic!("no {name} in {html}"));
    let rest = &html[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_owned()
}

async fn post(app: &TestApp, query: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    client.post(format!("{}/embed/v1?{query}", app.url)).form(pairs).send().await.unwrap()
}

#[tokio::test]
async fn every_language_theme_and_variant_renders_on_the_server_in_its_own_words() {
    let app = app().await;
    let catalogs = gdc_i18n::Catalogs::load().unwrap();
    let english = catalogs.get("en");
    for lang in gdc_i18n::LANGUAGES {
        let texts = catalogs.get(lang);
        for theme in ["light", "dark", "auto", "high-contrast"] {
            for variant in ["full", "compact"] {
                for path in ["/embed/v1", "/embed/v1/fragment"] {
                    let query = format!("site=demo&lang={lang}&theme={theme}&variant={variant}");
                    let page = app.get(&format!("{path}?{query}")).await;
                    assert_eq!(page.status(), 200, "{path}?{query}");
                    let html = page.text().await.unwrap();
                    let dir = if *lang == "ar" { "rtl" } else { "ltr" };
                    let root = format!("lang=\"{lang}\" dir=\"{dir}\" data-theme=\"{theme}\"");
                    assert!(html.contains(&root), "{path}?{query}: no {root}");
                    assert!(html.contains("class=\"gdc-submit\""), "{path}?{query}: no form");
                    if *lang == "en" {
                        continue;
                    }
                    // No text of the English catalog where the language has its own.
                    for (id, text) in english.iter() {
                        let own = texts.get(id);
                        let plain = !text.contains(['&', '<', '>', '"', '\'', '{']) && text.len() > 3;
                        if plain && own != text && !gdc_i18n::SAME_AS_ENGLISH.contains(&(*lang, id)) {
                            assert!(!html.contains(&format!(">{text}<")), "{path}?{query} shows English {id}: {text}");
                        }
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_form_posted_without_script_is_checked_step_by_step_and_stored_once_however_often_it_is_sent() {
    let app = app().await;
    let query = "site=demo&lang=fr";
    let first = app.get(&format!("/embed/v1?{query}")).await.text().await.unwrap();
    let id = hidden(&first, "gdc-id");
    let token = form_token("demo", 60_000);
    let base = [("gdc-id", id.as_str()), ("gdc-token", token.as_str())];
    let with =
        |extra: &[(&'static str, &'static str)]| base.iter().copied().chain(extra.iter().copied()).collect::<Vec<_>>();

    // Next with no topic: the same step, its error beside the field, in French.
    let empty = post(&app, query, &with(&[("gdc-step", "topics"), ("go", "next")])).await;
    assert_eq!(empty.status(), 422);
    let html = empty.text().await.unwrap();
    assert!(html.contains("id=\"gdc-topics-error\" class=\"gdc-error\">Veuillez remplir ce champ."), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));

    let answers = post(&app, query, &with(&[("gdc-step", "topics"), ("topics", "ai"), ("go", "next")])).await;
    assert_eq!(answers.status(), 200);
    let html = answers.text().await.unwrap();
    assert!(html.contains("name=\"gdc-step\" value=\"answers\""));
    assert!(html.contains("name=\"a.ai.principles\""));

    let text = "Transparence 🌍 الشفافية <b>&amp;</b>";
    let mut draft = vec![
        ("topics", "ai"),
        ("a.ai.principles", text),
        ("kind", "individual"),
        ("stakeholder", "youth"),
        ("country_name", "  CÔTE D’IVOIRE "),
        ("publish", "false"),
        ("contact", "false"),
        ("attribution", "anonymous"),
    ];
    // The about step maps the country's French name, in any case and accents, to its code.
    let about = post(&app, query, &[with(&[("gdc-step", "about"), ("go", "next")]), draft.clone()].concat()).await;
    assert_eq!(about.status(), 200);
    let html = about.text().await.unwrap();
    assert!(html.contains("name=\"country\" value=\"CI\""), "the privacy step carries the code");
    assert!(html.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"), "typed markup is carried as text");

    draft.retain(|(k, _)| *k != "country_name");
    draft.push(("country", "CI"));
    let review = post(&app, query, &[with(&[("gdc-step", "privacy"), ("go", "next")]), draft.clone()].concat()).await;
    let html = review.text().await.unwrap();
    assert!(html.contains("Côte d’Ivoire"), "the review names the country in French");
    assert!(html.contains("value=\"send\""));

    let send = [with(&[("gdc-step", "review"), ("go", "send")]), draft.clone()].concat();
    let mut locations = Vec::new();
    for _ in 0..3 {
        let sent = post(&app, query, &send).await;
        assert_eq!(sent.status(), 303);
        locations.push(sent.headers()["location"].to_str().unwrap().to_owned());
    }
    assert!(locations.iter().all(|l| *l == format!("/embed/v1?{query}&sent={id}")), "{locations:?}");
    assert_eq!(app.outbox_ids(), vec![id.clone()], "sent three times, stored once");
    let rows = app.wait_for_central(1).await;
    assert_eq!(rows.len(), 1);
    let stored = &rows[0].submission;
    assert_eq!(stored.answers[0].texts.get("principles").map(String::as_str), Some(text));
    assert_eq!((stored.submitter.country.as_str(), stored.lang.as_str()), ("CI", "fr"));

    let receipt = app.get(&locations[0]).await.text().await.unwrap();
    assert!(receipt.contains(&format!("class=\"gdc-reference\">{id}</code>")), "{receipt}");
}

#[tokio::test]
async fn odd_posts_get_a_page_or_a_clear_error_and_never_a_5xx() {
    let app = app().await;
    let query = "site=demo&lang=ar";
    let client = reqwest::Client::new();
    let url = format!("{}/embed/v1?{query}", app.url);
    // Not a form: 415. Too big: 413. Unknown site: the page saying why.
    let json = client.post(&url).json(&serde_json::json!({"go": "send"})).send().await.unwrap();
    assert_eq!(json.status(), 415);
    let huge = "a=".to_owned() + &"x".repeat(1024 * 1024 + 1);
    let big =
        client.post(&url).header("content-type", "application/x-www-form-urlencoded").body(huge).send().await.unwrap();
    assert_eq!(big.status(), 413);
    assert_eq!(post(&app, "site=nobody", &[("go", "next")]).await.status(), 403);

    // Junk, repeated and hostile fields: a page at a step, with errors where due.
    for pairs in [
        vec![],
        vec![("go", "fly"), ("gdc-step", "nowhere"), ("zzz", "1")],
        vec![("gdc-id", "<script>alert(1)</script>"), ("go", "next"), ("topics", "ai")],
        vec![("topics", "ai"), ("topics", "ai"), ("topics", "not-a-topic"), ("go", "next")],
        vec![("gdc-step", "review"), ("go", "send")],
        vec![("gdc-step", "review"), ("go", "edit-about"), ("country_name", "ساحل العاج")],
        vec![("go", "start-over"), ("a.ai.principles", "gone")],
        vec![("a.ai.principles", &"ع".repeat(5000)), ("topics", "ai"), ("gdc-step", "answers"), ("go", "next")],
    ] {
        let page = post(&app, query, &pairs).await;
        let status = page.status().as_u16();
        assert!([200, 422].contains(&status), "{pairs:?}: {status}");
        let html = page.text().await.unwrap();
        assert!(html.contains("lang=\"ar\" dir=\"rtl\""), "{pairs:?}");
        assert!(!html.contains("<script>alert"), "{pairs:?}: markup escaped");
        let id = hidden(&html, "gdc-id");
        assert!(id.parse::<uuid::Uuid>().is_ok(), "{pairs:?}: a forged id is replaced: {id}");
    }
    // Typed markup comes back as text in its textarea, never as markup (a
    // textarea's children are raw text, so the server escapes them itself).
    let typed = "</textarea><h1 id=injected>&amp; ok";
    let page = post(&app, query, &[("topics", "ai"), ("a.ai.principles", typed), ("go", "next")]).await;
    let html = page.text().await.unwrap();
    assert!(!html.contains("<h1 id=injected>"), "{html}");
    assert!(html.contains("&lt;/textarea>&lt;h1 id=injected>&amp;amp; ok</textarea>"), "{html}");
    // Sending an incomplete form goes to the first step with an error, says why, stores nothing.
    let page = post(&app, query, &[("gdc-step", "review"), ("go", "send"), ("topics", "ai")]).await;
    assert_eq!(page.status(), 422);
    assert!(page.text().await.unwrap().contains("name=\"gdc-step\" value=\"answers\""));
    assert!(app.outbox_ids().is_empty());
}

#[tokio::test]
async fn the_language_menu_without_script_brings_the_same_step_back_in_that_language_with_everything_typed() {
    let app = app().await;
    let pairs = [
        ("gdc-step", "about"),
        ("topics", "ai"),
        ("a.ai.principles", "Transparence"),
        ("country_name", "Allemagne"),
        // A language button of the menu posts its language and no `go`.
        ("gdc-lang", "ar"),
    ];
    let page = post(&app, "site=demo&lang=fr&theme=dark", &pairs).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("lang=\"ar\" dir=\"rtl\" data-theme=\"dark\""), "{html}");
    assert!(html.contains("action=\"/embed/v1?site=demo&amp;theme=dark&amp;lang=ar\""), "{html}");
    assert!(html.contains("name=\"gdc-step\" value=\"about\""), "the same step");
    assert!(html.contains("name=\"a.ai.principles\" value=\"Transparence\""), "the answer carried");
    // The country typed in French, named again in Arabic.
    assert!(html.contains("value=\"ألمانيا\""), "{html}");
    // The menu is six submit buttons of the form, each in its language.
    for code in gdc_i18n::LANGUAGES {
        let button = format!("form=\"gdc-form\" name=\"gdc-lang\" value=\"{code}\" formnovalidate lang=\"{code}\"");
        assert!(html.contains(&button), "{button} in {html}");
    }
    // Pressed on the review step, a language button changes the language
    // and sends nothing (a form without `go` there would be sent).
    let review = [("gdc-step", "review"), ("topics", "ai"), ("a.ai.principles", "Transparence"), ("gdc-lang", "es")];
    let page = post(&app, "site=demo&lang=fr", &review).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("lang=\"es\" dir=\"ltr\"") && html.contains("name=\"gdc-step\" value=\"review\""), "{html}");
    assert!(app.outbox_ids().is_empty(), "nothing sent");
    // A page served before the menu's buttons posts `go=language` with it.
    let page = post(&app, "site=demo&lang=fr", &[("gdc-lang", "ru"), ("go", "language")]).await;
    assert!(page.text().await.unwrap().contains("lang=\"ru\" dir=\"ltr\""));
    // An unknown language is English, never an error.
    let page = post(&app, "site=demo&lang=fr", &[("gdc-lang", "xx"), ("go", "language")]).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("lang=\"en\" dir=\"ltr\""));
}

#[tokio::test]
async fn a_page_without_script_carries_the_sites_style_properties_and_only_safe_ones() {
    let app = app().await;
    let style =
        |html: &str| html.split_once("<style>:root{").map(|(_, rest)| rest.split_once('}').unwrap().0.to_owned());
    let page = |query: String| {
        let app = &app;
        async move {
            let page = app.get(&format!("/embed/v1?site=demo&lang=en&{query}")).await;
            assert_eq!(page.status(), 200, "{query}");
            let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
            (page.text().await.unwrap(), csp)
        }
    };
    let q = |pairs: &[(&str, &str)]| form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();

    // What the configurator's presets and a webmaster write.
    let (html, csp) = page(q(&[
        ("--gdc-accent", "#0a6650"),
        ("--gdc-bg", "rgb(255 255 255 / 90%)"),
        ("--gdc-radius", "12px"),
        ("--gdc-font", "\"Noto Naskh Arabic\", 'Segoe UI', sans-serif"),
        ("--gdc-space", "1.25em"),
        ("--gdc-text", "  #1b1f24  "),
        ("--gdc-border", "微软雅黑"),
    ]))
    .await;
    let rule = "--gdc-accent:#0a6650;--gdc-bg:rgb(255 255 255 / 90%);--gdc-radius:12px;\
                --gdc-font:\"Noto Naskh Arabic\", 'Segoe UI', sans-serif;--gdc-space:1.25em;--gdc-text:#1b1f24;\
                --gdc-border:微软雅黑";
    assert_eq!(style(&html).as_deref(), Some(rule));
    let allowed = csp_hash(&format!(":root{{{rule}}}"));
    assert!(csp.contains(&format!("'sha256-{allowed}'")), "the page's policy allows it by its hash: {csp}");
    // The boot script in the page is allowed by its hash, and no other.
    assert_eq!(directive(&csp, "script-src"), script_src_for(boot_script(&html)), "{csp}");

    // Each value that could end its declaration or the element, load
    // something, or is not one of the names, is left out; a name given
    // twice keeps the first.
    for (name, value) in [
        ("--gdc-accent", "red;}body{display:none"),
        ("--gdc-accent", "red</style><script>alert(1)</script>"),
        ("--gdc-bg", "url(https://evil.example/x.png)"),
        ("--gdc-bg", "URL(//evil.example)"),
        ("--gdc-text", "red\\;"),
        ("--gdc-text", "red\n}"),
        ("--gdc-radius", ""),
        ("--gdc-radius", &"9".repeat(201)),
        ("--gdc-accent-text", "red"),
        ("--gdc-", "red"),
        ("gdc-accent", "red"),
        ("--GDC-ACCENT", "red"),
        ("--gdc-font", "a{}"),
        ("--gdc-space", "1em !important"),
        ("--gdc-border", "@import 'x'"),
    ] {
        let (html, csp) = page(q(&[(name, value)])).await;
        assert_eq!(style(&html), None, "{name}={value:?} left out");
        assert_eq!(directive(&csp, "style-src").matches("'sha256-").count(), 1, "only the stylesheet's hash: {csp}");
    }
    let (html, _) = page(q(&[("--gdc-accent", "#111111"), ("--gdc-accent", "#222222")])).await;
    assert_eq!(style(&html).as_deref(), Some("--gdc-accent:#111111"));
    // The page's form posts to an address that keeps them for the next step.
    let (html, _) = page(q(&[("--gdc-accent", "#0a6650")])).await;
    assert!(html.contains("--gdc-accent=%230a6650"), "the form's action keeps the properties");
}

/// The embed page is kept in memory with its policy's hashes, and a build
/// made while the companion runs (`cargo xtask build`) is what the next
/// page shows, allowed by its own hash, without a restart.
#[tokio::test]
async fn a_build_made_while_the_companion_runs_is_served_with_its_own_hashes() {
    let app = app().await;
    let page = || async {
        let page = app.get("/embed/v1?site=demo&lang=en").await;
        assert_eq!(page.status(), 200);
        let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
        let html = page.text().await.unwrap();
        (boot_script(&html).to_owned(), directive(&csp, "script-src").to_owned())
    };
    let (before, script_src) = page().await;
    assert_eq!(script_src, script_src_for(&before));
    assert_eq!(page().await, (before.clone(), script_src), "the same page again");

    let template = app.dir.path().join("dist/embed.html");
    let rebuilt = fs::read_to_string(&template).unwrap().replacen(
        "<script type=\"module\">",
        "<script type=\"module\">/* rebuilt */",
        1,
    );
    fs::write(&template, rebuilt).unwrap();
    let (after, script_src) = page().await;
    assert_eq!(after, format!("/* rebuilt */{before}"), "the new build");
    assert_eq!(script_src, script_src_for(&after), "its own hash");

    // A build half done (the page missing for a moment): a clear 503, and
    // the page again once it is back.
    let kept = fs::read(&template).unwrap();
    fs::remove_file(&template).unwrap();
    assert_eq!(app.get("/embed/v1?site=demo&lang=en").await.status(), 503);
    fs::write(&template, kept).unwrap();
    assert_eq!(page().await.0, after);
}
