//! The configurator (`/` of every companion) in a real browser: every
//! control drives the live preview and the code to paste, and its address
//! brings the same configuration back; each snippet pasted on a partner page
//! of another origin shows the same widget as the preview, pixel for pixel
//! (the pinned one only with its true integrity, checked on the companion's
//! own origin too, where no CORS is involved); and the page meets WCAG A and
//! AA in its six languages and works with the keyboard alone, even when a
//! slow site check answers after the webmaster has moved on.
//!
//! It is long because it walks every control, then three snippets in two
//! modes, then six languages: each part needs its own waits and checks.
//! A step's mismatches are collected and reported together at the end, so
//! one broken control does not hide the state of the others.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use gdc_e2e::form::press;
use gdc_e2e::form::{TAKEN_OVER, WAIT};
use gdc_e2e::picture::{Picture, decode};
use gdc_e2e::{Browser, DemoServer, axe, server_bin, widget_frame};
use serde_json::{Value, json};

const LANGS: [&str; 6] = ["ar", "en", "es", "fr", "ru", "zh"];

/// Binds `host` (the preview element), `frame` (its iframe, in iframe
/// mode), `doc` (the frame's document or the shadow root), `gdc` (the
/// widget's root) and `css(selector, property)`. The preview's frame is on
/// the configurator's origin, so the page can read it.
const PRELUDE: &str = "const host = document.querySelector('#preview-area gdc-consultation');
const frame = host && host.shadowRoot && host.shadowRoot.querySelector('iframe');
const doc = frame ? frame.contentDocument : host && host.shadowRoot;
const gdc = doc && doc.querySelector('.gdc');
const css = (s, p) => { const e = doc && doc.querySelector(s); return e ? getComputedStyle(e)[p] : null; };\n";

/// What the preview shows, for messages.
const LOOK: &str = "return gdc && { mode: frame ? 'iframe' : 'inline', served: gdc.hasAttribute('data-served'),
  theme: gdc.dataset.theme, lang: gdc.lang, compact: !!doc.querySelector('.gdc-compact'),
  answer: (doc.querySelector('textarea') || {}).id, bg: css('.gdc', 'backgroundColor'), text: css('.gdc', 'color'),
  accent: css('.gdc-submit', 'backgroundColor'), border: css('.gdc select', 'borderTopColor'),
  radius: css('.gdc', 'borderTopLeftRadius'), space: css('.gdc', 'paddingTop'), font: css('.gdc', 'fontFamily') };";

/// Records the widgets' events and policy violations in every document.
const RECORD_EVENTS: &str = "window.__events = [];
for (const t of ['gdc:ready', 'gdc:error']) document.addEventListener(t, e => window.__events.push(t));
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));";

async fn js(c: &Client, body: &str, args: Vec<Value>) -> Result<Value> {
    Ok(c.execute(&format!("{PRELUDE}{body}"), args).await?)
}

