//! Every visitor in their own language, in real Chromium: which language a
//! widget chooses (its `lang` attribute, else the page's, else the
//! browser's), no English left on any step of a form in another language,
//! counts in each language's plural forms and digits, the language menu
//! keeping what was typed, and right-to-left layout with what visitors type
//! shown in its own direction.
//!
//! It is long because each test walks a whole form in a real browser, and
//! the helpers that reach into the widget's shadow root are shared here.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use fantoccini::Client;
use gdc_e2e::form::WAIT;
use gdc_e2e::{Browser, DemoServer};
use gdc_i18n::{Catalogs, SAME_AS_ENGLISH};
use serde_json::{Value, json};

/// Runs `body` with `root` bound to the shadow root of the widget `#id`.
async fn in_widget(c: &Client, id: &str, body: &str, args: Vec<Value>) -> Result<Value> {
    let script =
        format!("const root = document.getElementById({id:?}).shadowRoot; const args = arguments; {body}", id = id);
    Ok(c.execute(&script, args).await?)
}

/// Waits until `check` (run in the widget's shadow root) returns true.
async fn wait_in_widget(c: &Client, id: &str, check: &str, what: &str) -> Result<()> {
    let start = Instant::now();
    loop {
        if in_widget(c, id, check, vec![]).await? == json!(true) {
            return Ok(());
        }
        if start.elapsed() > WAIT {
            bail!("widget #{id}: timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until the widget `#id` shows its form in `lang`.
async fn wait_for_lang(c: &Client, id: &str, lang: &str) -> Result<()> {
    let check = format!(
        "const r = root && root.querySelector('.r.gdc'); return !!r && r.lang === {lang:?} && !!root.querySelector('#gdc-lang');"
    );
    wait_in_widget(c, id, &check, &format!("language {lang}")).await
}

/// Every text a visitor or a screen reader meets in the widget: text
/// nodes, and the attributes read out (labels, titles, placeholders).
const VISIBLE_TEXTS: &str = "
  const out = [];
  const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const t = walk.currentNode.textContent.trim();
    if (t && !walk.currentNode.parentElement.closest('.gdc-lang-list, .gdc-lang-current, .gdc-hp')) out.push(t);
  }
  for (const el of root.querySelectorAll('[aria-label],[title],[placeholder]'))
    for (const a of ['aria-label', 'title', 'placeholder']) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  return out;";

/// Fails when a widget in `lang` shows a text of the English catalog: a
/// whole text equal to one, or containing a longer one.
async fn assert_no_english(c: &Client, id: &str, lang: &str, step: &str, catalogs: &Catalogs) -> Result<()> {
    let shown: Vec<String> = serde_json::from_value(in_widget(c, id, VISIBLE_TEXTS, vec![]).await?)?;
    let (en, own) = (catalogs.get("en"), catalogs.get(lang));
    for (key, english) in en.iter() {
        let same = SAME_AS_ENGLISH.contains(&(lang, key)) || own.get(key) == english;
        // Texts with variables are compared by their longest fixed part.
        let fixed = english.split(['{', '}']).step_by(2).max_by_key(|p| p.len()).unwrap_or_default().trim();
        if same || fixed.chars().filter(|c| c.is_alphabetic()).count() < 2 {
            continue;
        }
        for text in &shown {
            // A phrase inside a longer text; a single word only as the whole
            // text (French writes "participants" too).
            let found = text == fixed || (fixed.len() >= 12 && fixed.contains(' ') && text.contains(fixed));
            assert!(!found, "{lang}, {step}: English text {key:?} ({fixed:?}) shown in {text:?}");
        }
    }
    Ok(())
}

/// A page on the companion's origin with widgets placed by `html`.
async fn page_with(c: &Client, server: &DemoServer, page_lang: &str, html: &str) -> Result<()> {
    c.goto(&format!("{}/examples/article.html", server.url)).await?;
    c.execute(
        "const [lang, html, companion] = arguments;
         document.documentElement.lang = lang;
         document.body.innerHTML = html;
         window.__langs = [];
         document.addEventListener('gdc:language', e => window.__langs.push([e.target.id, e.detail.lang]));
         const s = document.createElement('script');
         s.src = companion + '/widget/v1/loader.js';
         document.body.append(s);",
        vec![json!(page_lang), json!(html), json!(server.url)],
    )
    .await?;
    // The Wasm, whose language menu and live updates these tests follow,
    // comes once a visitor points at the form.
    gdc_e2e::widget::begin_using(c, "gdc-consultation").await
}

/// An inline widget `#w` on a French page, offering `topics`, on its
/// answers step for `topic`.
async fn french_form_at_answers(c: &Client, server: &DemoServer, topics: &str, topic: &str) -> Result<()> {
    let html =
        format!("<gdc-consultation id=w site=demo mode=inline loading=eager topics={topics}></gdc-consultation>");
    page_with(c, server, "fr", &html).await?;
    wait_for_lang(c, "w", "fr").await?;
    press(c, "w", &format!("#gdc-topic-{topic}")).await?;
    press(c, "w", ".gdc-submit").await?;
    let answers = format!("return !!root.querySelector('#gdc-a-{topic}-principles');");
    wait_in_widget(c, "w", &answers, "the answers step").await
}

async fn press(c: &Client, id: &str, css: &str) -> Result<()> {
    let script = format!("const el = root.querySelector({css:?}); if (!el) return false; el.click(); return true;");
    wait_in_widget(c, id, &script, css).await
}

async fn type_into(c: &Client, id: &str, css: &str, text: &str) -> Result<()> {
    in_widget(
        c,
        id,
        "const el = root.querySelector(args[0]); el.value = args[1]; el.dispatchEvent(new Event('input', { bubbles: true }));",
        vec![json!(css), json!(text)],
    )
    .await?;
    Ok(())
}

async fn set_attr(c: &Client, id: &str, name: &str, value: &str) -> Result<()> {
    c.execute(
        "document.getElementById(arguments[0]).setAttribute(arguments[1], arguments[2]);",
        vec![json!(id), json!(name), json!(value)],
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn browser_the_language_comes_from_the_attribute_then_the_page_then_the_browser() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    page_with(
        c,
        &server,
        "fr-CA",
        "<gdc-consultation id=attr site=demo mode=inline loading=eager lang=ru-RU></gdc-consultation>
         <gdc-consultation id=page site=demo mode=inline loading=eager></gdc-consultation>
         <section lang=zh-Hans-CN><gdc-consultation id=section site=demo mode=inline loading=eager></gdc-consultation></section>
         <section lang=''><gdc-consultation id=browser site=demo mode=inline loading=eager></gdc-consultation></section>
         <gdc-consultation id=other site=demo mode=inline loading=eager lang=de></gdc-consultation>
         <gdc-consultation id=arabic site=demo mode=inline loading=eager lang=ar-EG></gdc-consultation>",
    )
    .await?;
    // Chromium here runs in en-US; German is not a UN language: English.
    for (id, lang) in
        [("attr", "ru"), ("page", "fr"), ("section", "zh"), ("browser", "en"), ("other", "en"), ("arabic", "ar")]
    {
        wait_for_lang(c, id, lang).await?;
        let dir = in_widget(c, id, "return root.querySelector('.r').dir;", vec![]).await?;
        assert_eq!(dir, json!(if lang == "ar" { "rtl" } else { "ltr" }), "#{id}");
        let direction =
            in_widget(c, id, "return getComputedStyle(root.querySelector('.gdc-form')).direction;", vec![]).await?;
        assert_eq!(direction, json!(if lang == "ar" { "rtl" } else { "ltr" }), "#{id}: laid out in its direction");
    }
    // Each language of the menu is named in its own language.
    let menu = in_widget(
        c,
        "arabic",
        "return [...root.querySelectorAll('.gdc-lang-list button')].map(b => [b.value, b.lang, b.textContent.trim()]);",
        vec![],
    )
    .await?;
    let menu: Vec<(String, String, String)> = serde_json::from_value(menu)?;
    assert_eq!(menu.iter().map(|(v, _, _)| v.as_str()).collect::<Vec<_>>(), gdc_i18n::LANGUAGES);
    assert!(menu.iter().all(|(v, l, _)| v == l));
    let names: Vec<&str> = menu.iter().map(|(_, _, t)| t.as_str()).collect();
    assert!(names.contains(&"العربية") && names.contains(&"中文") && names.contains(&"русский"), "{names:?}");
    browser.close().await
}

#[tokio::test]
async fn browser_no_step_of_a_form_in_another_language_shows_english() -> Result<()> {
    let catalogs = Catalogs::load().expect("the catalogs compile");
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    page_with(c, &server, "en", "<gdc-consultation id=w site=demo mode=inline loading=eager lang=ar topics=ai,data></gdc-consultation><gdc-consultation id=k site=demo mode=inline loading=eager lang=ar variant=compact topics=ai></gdc-consultation>").await?;
    let langs = ["ar", "zh", "fr", "ru", "es"];
    let each_language = |step: &'static str| {
        let catalogs = &catalogs;
        async move {
            for lang in langs {
                for id in ["w", "k"] {
                    set_attr(c, id, "lang", lang).await?;
                    wait_for_lang(c, id, lang).await?;
                    assert_no_english(c, id, lang, step, catalogs).await?;
                }
            }
            anyhow::Ok(())
        }
    };
    wait_for_lang(c, "w", "ar").await?;
    each_language("topics").await?;
    // Next with nothing chosen: the error, in each language.
    press(c, "w", ".gdc-submit").await?;
    wait_in_widget(c, "w", "return !!root.querySelector('#gdc-topics-error').textContent;", "the topics error").await?;
    each_language("topics, with its error").await?;
    press(c, "w", "#gdc-topic-ai").await?;
    press(c, "w", ".gdc-submit").await?;
    wait_in_widget(c, "w", "return !!root.querySelector('#gdc-a-ai-principles');", "the answers step").await?;
    type_into(c, "w", "#gdc-a-ai-principles", "Transparency").await?;
    each_language("answers").await?;
    press(c, "w", ".gdc-submit").await?;
    press(c, "w", "#gdc-kind-consultation").await?;
    each_language("about you").await?;
    type_into(c, "w", "#gdc-event-title", "Forum").await?;
    type_into(c, "w", "#gdc-event-date", "2023-03-14").await?;
    type_into(c, "w", "#gdc-event-participants", "40").await?;
    in_widget(
        c,
        "w",
        "const s = root.querySelector('#gdc-stakeholder'); s.value = 'youth'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await?;
    // Rwanda, in the language the form is in now (the last one looped over).
    let rwanda = c
        .execute(
            "return new Intl.DisplayNames([arguments[0]], { type: 'region' }).of('RW');",
            vec![json!(langs[langs.len() - 1])],
        )
        .await?;
    type_into(c, "w", "#gdc-country", rwanda.as_str().unwrap_or_default()).await?;
    press(c, "w", ".gdc-submit").await?;
    press(c, "w", "#gdc-publish").await?;
    each_language("privacy").await?;
    press(c, "w", ".gdc-submit").await?;
    wait_in_widget(c, "w", "return !!root.querySelector('.gdc-review');", "the review step").await?;
    each_language("review").await?;
    // The review shows the count and the date in the locale's words.
    set_attr(c, "w", "lang", "ru").await?;
    wait_for_lang(c, "w", "ru").await?;
    let review = in_widget(c, "w", "return root.querySelector('.gdc-form').innerText;", vec![]).await?;
    let review = review.as_str().unwrap_or_default();
    assert!(review.contains("14 марта 2023"), "the date in Russian: {review}");
    let forty = catalogs.get("ru").plural("participants", "many", &[("count", "40")]);
    assert!(review.contains(&forty), "40 in Russian's 'many' form ({forty}): {review}");
    browser.close().await
}

#[tokio::test]
async fn browser_counts_use_each_languages_plural_forms_and_digits() -> Result<()> {
    let catalogs = Catalogs::load().expect("the catalogs compile");
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    page_with(c, &server, "en", "<gdc-consultation id=w site=demo mode=inline loading=eager lang=ru variant=compact topics=ai></gdc-consultation>").await?;
    let counter = "#gdc-a-ai-principles-count";
    for (lang, cases) in [
        ("ru", &[(1usize, "one"), (2, "few"), (5, "many"), (21, "one"), (11, "many")][..]),
        ("ar", &[(0, "zero"), (1, "one"), (2, "two"), (3, "few"), (11, "many"), (100, "other")]),
        ("fr", &[(1, "one"), (2, "other")]),
        ("zh", &[(1, "other"), (5, "other")]),
    ] {
        set_attr(c, "w", "lang", lang).await?;
        wait_for_lang(c, "w", lang).await?;
        for (left, category) in cases {
            type_into(c, "w", "#gdc-a-ai-principles", &"x".repeat(4000 - left)).await?;
            let shown =
                in_widget(c, "w", &format!("return root.querySelector('{counter}').textContent;"), vec![]).await?;
            let digits = c
                .execute(
                    "return new Intl.NumberFormat(arguments[0]).format(arguments[1]);",
                    vec![json!(lang), json!(left)],
                )
                .await?;
            let want = catalogs.get(lang).plural(
                "characters-left",
                category,
                &[("left", digits.as_str().unwrap_or_default())],
            );
            assert_eq!(shown, json!(want), "{lang}: {left} left");
        }
    }
    // Arabic counts in the locale's digits.
    set_attr(c, "w", "lang", "ar").await?;
    wait_for_lang(c, "w", "ar").await?;
    type_into(c, "w", "#gdc-a-ai-principles", "x").await?;
    let shown = in_widget(c, "w", &format!("return root.querySelector('{counter}').textContent;"), vec![]).await?;
    let arabic_digits = c.execute("return new Intl.NumberFormat('ar').format(3999);", vec![]).await?;
    assert!(shown.as_str().unwrap_or_default().contains(arabic_digits.as_str().unwrap_or("?")), "{shown}");
    browser.close().await
}

#[tokio::test]
async fn browser_the_language_menu_keeps_everything_typed_and_text_keeps_its_own_direction() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    french_form_at_answers(c, &server, "ai,data", "data").await?;
    let english = "Open data by default";
    let arabic = "حماية البيانات الشخصية";
    type_into(c, "w", "#gdc-a-data-principles", english).await?;
    type_into(c, "w", "#gdc-a-data-comments", arabic).await?;
    // The visitor opens the widget's own menu and picks Arabic.
    in_widget(
        c,
        "w",
        "root.querySelector('#gdc-lang').click(); root.querySelector('.gdc-lang-list button[lang=ar]').click();",
        vec![],
    )
    .await?;
    wait_for_lang(c, "w", "ar").await?;
    let state = in_widget(
        c,
        "w",
        "const v = (id) => root.querySelector(id);
         return [v('#gdc-a-data-principles').value, v('#gdc-a-data-comments').value,
                 getComputedStyle(v('#gdc-a-data-principles')).direction, getComputedStyle(v('#gdc-a-data-comments')).direction,
                 root.activeElement && root.activeElement.id, v('.r').dir];",
        vec![],
    )
    .await?;
    assert_eq!(
        state,
        json!([english, arabic, "ltr", "rtl", "gdc-lang", "rtl"]),
        "kept, each text in its direction, focus on the menu"
    );
    let events = c.execute("return window.__langs;", vec![]).await?;
    assert_eq!(events, json!([["w", "ar"]]), "the page hears of the visitor's choice");
    // The page changing another attribute keeps the visitor's language.
    set_attr(c, "w", "theme", "dark").await?;
    set_attr(c, "w", "topics", "data,ai").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    wait_for_lang(c, "w", "ar").await?;
    // On the review step each answer keeps its own direction too.
    press(c, "w", ".gdc-submit").await?;
    press(c, "w", "#gdc-kind-individual").await?;
    in_widget(
        c,
        "w",
        "const s = root.querySelector('#gdc-stakeholder'); s.value = 'academia'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await?;
    let country = c.execute("return new Intl.DisplayNames(['ar'], { type: 'region' }).of('MA');", vec![]).await?;
    type_into(c, "w", "#gdc-country", country.as_str().unwrap_or_default()).await?;
    press(c, "w", ".gdc-submit").await?;
    press(c, "w", ".gdc-submit").await?;
    wait_in_widget(c, "w", "return !!root.querySelector('.gdc-review');", "the review step").await?;
    let dirs = in_widget(
        c,
        "w",
        "return [...root.querySelectorAll('.gdc-review dd.gdc-review-text')].filter(d => [...args].includes(d.textContent))
           .map(d => [d.textContent, getComputedStyle(d).direction]);",
        vec![json!(english), json!(arabic)],
    )
    .await?;
    assert_eq!(dirs, json!([[english, "ltr"], [arabic, "rtl"]]), "answers on the review step");
    browser.close().await
}

#[tokio::test]
async fn browser_countries_are_named_sorted_and_found_in_the_visitors_language() -> Result<()> {
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    french_form_at_answers(c, &server, "ai", "ai").await?;
    type_into(c, "w", "#gdc-a-ai-principles", "Une réponse").await?;
    press(c, "w", ".gdc-submit").await?;
    press(c, "w", "#gdc-kind-individual").await?;
    in_widget(
        c,
        "w",
        "const s = root.querySelector('#gdc-stakeholder'); s.value = 'youth'; s.dispatchEvent(new Event('change'));",
        vec![],
    )
    .await?;
    let names =
        in_widget(c, "w", "return [...root.querySelectorAll('#gdc-country-list option')].map(o => o.value);", vec![])
            .await?;
    let names: Vec<String> = serde_json::from_value(names)?;
    assert_eq!(names.len(), gdc_core::countries::COUNTRY_CODES.len());
    let pos = |n: &str| names.iter().position(|x| x == n).unwrap_or_else(|| panic!("{n} missing from {names:?}"));
    // French collation: an accent does not push a name to the end.
    assert!(pos("Dominique") < pos("Égypte") && pos("Égypte") < pos("Érythrée") && pos("Érythrée") < pos("Fidji"));
    // Typed without accents, in capitals or with spaces around, a name is
    // still the country: Next goes on to the privacy step.
    for typed in ["cote d’ivoire", "  CÔTE D’IVOIRE ", "egypte", "ÉGYPTE", "Égypte"] {
        type_into(c, "w", "#gdc-country", typed).await?;
        press(c, "w", ".gdc-submit").await?;
        wait_in_widget(
            c,
            "w",
            "return !!root.querySelector('#gdc-publish');",
            &format!("the privacy step after {typed:?}"),
        )
        .await?;
        press(c, "w", ".gdc-back").await?;
        wait_in_widget(c, "w", "return !!root.querySelector('#gdc-country');", "the about step").await?;
    }
    // Something that is no country's name is an error beside the field.
    type_into(c, "w", "#gdc-country", "Atlantis").await?;
    press(c, "w", ".gdc-submit").await?;
    wait_in_widget(
        c,
        "w",
        "return root.querySelector('#gdc-country').getAttribute('aria-invalid') === 'true';",
        "the country error",
    )
    .await?;
    browser.close().await
}

#[tokio::test]
async fn browser_iframe_mode_speaks_the_page_language_and_titles_its_frame_in_it() -> Result<()> {
    let catalogs = Catalogs::load().expect("the catalogs compile");
    let server = DemoServer::start()?;
    let browser = Browser::start().await?;
    let c = &browser.client;
    c.goto(&format!("{}/examples/rtl.html", server.url)).await?;
    c.execute(
        "document.body.insertAdjacentHTML('beforeend', '<gdc-consultation id=f site=demo loading=eager lang=zh-CN></gdc-consultation>');",
        vec![],
    )
    .await?;
    let title = catalogs.get("zh").get("consultation-name");
    let start = Instant::now();
    let frame_title = loop {
        let t = c
            .execute(
                "const f = document.getElementById('f').shadowRoot.querySelector('iframe'); return f && f.title;",
                vec![],
            )
            .await?;
        if t == json!(title) || start.elapsed() > WAIT {
            break t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(frame_title, json!(title), "the frame is titled in the widget's language once it is ready");
    gdc_e2e::widget_frame_of(c, "#f", WAIT).await?.enter_frame().await?;
    let page = c
        .execute("return [document.documentElement.lang, document.documentElement.dir, document.title];", vec![])
        .await?;
    assert_eq!(page, json!(["zh", "ltr", title]));
    c.enter_parent_frame().await?;
    browser.close().await
}
