//! The form the companion renders (`/embed/v1`, `/embed/v1/fragment`), in
//! real Chromium: with JavaScript off, step by step to the central store;
//! without WebAssembly (V8 without its JIT, as in hardened browsers) and
//! under a page policy that refuses Wasm, where inline mode falls back to
//! the iframe; and what a visitor does before a slow Wasm arrives, which
//! the Wasm keeps when it takes the form over; and inline mode's loader
//! bringing the first screen its address asks for.
//!
//! Partner pages are on `http://localhost:PORT`, the companion on
//! `http://127.0.0.1:PORT`: two origins, as on a real partner site.
//!
//! It is longer than 400 lines because it walks whole forms in a real
//! browser (both modes for two of its four cases) and holds the small
//! delaying proxy the last case needs.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};
use fantoccini::elements::Element;
use fantoccini::{Client, Locator};
use gdc_e2e::form::{MIN_SUBMIT_TIME, WAIT, click, set_text};
use gdc_e2e::widget::{Mode, begin_using, wait_for_event};
use gdc_e2e::{Browser, DemoServer, Partner, wait_for_form_token_age, widget_frame};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Chromium's profile setting for "sites may not use JavaScript".
const JS_OFF: &str = "profile.managed_default_content_settings.javascript";
/// V8 without its JIT exposes no `WebAssembly`, in every frame: an init
/// script (`on_new_document`) deleting it would not reach the cross-site
/// frame, which runs in its own process.
const NO_WASM: &str = "--js-flags=--jitless";
const WARNING: &str = "gdc: this page cannot run WebAssembly";
/// Typed answers: non-Latin script, emoji, a line break, quotes and markup.
const TEXT: &str = "Des réseaux ouverts pour tous 🌍\nالشفافية أولاً — «خوارزميات» <b>&amp;</b>";

async fn js(c: &Client, script: &str) -> Result<Value> {
    Ok(c.execute(script, vec![]).await?)
}