/// Polls `condition` (JavaScript after [`PRELUDE`], given `arguments`)
/// until true or `timeout`.
async fn became(c: &Client, condition: &str, args: Vec<Value>, timeout: Duration) -> Result<bool> {
    let start = Instant::now();
    let script = format!("try {{ return !!({condition}); }} catch (e) {{ return false; }}");
    loop {
        if js(c, &script, args.clone()).await? == json!(true) {
            return Ok(true);
        }
        if start.elapsed() > timeout {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_for(c: &Client, condition: &str, what: &str) -> Result<()> {
    ensure!(became(c, condition, vec![], WAIT).await?, "{what} within {WAIT:?}");
    Ok(())
}

/// Opens the configurator at `query` and waits for its texts in `ui`, the
/// site check and the pinned snippet's hash.
async fn open(c: &Client, server: &DemoServer, query: &str, ui: &str) -> Result<()> {
    c.goto(&format!("{}/{query}", server.url)).await?;
    wait_for(c, &format!("document.documentElement.lang === {ui:?}"), "the page's language").await?;
    wait_for(c, "document.getElementById('site-status').textContent.trim()", "the site's status").await?;
    wait_for(c, "document.getElementById('code-pinned').textContent.includes('sha384-')", "the loader's hash").await
}

async fn code(c: &Client, id: &str) -> Result<String> {
    let text = js(c, "return document.getElementById('code-' + arguments[0]).textContent;", vec![json!(id)]);
    Ok(text.await?.as_str().context("a snippet")?.to_owned())
}

async fn element(c: &Client, id: &str) -> Result<fantoccini::elements::Element> {
    Ok(c.wait().at_most(WAIT).for_element(Locator::Id(id)).await?)
}

/// Replaces a text box's content by typing, then leaves it with Tab, as a
/// webmaster does (leaving it is a `change`, which checks the site again).
async fn type_into(c: &Client, id: &str, text: &str) -> Result<()> {
    let field = element(c, id).await?;
    field.clear().await.with_context(|| format!("clearing #{id}"))?;
    let typed = format!("{text}{}", char::from(Key::Tab));
    field.send_keys(&typed).await.with_context(|| format!("typing into #{id}"))?;
    Ok(())
}

async fn choose(c: &Client, id: &str, value: &str) -> Result<()> {
    element(c, id).await?.select_by_value(value).await.with_context(|| format!("choosing {value} in #{id}"))?;
    Ok(())
}

async fn click(c: &Client, id: &str) -> Result<()> {
    element(c, id).await?.click().await.with_context(|| format!("clicking #{id}"))?;
    Ok(())
}

/// Counts the site checks under way (the configurator's `/v1/sites/`
/// requests, until shortly after their answer is read), as typing sends
/// one for a partial address whenever it pauses.
const TRACK_CHECKS: &str = "window.__checks = 0;
const fetch0 = window.fetch;
window.fetch = function (url, options) {
  const answer = fetch0.call(this, url, options);
  if (String(url).includes('/v1/sites/')) {
    window.__checks++;
    answer.then(r => r.clone().text()).catch(() => {}).then(() => setTimeout(() => window.__checks--, 50));
  }
  return answer;
};";

/// Waits for the last site check after typing (its delay is 250 ms) and
/// for the status to read `text`, then checks `aria-invalid`.
async fn status(c: &Client, bad: &mut Vec<String>, text: &str, invalid: bool) -> Result<()> {
    tokio::time::sleep(Duration::from_millis(350)).await;
    let condition = "window.__checks === 0 && document.getElementById('site-status').textContent === arguments[0]";
    if !became(c, condition, vec![json!(text)], WAIT).await? {
        let shown = js(c, "return document.getElementById('site-status').textContent;", vec![]).await?;
        bad.push(format!("site status {shown}, expected {text:?}"));
    }
    let aria = js(c, "return document.getElementById('site').getAttribute('aria-invalid');", vec![]).await?;
    // No attribute is as good as "false".
    let aria = if aria.is_null() { json!("false") } else { aria };
    if aria != json!(invalid.to_string()) {
        bad.push(format!("after status {text:?}: #site aria-invalid={aria}, expected {invalid}"));
    }
    Ok(())
}

/// After a change: the preview's attributes, the snippets' attributes, and
/// (when `look` is not empty, JavaScript after [`PRELUDE`]) what it shows.
async fn expect(c: &Client, bad: &mut Vec<String>, step: &str, attrs: &[(&str, &str)], look: &str) -> Result<()> {
    let preview = js(c, "return Object.fromEntries([...host.attributes].map(a => [a.name, a.value]));", vec![]).await?;
    let (script, el, pinned) = (code(c, "script").await?, code(c, "element").await?, code(c, "pinned").await?);
    for (k, v) in attrs {
        if preview[k] != json!(v) {
            bad.push(format!("{step}: the preview has {k}={}, expected {v:?}", preview[k]));
        }
        let data = format!(" data-{k}=\"{v}\"");
        for (name, snippet, wanted) in [("script", &script, &data), ("pinned", &pinned, &data)] {
            if !snippet.contains(wanted.as_str()) {
                bad.push(format!("{step}: #code-{name} lacks{wanted}: {snippet}"));
            }
        }
        if !el.contains(&format!(" {k}=\"{v}\"")) {
            bad.push(format!("{step}: #code-element lacks {k}=\"{v}\": {el}"));
        }
    }
    let shows = format!("gdc && !gdc.hasAttribute('data-served') && {look}");
    if !look.is_empty() && !became(c, &shows, vec![], WAIT).await? {
        bad.push(format!("{step}: the preview never showed `{look}`; it shows {}", js(c, LOOK, vec![]).await?));
    }
    Ok(())
}

/// Every control's value (checked state for boxes) and the preview's
/// attributes, but the preset: a starting point the address does not keep.
const CONTROLS: &str = "const out = { ui: document.getElementById('ui').value };
for (const el of document.querySelectorAll('#config input, #config select'))
  if (el.id !== 'preset') out[el.id] = el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value;
out.preview = Object.fromEntries([...host.attributes].map(a => [a.name, a.value]));
return out;";

#[tokio::test(flavor = "multi_thread")]
async fn browser_every_control_changes_the_preview_and_the_snippet() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(TRACK_CHECKS).await?;
    let c = &browser.client;
    let catalogs = gdc_i18n::Catalogs::load().map_err(|e| anyhow::anyhow!("catalogs: {e:?}"))?;
    let en = catalogs.get("en");
    let mut bad = Vec::new();
    open(c, &server, "", "en").await?;
    status(c, &mut bad, &en.get("cfg-site-empty"), false).await?;
    wait_for(c, "host.getAttribute('site') === 'demo' && doc.querySelector('#gdc-topic-ai')", "no key: the demo")
        .await?;
    ensure!(!code(c, "script").await?.contains("data-site"), "no key, no data-site in the code");

    type_into(c, "site", "nope").await?;
    status(c, &mut bad, &en.get("cfg-site-unknown"), true).await?;
    type_into(c, "site", "demo").await?;
    status(c, &mut bad, &en.get("cfg-site-ok"), false).await?;
    expect(c, &mut bad, "site", &[("site", "demo")], "doc.querySelector('#gdc-topic-ai')").await?;
    let origins = "http://localhost:*, http://127.0.0.1:*";
    let pages = [
        ("https://www.example.org/consultation", en.with("cfg-problem-origin-not-registered", &[("origins", origins)])),
        ("not an address", en.get("cfg-problem-not-an-address")),
        ("http://localhost:8080/news/article.html", en.get("cfg-site-ok-origin")),
    ];
    for (i, (page, said)) in pages.iter().enumerate() {
        type_into(c, "page", page).await?;
        status(c, &mut bad, said, i < 2).await?;
    }
    let before = code(c, "script").await?;

    click(c, "variant-compact").await?;
    expect(c, &mut bad, "compact", &[("variant", "compact")], "doc.querySelector('.gdc-compact')").await?;
    if js(c, "return document.getElementById('question-field').hidden;", vec![]).await? != json!(false) {
        bad.push("compact: the question field stays hidden".into());
    }
    choose(c, "question", "comments").await?;
    let look = "doc.querySelector('textarea[id$=\"-comments\"]')";
    expect(c, &mut bad, "question", &[("question", "comments")], look).await?;
    click(c, "topic-ai").await?;
    click(c, "topic-data").await?;
    // In the order the consultation lists them; compact asks about the first.
    expect(c, &mut bad, "topics", &[("topics", "data,ai")], "doc.querySelector('#gdc-a-data-comments')").await?;
    choose(c, "theme", "dark").await?;
    let look = "gdc.dataset.theme === 'dark' && css('.gdc', 'backgroundColor') === 'rgb(13, 17, 23)'";
    expect(c, &mut bad, "theme", &[("theme", "dark")], look).await?;

    choose(c, "preset", "un").await?;
    let un = [("accent", "#0b5cad"), ("bg", "#ffffff"), ("text", "#1b1f24"), ("border", "#6b7280"), ("radius", "4px")];
    let look =
        "css('.gdc-submit', 'backgroundColor') === 'rgb(11, 92, 173)' && css('.gdc', 'borderTopLeftRadius') === '4px'";
    expect(c, &mut bad, "preset", &un, look).await?;
    for (k, v) in &un[..4] {
        let shown = js(c, "return [document.getElementById(arguments[0]).value, document.getElementById(arguments[0] + '-pick').value];", vec![json!(k)]).await?;
        if shown != json!([v, v]) {
            bad.push(format!("preset: #{k} and its picker show {shown}, expected {v:?} in both"));
        }
    }
    let colours = [
        ("accent", "#0a6650", "css('.gdc-submit', 'backgroundColor') === 'rgb(10, 102, 80)'"),
        ("bg", "#fffdf5", "css('.gdc', 'backgroundColor') === 'rgb(255, 253, 245)'"),
        ("text", "#1a1a2e", "css('.gdc', 'color') === 'rgb(26, 26, 46)'"),
        ("border", "#445566", "css('.gdc select', 'borderTopColor') === 'rgb(68, 85, 102)'"),
    ];
    for (k, v, look) in colours {
        type_into(c, k, v).await?;
        expect(c, &mut bad, k, &[(k, v)], look).await?;
        let picked = js(c, "return document.getElementById(arguments[0] + '-pick').value;", vec![json!(k)]).await?;
        if picked != json!(v) {
            bad.push(format!("{k}: its colour picker shows {picked}, not {v}"));
        }
    }
    type_into(c, "radius", "12px").await?;
    expect(c, &mut bad, "radius", &[("radius", "12px")], "css('.gdc', 'borderTopLeftRadius') === '12px'").await?;
    type_into(c, "space", "1.5em").await?;
    expect(c, &mut bad, "space", &[("space", "1.5em")], "css('.gdc', 'paddingTop') === '24px'").await?;
    choose(c, "font-choice", "inherit").await?;
    let look = "css('.gdc', 'fontFamily') === getComputedStyle(document.getElementById('preview-area')).fontFamily";
    expect(c, &mut bad, "font inherit", &[("font", "inherit")], look).await?;
    choose(c, "font-choice", "custom").await?;
    type_into(c, "font", "Georgia, serif").await?;
    let look = "css('.gdc', 'fontFamily') === 'Georgia, serif'";
    expect(c, &mut bad, "font custom", &[("font", "Georgia, serif")], look).await?;
    choose(c, "lang", "fr").await?;
    expect(c, &mut bad, "lang", &[("lang", "fr")], "gdc.lang === 'fr'").await?;

    ensure!(!code(c, "csp").await?.contains("'wasm-unsafe-eval'"), "the frame needs no Wasm in the page");
    click(c, "mode-inline").await?;
    let look = "!frame && css('.gdc-submit', 'backgroundColor') === 'rgb(10, 102, 80)' && gdc.lang === 'fr'";
    expect(c, &mut bad, "mode", &[("mode", "inline")], look).await?;
    let csp = code(c, "csp").await?;
    if !csp.contains(&format!("script-src {} 'wasm-unsafe-eval'; connect-src {}", server.url, server.url)) {
        bad.push(format!("inline: the policy lacks 'wasm-unsafe-eval' or connect-src: {csp}"));
    }
    click(c, "lazy").await?;
    expect(c, &mut bad, "lazy off", &[("loading", "eager")], "").await?;
    ensure!(code(c, "script").await? != before, "the code changed");

    choose(c, "ui", "fr").await?;
    let fr = catalogs.get("fr");
    let french = "document.querySelector('label[for=site]').textContent === arguments[0]";
    ensure!(became(c, french, vec![json!(fr.get("cfg-site-key"))], WAIT).await?, "French labels");
    status(c, &mut bad, &fr.get("cfg-site-ok-origin"), false).await?;
    let noscript = format!("title=\"{}\"", fr.get("consultation-name"));
    if !code(c, "script").await?.contains(&noscript) {
        bad.push(format!("ui fr: the noscript frame is not titled {noscript}"));
    }

    // The address keeps it all.
    let query = js(c, "return Object.fromEntries(new URLSearchParams(location.search));", vec![]).await?;
    let wanted = json!({ "site": "demo", "page": "http://localhost:8080/news/article.html", "topics": "data,ai",
        "lang": "fr", "theme": "dark", "variant": "compact", "question": "comments", "mode": "inline",
        "loading": "eager", "accent": "#0a6650", "bg": "#fffdf5", "text": "#1a1a2e", "border": "#445566",
        "radius": "12px", "space": "1.5em", "font": "Georgia, serif", "ui": "fr" });
    if query != wanted {
        bad.push(format!("the address keeps {query}, expected {wanted}"));
    }
    let controls = js(c, CONTROLS, vec![]).await?;
    let snippets = [code(c, "script").await?, code(c, "element").await?, code(c, "csp").await?];
    let url = c.current_url().await?;
    c.goto("about:blank").await?;
    open(c, &server, &format!("?{}", url.query().unwrap_or_default()), "fr").await?;
    status(c, &mut bad, &fr.get("cfg-site-ok-origin"), false).await?;
    let again = js(c, CONTROLS, vec![]).await?;
    if again != controls {
        bad.push(format!("reloaded from {url}, the controls read {again}\n  instead of {controls}"));
    }
    let again = [code(c, "script").await?, code(c, "element").await?, code(c, "csp").await?];
    if again != snippets {
        bad.push(format!("reloaded, the code reads {again:?}\n  instead of {snippets:?}"));
    }
    let look = "!frame && gdc.lang === 'fr' && css('.gdc', 'fontFamily') === 'Georgia, serif'";
    expect(c, &mut bad, "reloaded", &[("accent", "#0a6650")], look).await?;
    ensure!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));
    browser.close().await
}

fn px(p: &Picture, x: usize, y: usize) -> &[u8] {
    &p.rgba[(y * p.width as usize + x) * 4..][..4]
}

/// Whether two pictures show the same: sizes within 2 px, and at least 99%
/// of the pixels they share within 40 on every channel. Else why not.
fn same_picture(a: &Picture, b: &Picture) -> Result<(), String> {
    if a.width.abs_diff(b.width) > 2 || a.height.abs_diff(b.height) > 2 {
        return Err(format!("{}x{} against {}x{}", a.width, a.height, b.width, b.height));
    }
    let (w, h) = (a.width.min(b.width) as usize, a.height.min(b.height) as usize);
    let differing = (0..h)
        .flat_map(|y| (0..w).map(move |x| (x, y)))
        .filter(|&(x, y)| px(a, x, y).iter().zip(px(b, x, y)).any(|(p, q)| p.abs_diff(*q) > 40))
        .count();
    let share = differing as f64 / (w * h).max(1) as f64;
    if share > 0.01 { Err(format!("{:.2}% of the pixels differ", share * 100.0)) } else { Ok(()) }
}

/// Waits until the element's height stops changing and fonts are in, then
/// takes its picture.
async fn settled_picture(c: &Client, host: &str) -> Result<(Vec<u8>, Picture)> {
    let (mut last, mut same, start) = (-1.0, 0, Instant::now());
    while same < 4 {
        let h =
            c.execute("return document.querySelector(arguments[0]).getBoundingClientRect().height;", vec![json!(host)]);
        let h = h.await?.as_f64().unwrap_or(0.0);
        same = if h > 100.0 && (h - last).abs() < 0.5 { same + 1 } else { 0 };
        last = h;
        ensure!(start.elapsed() < WAIT, "{host} never settled (height {h})");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    c.execute_async(
        "document.fonts.ready.then(() => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(arguments[0], 200))));",
        vec![],
    )
    .await?;
    let shot = c.find(Locator::Css(host)).await?.screenshot().await?;
    Ok((shot.clone(), decode(&shot)?))
}

/// Whether the partner page's widget was taken over by the Wasm (entering
/// its frame, on the companion's origin, in iframe mode), once a visitor
/// begins to use it.
async fn partner_taken_over(c: &Client, inline: bool, timeout: Duration) -> Result<bool> {
    let start = Instant::now();
    let mut pointed = false;
    loop {
        let sized = "const e = document.querySelector('gdc-consultation');
                     return !!e && e.getBoundingClientRect().height > 40;";
        if !pointed && c.execute(sized, vec![]).await? == json!(true) {
            gdc_e2e::widget::begin_using(c, "gdc-consultation").await?;
            pointed = true;
        }
        let ready = c.execute("return window.__events.includes('gdc:ready');", vec![]).await? == json!(true);
        let over = if !ready {
            false
        } else if inline {
            let q = format!(
                "return !!document.querySelector('gdc-consultation').shadowRoot.querySelector({TAKEN_OVER:?});"
            );
            c.execute(&q, vec![]).await? == json!(true)
        } else {
            widget_frame(c, WAIT).await?.enter_frame().await?;
            let found = c.execute(&format!("return !!document.querySelector({TAKEN_OVER:?});"), vec![]).await;
            c.enter_parent_frame().await?;
            found? == json!(true)
        };
        if over {
            return Ok(true);
        }
        if start.elapsed() > timeout {
            return Ok(false);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Where both widgets stand, on whole pixels, the same width.
const PLACE: &str = "position: fixed; left: 16px; top: 16px; width: 600px; z-index: 10";

#[tokio::test(flavor = "multi_thread")]
async fn browser_each_snippet_pasted_on_another_origin_shows_the_same_widget_as_the_preview() -> Result<()> {
    let root = tempfile::tempdir()?;
    std::fs::create_dir_all(root.path().join("examples"))?;
    let server = DemoServer::start_with(&server_bin(), root.path())?;
    let partner = server.url.replace("127.0.0.1", "localhost");
    ensure!(partner != server.url, "the demo should listen on 127.0.0.1, not {}", server.url);
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD_EVENTS).await?;
    let c = &browser.client;
    c.set_window_size(1024, 2400).await?;
    let out = gdc_e2e::repo_root().join("target/configurator-screenshots");
    std::fs::create_dir_all(&out)?;
    let mut bad = Vec::new();
    for mode in ["iframe", "inline"] {
        let inline = mode == "inline";
        let query = format!(
            "?site=demo&topics=ai,data&theme=dark&accent=%230a6650&lang=fr&loading=eager{}",
            if inline { "&mode=inline" } else { "" }
        );
        open(c, &server, &query, "en").await?;
        let snippets = [code(c, "script").await?, code(c, "element").await?, code(c, "pinned").await?];
        for snippet in &snippets {
            assert!(snippet.contains("--gdc-accent=%230a6650"), "the noscript frame keeps the accent: {snippet}");
        }
        let csp = code(c, "csp").await?;
        let csp = csp.strip_prefix("Content-Security-Policy: ").context("a policy")?.to_owned();
        // The pinned hash is the served loader's, as hashed here afresh.
        let hash = c.execute_async(
            "fetch('/widget/v1/loader.js', { cache: 'no-store' }).then(r => r.arrayBuffer()).then(b => crypto.subtle.digest('SHA-384', b))
             .then(d => arguments[0]('sha384-' + btoa(String.fromCharCode(...new Uint8Array(d)))));",
            vec![],
        );
        let hash = hash.await?.as_str().context("a hash")?.to_owned();
        assert!(snippets[2].contains(&format!("integrity=\"{hash}\" crossorigin=\"anonymous\"")), "{}", snippets[2]);

        // Over a white sheet, as on the blank partner page: the frame is
        // transparent around the widget's rounded corners. (Both in the
        // preview's stacking context: `.preview` is sticky.)
        let place = "host.style.cssText = arguments[0]; host.insertAdjacentHTML('beforebegin',
            '<div style=\"position: fixed; inset: 0; background: #fff; z-index: 9\"></div>');";
        js(c, place, vec![json!(PLACE)]).await?;
        let look = "gdc.dataset.theme === 'dark' && gdc.lang === 'fr' && doc.querySelector('#gdc-topic-data') \
                    && css('.gdc-submit', 'backgroundColor') === 'rgb(10, 102, 80)'";
        wait_for(c, &format!("gdc && !gdc.hasAttribute('data-served') && {look}"), "the preview").await?;
        let (shot, preview) = settled_picture(c, "#preview-area gdc-consultation").await?;
        std::fs::write(out.join(format!("{mode}-preview.png")), shot)?;

        let tampered = snippets[2].replace(&hash, &format!("sha384-{}", hash[7..].chars().rev().collect::<String>()));
        let pages = [
            ("script", &snippets[0], &partner),
            ("element", &snippets[1], &partner),
            ("pinned", &snippets[2], &partner),
            ("tampered", &tampered, &partner),
            // On the companion's own origin no CORS is involved: there the
            // pinned tag must load, and the tampered one must not.
            ("pinned-same-origin", &snippets[2], &server.url),
            ("tampered-same-origin", &tampered, &server.url),
        ];
        for (name, snippet, origin) in pages {
            let html = format!(
                "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>A partner page</title>\
                 <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\
                 <style>body {{ margin: 0 }} gdc-consultation {{ {PLACE} }}</style></head><body>\n{snippet}\n</body></html>"
            );
            let file = format!("{mode}-{name}.html");
            std::fs::write(root.path().join("examples").join(&file), html)?;
            c.goto(&format!("{origin}/examples/{file}")).await?;
            let wait = if name.starts_with("tampered") { Duration::from_secs(8) } else { WAIT };
            let shown = partner_taken_over(c, inline, wait).await?;
            let csp_reports = c.execute("return window.__csp;", vec![]).await?;
            if csp_reports != json!([]) {
                bad.push(format!("{mode}, {name}: under the policy it gave ({csp}), the page reported {csp_reports}"));
            }
            if name.starts_with("tampered") {
                let elements = c.execute("return document.querySelectorAll('gdc-consultation').length;", vec![]);
                if shown || elements.await? != json!(0) {
                    bad.push(format!("{mode}, {name}: a tampered integrity still gave a widget"));
                }
                continue;
            }
            if !shown {
                let cors = c.execute_async(
                    "fetch(arguments[0], { mode: 'cors' }).then(r => arguments[1]('read, ' + r.status), e => arguments[1]('refused: ' + e));",
                    vec![json!(format!("{}/widget/v1/loader.js", server.url))],
                );
                bad.push(format!(
                    "{mode}, {name}: no widget on the partner page; a CORS read of the loader from this page was {}",
                    cors.await?
                ));
                continue;
            }
            let (shot, picture) = settled_picture(c, "gdc-consultation").await?;
            let path = out.join(format!("{mode}-{name}.png"));
            std::fs::write(&path, shot)?;
            if let Err(why) = same_picture(&preview, &picture) {
                bad.push(format!("{mode}, {name}: unlike the preview: {why} (see {})", path.display()));
            }
        }
    }
    ensure!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));
    browser.close().await
}