/// Polls `script` until it returns `want`.
async fn until(c: &Client, script: &str, want: Value) -> Result<()> {
    let start = Instant::now();
    loop {
        let got = c.execute(script, vec![]).await;
        if matches!(&got, Ok(v) if *v == want) {
            return Ok(());
        }
        ensure!(start.elapsed() < WAIT, "never {want}: {script} gave {got:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the document is the companion's answer `status` showing the step `title`.
async fn shown(c: &Client, status: u16, title: &str) -> Result<()> {
    let now = "const t = document.querySelector('.gdc-step-title');
               return [performance.getEntriesByType('navigation')[0].responseStatus, t && t.textContent];";
    until(c, now, json!([status, title])).await
}

/// Records, on the partner page, the widget's events, `console.warn` and
/// policy violations, before any of its scripts runs.
const RECORD: &str = "window.__events = []; window.__warn = []; window.__csp = [];
for (const t of ['gdc:ready', 'gdc:submitted', 'gdc:error'])
  document.addEventListener(t, e => window.__events.push({ type: t, detail: e.detail }));
const warn = console.warn;
console.warn = function (...args) { window.__warn.push(args.join(' ')); return warn.apply(this, args); };
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));";

async fn wait_for_warning(c: &Client) -> Result<()> {
    let warned = format!("return (window.__warn || []).some(w => w.startsWith({WARNING:?}));");
    until(c, &warned, json!(true)).await.context("the loader's console warning")
}

/// The widget's shadow root holds the companion's iframe and no form of its own.
async fn assert_fell_back_to_the_iframe(c: &Client, companion: &str) -> Result<()> {
    let src = widget_frame(c, WAIT).await?.attr("src").await?.unwrap_or_default();
    assert!(src.starts_with(&format!("{companion}/embed/v1?")), "the fallback frame: {src}");
    let inline =
        js(c, "return document.querySelector('gdc-consultation').shadowRoot.querySelectorAll('form, .r').length;");
    assert_eq!(inline.await?, json!(0), "no inline form remains");
    Ok(())
}

/// In the widget's frame (entered): types the compact form's one answer and
/// sends it as a person would, then returns the receipt's reference.
async fn send_compact_in_frame(c: &Client, text: &str) -> Result<String> {
    set_text(c, "#gdc-a-ai-principles", text).await?;
    wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    click(c, ".gdc-submit").await?;
    receipt(c).await
}

/// The reference on the receipt the companion shows after a send, once
/// there; else the page's text, which says why.
async fn receipt(c: &Client) -> Result<String> {
    let start = Instant::now();
    let script = "const r = document.querySelector('.gdc-receipt .gdc-reference');
                  return r ? [true, r.textContent] : [false, 'status ' +
                    performance.getEntriesByType('navigation')[0].responseStatus + ': ' + document.body.innerText];";
    loop {
        let now = c.execute(script, vec![]).await;
        match now.as_ref().ok().and_then(|v| v[0].as_bool().zip(v[1].as_str())) {
            Some((true, id)) => return Ok(id.to_owned()),
            _ if start.elapsed() > WAIT => bail!("no receipt after Send; the page shows {now:?}"),
            _ => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// Proves: with JavaScript off, the served form alone walks every step (its
/// errors beside the field, in French, with status 422), keeps what was
/// typed going back, names the country typed in French in any case, sends,
/// shows the receipt, and a second send after Back and a reload store
/// nothing more: one row, byte-equal text, country `CI`, lang `fr`. The
/// site's accent from the frame's address colours it throughout.
#[tokio::test(flavor = "multi_thread")]
async fn browser_javascript_off_completes_every_step_and_the_row_reaches_the_central_store() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start_with(&[], json!({ JS_OFF: 2 })).await?;
    let c = &browser.client;
    let catalogs = gdc_i18n::Catalogs::load().expect("the catalogs compile");
    let fr = catalogs.get("fr");
    // With the site's accent, as the loader puts it in the frame's address.
    c.goto(&format!("{}/embed/v1?site=demo&lang=fr&--gdc-accent=%230a6650", server.url)).await?;
    shown(c, 200, &fr.get("step-topics")).await?;
    let accent = "return getComputedStyle(document.querySelector('.gdc-submit')).backgroundColor;";
    assert_eq!(js(c, accent).await?, json!("rgb(10, 102, 80)"), "the site's accent, without script");
    assert_eq!(js(c, "return performance.getEntriesByName('gdc-boot').length;").await?, json!(0), "no script ran");
    let id_field = "return document.querySelector('input[name=gdc-id]').value;";
    let id = js(c, id_field).await?.as_str().context("the form's id")?.to_owned();

    // Next with no topic: the error beside the topics, in French.
    click(c, ".gdc-submit").await?;
    shown(c, 422, &fr.get("step-topics")).await?;
    let error = js(
        c,
        "const f = document.getElementById('gdc-topics');
        return [document.getElementById(f.getAttribute('aria-describedby')).textContent, f.getAttribute('aria-invalid'),
                document.querySelector('p.gdc-summary[role=alert]').textContent];",
    );
    assert_eq!(error.await?, json!([fr.get("error-required"), "true", fr.get("errors-summary")]));
    assert_eq!(js(c, accent).await?, json!("rgb(10, 102, 80)"), "and on the step the companion answered");

    click(c, "#gdc-topic-other").await?;
    click(c, ".gdc-submit").await?;
    shown(c, 200, &fr.get("step-answers")).await?;
    set_text(c, "#gdc-a-other-principles", TEXT).await?;
    click(c, ".gdc-submit").await?;
    shown(c, 200, &fr.get("step-about")).await?;
    click(c, ".gdc-back").await?;
    shown(c, 200, &fr.get("step-answers")).await?;
    let kept = js(c, "return document.getElementById('gdc-a-other-principles').value;").await?;
    assert_eq!(kept, json!(TEXT), "the answer is kept going back");
    // The language menu without script: opened, español pressed, the same
    // step comes back in Spanish with the answer; then français again.
    let es = catalogs.get("es");
    for (lang, texts) in [("es", &es), ("fr", &fr)] {
        click(c, "#gdc-lang").await?;
        click(c, &format!(".gdc-lang-list button[lang={lang}]")).await?;
        shown(c, 200, &texts.get("step-answers")).await?;
        let now = "return [document.documentElement.lang, document.getElementById('gdc-a-other-principles').value];";
        assert_eq!(js(c, now).await?, json!([lang, TEXT]), "in {lang}, the answer kept");
    }
    click(c, ".gdc-submit").await?;
    shown(c, 200, &fr.get("step-about")).await?;
    c.find(Locator::Id("gdc-stakeholder")).await?.select_by_value("youth").await?;
    // Typed as a visitor would, ending with Enter (which means Next).
    c.find(Locator::Id("gdc-country")).await?.send_keys("CÔTE d’ivoire\u{E007}").await?;
    shown(c, 200, &fr.get("step-privacy")).await?;
    click(c, "#gdc-publish").await?;
    click(c, ".gdc-submit").await?;
    shown(c, 200, &fr.get("step-review")).await?;
    let review = js(c, "return [...document.querySelectorAll('.gdc-review dd')].map(d => d.textContent);").await?;
    let review: Vec<String> = serde_json::from_value(review)?;
    assert!(review.contains(&TEXT.to_owned()), "the review shows the answer: {review:?}");
    assert!(review.contains(&"Côte d’Ivoire".to_owned()), "and the country's French name: {review:?}");
    assert_eq!(js(c, id_field).await?, json!(id), "one id for the whole form");

    wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    click(c, ".gdc-submit").await?;
    let on_receipt = || async {
        assert_eq!(receipt(c).await?, id, "the receipt names the form's id");
        assert!(c.current_url().await?.query().is_some_and(|q| q.contains(&format!("sent={id}"))));
        anyhow::Ok(())
    };
    on_receipt().await?;
    // Back to the review (the browser posts its step again), Send again,
    // then reload the receipt.
    c.back().await?;
    c.refresh().await?;
    shown(c, 200, &fr.get("step-review")).await?;
    click(c, ".gdc-submit").await?;
    on_receipt().await?;
    c.refresh().await?;
    on_receipt().await?;

    // The second send reached the companion, which knew it (200, not 202).
    let metrics = gdc_e2e::http_get(&format!("{}/metrics", server.url))?;
    for answer in ["gdc_intake_requests_total{status=\"202\"} 1", "gdc_intake_requests_total{status=\"200\"} 1"] {
        assert!(metrics.lines().any(|l| l == answer), "{answer} in {metrics}");
    }
    server.wait_for_export(WAIT, |rows| !rows.is_empty()).await?;
    assert_eq!(server.settled_deliveries(WAIT).await?, (1, 0), "delivered once");
    let rows = server.export()?;
    assert_eq!(rows.len(), 1, "exactly one row: {rows:?}");
    let s = &rows[0]["submission"];
    assert!(rows[0].get("flag").is_none(), "a person is not taken for a bot: {rows:?}");
    assert_eq!(s["id"], json!(id));
    assert_eq!(s["answers"], json!([{ "topic": "other", "principles": TEXT, "commitments": "", "comments": "" }]));
    assert_eq!(
        (&s["submitter"]["country"], &s["submitter"]["stakeholder"], &s["lang"]),
        (&json!("CI"), &json!("youth"), &json!("fr"))
    );
    assert_eq!(s["consent"]["publish"], json!(true));
    browser.close().await
}

/// Proves: in a browser without WebAssembly, iframe mode keeps the served
/// form, tells the host it is ready in its basic form, and sends; inline
/// mode says why in the console, shows the iframe instead, and that sends.
#[tokio::test(flavor = "multi_thread")]
async fn browser_without_webassembly_the_served_form_works_in_both_modes() -> Result<()> {
    let partner = Partner::start()?;
    let companion = partner.server.url.clone();
    let browser = Browser::start_with(&[NO_WASM], json!({})).await?;
    browser.on_new_document(RECORD).await?;
    let c = &browser.client;
    let attrs = |prefix: &str| {
        let pairs = [("site", "demo"), ("variant", "compact"), ("topics", "ai"), ("lang", "en"), ("loading", "eager")];
        pairs.map(|(k, v)| format!("{prefix}{k}=\"{v}\"")).join(" ")
    };
    let loader = format!("{companion}/widget/v1/loader.js");
    let iframe = format!("<script src=\"{loader}\" {} async></script>", attrs("data-"));
    let inline = format!(
        "<gdc-consultation mode=\"inline\" {}></gdc-consultation><script src=\"{loader}\" async></script>",
        attrs("")
    );
    for (mode, body) in [("iframe", iframe), ("inline", inline)] {
        c.goto(&partner.page(&format!("{mode}.html"), "", &body)?).await?;
        assert_eq!(js(c, "return typeof WebAssembly;").await?, json!("undefined"), "{mode}: a browser without Wasm");
        if mode == "inline" {
            wait_for_warning(c).await?;
            assert_fell_back_to_the_iframe(c, &companion).await?;
        }
        let ready = wait_for_event(c, "gdc:ready", WAIT).await?;
        assert_eq!(ready["detail"]["basic"], json!(true), "{mode}: {ready}");
        widget_frame(c, WAIT).await?.enter_frame().await?;
        assert_eq!(js(c, "return !!document.querySelector('.gdc[data-served] form.gdc-compact');").await?, json!(true));
        let text = format!("{mode}: {TEXT}");
        let id = send_compact_in_frame(c, &text).await?;
        c.enter_parent_frame().await?;
        let row = partner.row(&id).await?;
        assert_eq!(row["submission"]["answers"][0]["principles"], json!(text), "{mode}");
        assert_eq!(row["submission"]["answers"][0]["topic"], "ai");
    }
    browser.close().await
}

/// Proves: inline mode on a page whose CSP has no 'wasm-unsafe-eval' says
/// why in the console and shows the iframe (whose own page may run the
/// Wasm), leaving no inline form, and that iframe sends.
#[tokio::test(flavor = "multi_thread")]
async fn browser_a_page_csp_that_refuses_wasm_gets_the_iframe_in_inline_mode() -> Result<()> {
    let partner = Partner::start()?;
    let companion = partner.server.url.clone();
    let csp = format!(
        "default-src 'none'; script-src {companion}; frame-src {companion}; connect-src {companion}; style-src 'self'"
    );
    let head = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">");
    let body = format!(
        "<gdc-consultation mode=\"inline\" site=\"demo\" variant=\"compact\" topics=\"ai\" lang=\"en\" loading=\"eager\">\
         </gdc-consultation><script src=\"{companion}/widget/v1/loader.js\" async></script>"
    );
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD).await?;
    let c = &browser.client;
    c.goto(&partner.page("no-wasm-csp.html", &head, &body)?).await?;
    wait_for_warning(c).await?;
    let csp = js(c, "return window.__csp;").await?;
    assert!(
        csp.as_array().into_iter().flatten().any(|v| v.as_str().is_some_and(|v| v.contains("wasm"))),
        "the page's policy refused the Wasm: {csp}"
    );
    assert_fell_back_to_the_iframe(c, &companion).await?;
    begin_using(c, "gdc-consultation").await?;
    let ready = wait_for_event(c, "gdc:ready", WAIT).await?;
    assert_ne!(ready["detail"]["basic"], json!(true), "the frame's own page runs the Wasm: {ready}");
    widget_frame(c, WAIT).await?.enter_frame().await?;
    c.wait().at_most(WAIT).for_element(Locator::Css(".gdc:not([data-served]) #gdc-a-ai-principles")).await?;
    set_text(c, "#gdc-a-ai-principles", TEXT).await?;
    wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    click(c, ".gdc-submit").await?;
    c.enter_parent_frame().await?;
    let submitted = wait_for_event(c, "gdc:submitted", WAIT).await?;
    let id = submitted["detail"]["id"].as_str().context("gdc:submitted carries the id")?;
    assert_eq!(partner.row(id).await?["submission"]["answers"][0]["principles"], json!(TEXT));
    assert_fell_back_to_the_iframe(c, &companion).await?;
    browser.close().await
}

/// An HTTP proxy on loopback in front of `upstream`: one request per
/// connection (it asks for `Connection: close`), a request for a `.wasm`
/// path held for `delay` first. Lives as long as the test's runtime.
async fn delaying_proxy(upstream: String, delay: Duration) -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let (mut head, mut buf) = (Vec::new(), [0; 4096]);
                let end = loop {
                    if let Some(i) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i;
                    }
                    match client.read(&mut buf).await? {
                        0 => return anyhow::Ok(()),
                        n => head.extend_from_slice(&buf[..n]),
                    }
                };
                let text = String::from_utf8_lossy(&head[..end]).into_owned();
                let path = text.split(' ').nth(1).unwrap_or_default();
                if path.split('?').next().unwrap_or_default().ends_with(".wasm") {
                    tokio::time::sleep(delay).await;
                }
                let lines = text.split("\r\n").filter(|l| !l.to_ascii_lowercase().starts_with("connection:"));
                let request = format!("{}\r\nConnection: close\r\n\r\n", lines.collect::<Vec<_>>().join("\r\n"));
                let mut server = tokio::net::TcpStream::connect(&upstream).await?;
                server.write_all(request.as_bytes()).await?;
                server.write_all(&head[end + 4..]).await?;
                tokio::io::copy_bidirectional(&mut client, &mut server).await?;
                Ok(())
            });
        }
    });
    Ok(url)
}