/// What has focus, followed into the preview's shadow root and frame:
/// `[the page's element id, the innermost element, its outline style]`.
const FOCUSED: &str = "let a = document.activeElement; const top = a ? a.id : '';
for (;;) {
  if (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  else if (a && a.localName === 'iframe' && a.contentDocument && a.contentDocument.activeElement
           && a.contentDocument.activeElement !== a.contentDocument.body) a = a.contentDocument.activeElement;
  else break;
}
const s = a && getComputedStyle(a);
return [top, a ? a.localName + '#' + a.id + '.' + a.className : '', s ? s.outlineStyle + ' ' + s.outlineWidth : ''];";

/// Checks that what has focus shows it with an outline.
async fn focus_shows(c: &Client, bad: &mut Vec<String>) -> Result<Value> {
    let f = c.execute(FOCUSED, vec![]).await?;
    if f[2].as_str().is_none_or(|o| o.starts_with("none") || o.ends_with(" 0px")) {
        bad.push(format!("no visible focus on {}: outline {}", f[1], f[2]));
    }
    Ok(f)
}

/// Presses Tab until `done` (JavaScript on `a`, the page's focused
/// element) holds; each element reached must show its focus.
async fn tab_until(c: &Client, bad: &mut Vec<String>, done: &str) -> Result<()> {
    for _ in 0..200 {
        if c.execute(&format!("const a = document.activeElement; return !!(a && ({done}));"), vec![]).await?
            == json!(true)
        {
            return Ok(());
        }
        press(c, &[Key::Tab]).await?;
        focus_shows(c, bad).await?;
    }
    bail!("Tab never reached `{done}`; focus is on {}", c.execute(FOCUSED, vec![]).await?)
}

#[tokio::test(flavor = "multi_thread")]
async fn browser_the_configurator_is_accessible_in_every_language_and_by_keyboard() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    browser.on_new_document(TRACK_CHECKS).await?;
    let c = &browser.client;
    let catalogs = gdc_i18n::Catalogs::load().map_err(|e| anyhow::anyhow!("catalogs: {e:?}"))?;
    let mut bad = Vec::new();
    // The first page as it opens, then one with every field shown and the
    // site key in error.
    let shown = "&variant=compact&font=Georgia%2C%20serif&site=demo&page=https%3A%2F%2Fwww.example.org%2F&mode=inline";
    for state in ["", shown] {
        for lang in LANGS {
            open(c, &server, &format!("?ui={lang}{state}"), lang).await?;
            let texts = catalogs.get(lang);
            let page = c.execute("return [document.documentElement.dir, document.title, document.querySelector('label[for=site]').textContent];", vec![]);
            let wanted =
                json!([if lang == "ar" { "rtl" } else { "ltr" }, texts.get("cfg-title"), texts.get("cfg-site-key")]);
            let page = page.await?;
            if page != wanted {
                bad.push(format!("{lang}: the page reads {page}, expected {wanted}"));
            }
            let over = if state.is_empty() { "frame" } else { "!frame" };
            wait_for(c, &format!("gdc && !gdc.hasAttribute('data-served') && {over}"), "the preview").await?;
            let place = format!("ui={lang}{state}");
            let mut found = axe::run(c, "document").await?.violations;
            if state.is_empty() {
                widget_frame(c, WAIT).await?.enter_frame().await?;
                let inside = axe::run(c, "document").await;
                c.enter_parent_frame().await?;
                found.extend(inside?.violations);
            }
            bad.extend(found.iter().map(|v| format!("{place}: {v}")));
        }
    }

    // The keyboard alone, from the top of the page.
    let en = catalogs.get("en");
    open(c, &server, "", "en").await?;
    c.execute("document.activeElement && document.activeElement.blur(); window.focus();", vec![]).await?;
    press(c, &[Key::Tab]).await?;
    ensure!(focus_shows(c, &mut bad).await?[0] == "ui", "the first stop is the page's language");
    tab_until(c, &mut bad, "a.id === 'site'").await?;
    c.active_element().await?.send_keys("demo").await?;
    press(c, &[Key::Tab]).await?;
    press(c, &[Key::Shift, Key::Tab]).await?;
    ensure!(c.execute(FOCUSED, vec![]).await?[0] == "site", "Shift+Tab goes back to the site key");
    status(c, &mut bad, &en.get("cfg-site-ok"), false).await?;
    tab_until(c, &mut bad, "a.id === 'variant-full'").await?;
    press(c, &[Key::Down]).await?;
    wait_for(
        c,
        "document.getElementById('variant-compact').checked && host.getAttribute('variant') === 'compact'",
        "compact by arrow",
    )
    .await?;
    tab_until(c, &mut bad, "a.name === 'topic'").await?;
    press(c, &[Key::Space]).await?;
    let topic = c.execute("return document.activeElement.checked && document.activeElement.value;", vec![]).await?;
    let topic = topic.as_str().context("Space checks the topic")?.to_owned();
    tab_until(c, &mut bad, "a.id === 'theme'").await?;
    press(c, &[Key::Down]).await?;
    wait_for(c, "document.getElementById('theme').value === 'light'", "a theme chosen by arrow").await?;
    tab_until(c, &mut bad, "a.localName === 'button' && a.closest('#snippet-list')").await?;
    let script = code(c, "script").await?;
    for part in
        ["data-site=\"demo\"", &format!("data-topics=\"{topic}\""), "data-theme=\"light\"", "data-variant=\"compact\""]
    {
        ensure!(script.contains(part), "the code has {part}: {script}");
    }
    press(c, &[Key::Space]).await?;
    let said = json!([en.get("cfg-copied"), en.get("cfg-copy-failed")]);
    let copied = "arguments[0].includes(document.getElementById('copied').textContent)";
    ensure!(became(c, copied, vec![said], WAIT).await?, "the Copy button said it copied, or how to");

    // On a slow network the site check answers after the webmaster has
    // tabbed on to the topics: the focus stays where they are.
    open(c, &server, "", "en").await?;
    browser.cdp("Network.enable", json!({})).await?;
    let slow = json!({ "offline": false, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1 });
    browser.cdp("Network.emulateNetworkConditions", slow).await?;
    c.execute("document.activeElement && document.activeElement.blur(); window.focus();", vec![]).await?;
    tab_until(c, &mut bad, "a.id === 'site'").await?;
    c.active_element().await?.send_keys("demo").await?;
    press(c, &[Key::Tab, Key::Tab, Key::Tab]).await?;
    ensure!(c.execute(FOCUSED, vec![]).await?[0] == "topic-connectivity", "three Tabs from the key: the first topic");
    status(c, &mut bad, &en.get("cfg-site-ok"), false).await?;
    let after = c.execute(FOCUSED, vec![]).await?;
    if after[0] != "topic-connectivity" {
        bad.push(format!("the site check's answer took the focus from the first topic to {}", after[1]));
    }
    ensure!(bad.is_empty(), "{} problems:\n{}", bad.len(), bad.join("\n"));
    browser.close().await
}