/// Runs `body` with `root` bound to the widget's root: the shadow root in
/// inline mode, the document of the frame (which the client is in) in
/// iframe mode.
async fn in_widget(c: &Client, mode: Mode, body: &str, args: Vec<Value>) -> Result<Value> {
    Ok(c.execute(&format!("const root = {}; {body}", mode.root()), args).await?)
}

/// The widget's element matching `css`, once there.
async fn element(c: &Client, mode: Mode, css: &str) -> Result<Element> {
    let start = Instant::now();
    loop {
        let found = match mode {
            Mode::Iframe => c.find(Locator::Css(css)).await,
            Mode::Inline => {
                c.find(Locator::Css("gdc-consultation")).await?.shadow_root().await?.find(Locator::Css(css)).await
            }
        };
        match found {
            Ok(e) => return Ok(e),
            Err(e) if start.elapsed() > WAIT => bail!("{css} never showed: {e}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
}

/// The widget's state: served or taken over, its chosen topics, its focus.
const STATE: &str = "return [!!root.querySelector('.gdc[data-served]'),
    [...root.querySelectorAll('input[name=topics]:checked')].map(t => t.value), (root.activeElement || {}).id];";

async fn typed_before_the_wasm_is_kept(mode: Mode) -> Result<()> {
    let partner = Partner::start()?;
    let proxy =
        delaying_proxy(partner.server.url.trim_start_matches("http://").to_owned(), Duration::from_secs(2)).await?;
    let attrs = if mode == Mode::Inline { "mode=\"inline\"" } else { "" };
    let body = format!(
        "<gdc-consultation site=\"demo\" lang=\"en\" loading=\"eager\" {attrs}></gdc-consultation>\
         <script src=\"{proxy}/widget/v1/loader.js\" async></script>"
    );
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD).await?;
    let c = &browser.client;
    c.goto(&partner.page("slow.html", "", &body)?).await?;
    if mode == Mode::Iframe {
        widget_frame(c, WAIT).await?.enter_frame().await?;
    }
    // The served form, as soon as it shows: two topics, by real clicks.
    element(c, mode, ".gdc[data-served] #gdc-topic-ai").await?.click().await?;
    element(c, mode, "#gdc-topic-data").await?.click().await?;
    let before = in_widget(c, mode, STATE, vec![]).await?;
    assert_eq!(before, json!([true, ["data", "ai"], "gdc-topic-data"]), "typed into the served form, before the Wasm");

    if mode == Mode::Iframe {
        c.enter_parent_frame().await?;
    }
    wait_for_event(c, "gdc:ready", WAIT).await?;
    if mode == Mode::Iframe {
        widget_frame(c, WAIT).await?.enter_frame().await?;
    }
    let after = in_widget(c, mode, STATE, vec![]).await?;
    assert_eq!(after, json!([false, ["data", "ai"], "gdc-topic-data"]), "the Wasm's form keeps the topics and focus");

    // On with the Wasm, to the end.
    let set = "const el = root.querySelector(arguments[0]); el.focus(); el.value = arguments[1];
               el.dispatchEvent(new Event('input', { bubbles: true })); el.blur();";
    element(c, mode, ".gdc-submit").await?.click().await?;
    for topic in ["ai", "data"] {
        let css = format!("#gdc-a-{topic}-principles");
        element(c, mode, &css).await?;
        in_widget(c, mode, set, vec![json!(css), json!(format!("{topic}: {TEXT}"))]).await?;
    }
    element(c, mode, ".gdc-submit").await?.click().await?;
    element(c, mode, "#gdc-stakeholder").await?.select_by_value("youth").await?;
    element(c, mode, "#gdc-country").await?.send_keys("Rwanda").await?;
    element(c, mode, ".gdc-submit").await?.click().await?;
    element(c, mode, "#gdc-publish").await?;
    element(c, mode, ".gdc-submit").await?.click().await?;
    element(c, mode, ".gdc-review").await?;
    wait_for_form_token_age(c, MIN_SUBMIT_TIME).await?;
    element(c, mode, ".gdc-submit").await?.click().await?;
    if mode == Mode::Iframe {
        c.enter_parent_frame().await?;
    }
    let submitted = wait_for_event(c, "gdc:submitted", WAIT).await?;
    let id = submitted["detail"]["id"].as_str().context("gdc:submitted carries the id")?;
    let row = partner.row(id).await?;
    let answers = row["submission"]["answers"].as_array().context("answers")?;
    let mut topics: Vec<&str> = answers.iter().filter_map(|a| a["topic"].as_str()).collect();
    topics.sort_unstable();
    assert_eq!(topics, ["ai", "data"], "both topics chosen before the Wasm arrived: {row}");
    for a in answers {
        assert_eq!(a["principles"], json!(format!("{}: {TEXT}", a["topic"].as_str().unwrap_or_default())));
    }
    browser.close().await
}

/// Proves: with the Wasm two seconds late, topics checked in the served
/// form (iframe mode) survive the takeover with the focus, and the Wasm
/// sends them.
#[tokio::test(flavor = "multi_thread")]
async fn browser_what_is_typed_before_the_wasm_arrives_is_kept() -> Result<()> {
    typed_before_the_wasm_is_kept(Mode::Iframe).await
}

/// The same in inline mode, where the served fragment is in the shadow root.
#[tokio::test(flavor = "multi_thread")]
async fn browser_what_is_typed_before_the_wasm_arrives_is_kept_inline() -> Result<()> {
    typed_before_the_wasm_is_kept(Mode::Inline).await
}

/// Proves: a step sent before the Wasm arrived (Next with no topic) comes
/// back from the companion with its error beside the field, and the Wasm,
/// taking that page over, shows the same error rather than a clean form.
#[tokio::test(flavor = "multi_thread")]
async fn browser_errors_the_companion_showed_stay_when_the_wasm_takes_over() -> Result<()> {
    let partner = Partner::start()?;
    let proxy =
        delaying_proxy(partner.server.url.trim_start_matches("http://").to_owned(), Duration::from_secs(2)).await?;
    let body = format!(
        "<gdc-consultation site=\"demo\" lang=\"en\" loading=\"eager\"></gdc-consultation>\
         <script src=\"{proxy}/widget/v1/loader.js\" async></script>"
    );
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD).await?;
    let c = &browser.client;
    c.goto(&partner.page("early.html", "", &body)?).await?;
    widget_frame(c, WAIT).await?.enter_frame().await?;
    // Next on the served form, before the Wasm: the companion answers.
    element(c, Mode::Iframe, ".gdc[data-served] .gdc-submit").await?.click().await?;
    let shown = "return [!!root.querySelector('.gdc[data-served]'),
        root.getElementById('gdc-topics-error').textContent, root.getElementById('gdc-topics').getAttribute('aria-invalid')];";
    let start = Instant::now();
    while in_widget(c, Mode::Iframe, shown, vec![]).await.ok() != Some(json!([true, "Please fill this in.", "true"])) {
        ensure!(start.elapsed() < WAIT, "the companion never showed the error");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.enter_parent_frame().await?;
    wait_for_event(c, "gdc:ready", WAIT).await?;
    widget_frame(c, WAIT).await?.enter_frame().await?;
    let after = in_widget(c, Mode::Iframe, shown, vec![]).await?;
    assert_eq!(after, json!([false, "Please fill this in.", "true"]), "the Wasm's form shows the error too");
    browser.close().await
}

/// The names of the page's requests for the served fragment, so far.
const FRAGMENT_GETS: &str = "return performance.getEntriesByType('resource').map(e => e.name)
    .filter(n => n.includes('/embed/v1/fragment'));";

/// Proves: in inline mode, a loader whose address repeats the widget's
/// settings brings the first screen inside it: the served form shows, in
/// the language asked, without a request for the fragment; a step sent
/// before the Wasm (held back two seconds) is answered by the companion
/// with its error; the Wasm takes that over. A loader address whose
/// settings are not the element's (another language) is not used: the
/// loader fetches the form the element asks for.
#[tokio::test(flavor = "multi_thread")]
async fn browser_the_inline_loader_brings_the_first_screen_its_address_asks_for() -> Result<()> {
    let partner = Partner::start()?;
    let proxy =
        delaying_proxy(partner.server.url.trim_start_matches("http://").to_owned(), Duration::from_secs(2)).await?;
    let snippet = |lang: &str| {
        format!(
            "<script src=\"{proxy}/widget/v1/loader.js?site=demo&amp;lang=fr&amp;mode=inline\" async \
             data-site=demo data-lang={lang} data-mode=inline data-loading=eager></script>"
        )
    };
    let browser = Browser::start().await?;
    browser.on_new_document(RECORD).await?;
    let c = &browser.client;

    c.goto(&partner.page("brought.html", "", &snippet("fr"))?).await?;
    let next = element(c, Mode::Inline, ".gdc[data-served][lang=fr] .gdc-submit").await?;
    assert_eq!(js(c, FRAGMENT_GETS).await?, json!([]), "the first screen came inside the loader");
    next.click().await?;
    let shown = "return [!!root.querySelector('.gdc[data-served]'),
        (root.getElementById('gdc-topics-error') || {}).textContent];";
    let start = Instant::now();
    while in_widget(c, Mode::Inline, shown, vec![]).await.ok() != Some(json!([true, "Veuillez remplir ce champ."])) {
        ensure!(start.elapsed() < WAIT, "the companion never answered the step sent from the brought form");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    wait_for_event(c, "gdc:ready", WAIT).await?;
    let after = in_widget(c, Mode::Inline, shown, vec![]).await?;
    assert_eq!(after, json!([false, "Veuillez remplir ce champ."]), "the Wasm took over the companion's answer");

    // The Wasm is in the browser's cache by now: the form may be its own.
    c.goto(&partner.page("other.html", "", &snippet("es"))?).await?;
    element(c, Mode::Inline, ".gdc[lang=es] #gdc-topic-ai").await?;
    let gets = js(c, FRAGMENT_GETS).await?;
    assert_eq!(gets.as_array().map(Vec::len), Some(1), "the Spanish form fetched, the French one unused: {gets}");
    assert_eq!(js(c, "return window.__csp;").await?, json!([]), "no policy violation");
    browser.close().await
}
