// The configurator (`/` of every companion): a webmaster's choices, read
// from its controls, drive a live <gdc-consultation> beside them through
// the same attribute changes partners use, and write the code to paste:
// a script tag and an element, each with its <noscript> frame, a pinned
// form with the loader's integrity, and the policy lines the mode needs.
// The page's address keeps the choices (shareable).
(() => {
  "use strict";
  const I18N = "__I18N__";
  const LANGS = "__LANGS__".split(" ");
  const ORIGIN = location.origin;
  const LOADER = ORIGIN + "/widget/v1/loader.js";
  const TOPICS = "__TOPICS__".split(" ");
  const QUESTIONS = ["principles", "commitments", "comments"];
  const THEMES = ["auto", "light", "dark", "high-contrast"];
  const COLOURS = ["accent", "bg", "text", "border"];
  // Starting points; every value can be changed after.
  const PRESETS = {
    none: {},
    un: { accent: "#0b5cad", bg: "#ffffff", text: "#1b1f24", border: "#6b7280", radius: "4px" },
    forest: { accent: "#0a6650", bg: "#f6faf7", text: "#14231c", border: "#5b6f64", radius: "10px" },
    ink: { accent: "#111111", bg: "#ffffff", text: "#111111", border: "#111111", radius: "0" },
    dusk: { accent: "#8ab4f8", bg: "#16181d", text: "#e8eaed", border: "#9aa0a6", radius: "8px" },
  };
  // The settings the address keeps, in the order the code writes them:
  // those the companion renders the form with, how it loads, its style.
  const FORM = ["site", "topics", "lang", "theme", "variant", "question"];
  const STYLE = ["accent", "bg", "text", "border", "radius", "space", "font"];
  const KEYS = [...FORM, "mode", "loading", ...STYLE];
  const $ = (id) => document.getElementById(id);
  const form = $("config");
  let t = {};
  const tr = (id, fallback) => t[id] || fallback || id;
  const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  const query = new URLSearchParams(location.search);
  let siteTopics = null;
  // The topics the address asked for, until the checkboxes exist.
  const asked = (query.get("topics") || "").split(",").filter(Boolean);
  const chosenTopics = () => {
    const boxes = [...form.querySelectorAll("input[name=topic]")];
    return boxes.length ? boxes.filter((b) => b.checked).map((b) => b.value) : asked;
  };
  let integrity = "";

  const option = (select, value, text) => {
    const o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    select.append(o);
    return o;
  };

  // The controls' labels and choices in the page's language.
  const labels = () => {
    for (const el of document.querySelectorAll("[data-t]")) el.textContent = tr(el.dataset.t, el.textContent);
    document.title = tr("cfg-title", document.title);
    const names = new Intl.DisplayNames([document.documentElement.lang], { type: "language" });
    const fill = (select, values, text) => {
      const keep = select.value;
      select.replaceChildren();
      for (const v of values) option(select, v, text(v));
      if (keep) select.value = keep;
    };
    fill($("ui"), LANGS, (l) => new Intl.DisplayNames([l], { type: "language" }).of(l));
    fill($("lang"), [""].concat(LANGS), (l) => (l ? names.of(l) : tr("cfg-lang-page")));
    fill($("question"), QUESTIONS, (q) => tr("question-" + q));
    fill($("theme"), THEMES, (v) => tr("cfg-theme-" + v));
    fill($("preset"), Object.keys(PRESETS), (v) => tr("cfg-preset-" + v));
    fill($("font-choice"), ["", "inherit", "custom"], (v) => tr("cfg-font-" + (v || "default")));
    for (const c of COLOURS) {
      $(c + "-pick").setAttribute("aria-label", tr("cfg-pick", "Pick") + ": " + tr("cfg-" + c));
    }
    topicList();
  };

  const colourRows = () => {
    for (const c of COLOURS) {
      const div = document.createElement("div");
      div.innerHTML =
        `<label for="${c}" data-t="cfg-${c}">${c}</label>` +
        `<span class="pair"><input id="${c}" name="${c}" placeholder="#0b5cad" spellcheck="false">` +
        `<input id="${c}-pick" type="color" tabindex="0"></span>`;
      $("colours").append(div);
      $(c + "-pick").addEventListener("input", (e) => {
        $(c).value = e.target.value;
        changed();
      });
    }
  };

  // The topics the site collects (all when it names none), as checkboxes;
  // rebuilt only when that list or the language changes (a rebuild would
  // take the keyboard's focus away).
  let listed = "";
  const topicList = () => {
    const shown = TOPICS.filter((id) => !(siteTopics && siteTopics.length && !siteTopics.includes(id)));
    const key = document.documentElement.lang + " " + shown.join(",");
    if (key === listed) return;
    listed = key;
    const chosen = chosenTopics();
    const list = $("topic-list");
    list.replaceChildren();
    for (const id of shown) {
      const div = document.createElement("div");
      div.className = "choice";
      div.innerHTML = `<input type="checkbox" id="topic-${id}" name="topic" value="${id}"><label for="topic-${id}"></label>`;
      div.querySelector("label").textContent = tr("topic-" + id);
      div.querySelector("input").checked = chosen.includes(id);
      list.append(div);
    }
  };

  // What the controls say, as the widget's attributes (empty: its default).
  const read = () => {
    const v = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
    const fontChoice = $("font-choice").value;
    const variant = v("variant");
    return {
      site: v("site"),
      topics: chosenTopics().join(","),
      lang: v("lang"),
      theme: v("theme") === "auto" ? "" : v("theme"),
      variant: variant === "compact" ? "compact" : "",
      question: variant === "compact" && v("question") !== "principles" ? v("question") : "",
      mode: v("mode") === "inline" ? "inline" : "",
      loading: $("lazy").checked ? "" : "eager",
      accent: v("accent"),
      bg: v("bg"),
      text: v("text"),
      border: v("border"),
      radius: v("radius"),
      space: v("space"),
      font: fontChoice === "inherit" ? "inherit" : fontChoice === "custom" ? v("font") : "",
    };
  };

  // The controls set from the address (a shared configuration).
  const load = () => {
    for (const k of ["site", "page", "lang", "question", "accent", "bg", "text", "border", "radius", "space"]) {
      if (query.has(k) && form.elements[k]) form.elements[k].value = query.get(k);
    }
    $("theme").value = query.get("theme") || "auto";
    $("variant-" + (query.get("variant") === "compact" ? "compact" : "full")).checked = true;
    $("mode-" + (query.get("mode") === "inline" ? "inline" : "iframe")).checked = true;
    $("lazy").checked = query.get("loading") !== "eager";
    const font = query.get("font") || "";
    $("font-choice").value = font === "inherit" ? "inherit" : font ? "custom" : "";
    $("font").value = font === "inherit" ? "" : font;
    for (const c of COLOURS) syncPicker(c);
  };

  const syncPicker = (c) => {
    const v = $(c).value.trim();
    if (/^#[0-9a-f]{6}$/i.test(v)) $(c + "-pick").value = v;
  };

  const attrs = (s) => KEYS.filter((k) => s[k]).map((k) => [k, s[k]]);

  // The frame a browser without script shows, with the same settings.
  const noscript = (s) => {
    const q = new URLSearchParams();
    for (const k of FORM) if (s[k]) q.set(k, s[k]);
    // The site's style, which the companion puts in the page (a font the
    // page's own, `inherit`, cannot be known without script).
    for (const k of STYLE) if (s[k] && s[k] !== "inherit") q.set("--gdc-" + k, s[k]);
    const height = s.variant === "compact" ? 480 : 900;
    return `<noscript><iframe src="${esc(ORIGIN + "/embed/v1?" + q)}" title="${esc(tr("consultation-name"))}" ` +
      `style="width:100%;height:${height}px;border:0"></iframe></noscript>`;
  };

  const snippets = (s) => {
    const a = attrs(s);
    const data = a.map(([k, v]) => ` data-${k}="${esc(v)}"`).join("");
    const plain = a.map(([k, v]) => ` ${k}="${esc(v)}"`).join("");
    const csp = s.mode === "inline"
      ? `script-src ${ORIGIN} 'wasm-unsafe-eval'; connect-src ${ORIGIN}; frame-src ${ORIGIN}`
      : `script-src ${ORIGIN}; frame-src ${ORIGIN}`;
    // Inline mode: the address repeats the first screen's settings, and the
    // loader brings that screen inside (one round trip sooner).
    const first = new URLSearchParams([...FORM, "mode"].filter((k) => s[k]).map((k) => [k, s[k]]));
    const src = s.mode === "inline" ? LOADER + "?" + first : LOADER;
    return [
      ["script", `<script src="${esc(src)}" async fetchpriority="high"${data}></script>\n${noscript(s)}`],
      ["element", `<gdc-consultation${plain}></gdc-consultation>\n<script src="${LOADER}" async fetchpriority="high"></script>\n${noscript(s)}`],
      ["pinned", `<script src="${LOADER}" integrity="${integrity}" crossorigin="anonymous" async fetchpriority="high"${data}></script>\n${noscript(s)}`],
      ["csp", `Content-Security-Policy: ${csp}`],
    ];
  };

  const showSnippets = (s) => {
    const list = $("snippet-list");
    list.replaceChildren();
    for (const [id, code] of snippets(s)) {
      const box = document.createElement("div");
      box.className = "snippet";
      box.innerHTML = `<h3 id="h-${id}"></h3><p class="hint" id="d-${id}"></p><pre><code id="code-${id}"></code></pre>` +
        `<button type="button" aria-describedby="h-${id}"></button>`;
      box.querySelector("h3").textContent = tr("cfg-code-" + id);
      box.querySelector("p").textContent = tr("cfg-code-" + id + "-hint");
      box.querySelector("code").textContent = code;
      const button = box.querySelector("button");
      button.textContent = tr("cfg-copy", "Copy");
      button.addEventListener("click", () =>
        navigator.clipboard.writeText(code).then(
          () => ($("copied").textContent = tr("cfg-copied", "Copied")),
          () => ($("copied").textContent = tr("cfg-copy-failed", "Select the code and copy it")),
        ));
      list.append(box);
    }
  };

  let widget;
  const preview = (s) => {
    if (!widget) {
      widget = document.createElement("gdc-consultation");
      // A webmaster tries the preview: its Wasm comes at once rather than
      // at the first sign of use, as on a partner's page.
      widget.setAttribute("enhance", "eager");
      $("preview-area").append(widget);
    }
    // Several changes at once apply once (the element batches them).
    for (const k of KEYS) {
      if (s[k]) widget.setAttribute(k, s[k]);
      else widget.removeAttribute(k);
    }
    if (!s.site) widget.setAttribute("site", "demo");
  };

  const address = (s) => {
    const q = new URLSearchParams(attrs(s));
    const page = $("page").value.trim();
    if (page) q.set("page", page);
    const ui = document.documentElement.lang;
    if (ui !== "en") q.set("ui", ui);
    history.replaceState(null, "", "?" + q);
  };

  let checking;
  let checked = "";
  const checkSite = (again) => {
    const asked = $("site").value.trim() + " " + $("page").value.trim();
    if (asked === checked && !again) return;
    checked = asked;
    clearTimeout(checking);
    checking = setTimeout(() => {
      const site = $("site").value.trim();
      const status = $("site-status");
      if (!site) {
        status.textContent = tr("cfg-site-empty");
        return;
      }
      const page = $("page").value.trim();
      fetch(`/v1/sites/${encodeURIComponent(site)}` + (page ? "?origin=" + encodeURIComponent(page) : ""))
        .then((r) => (r.status === 404 ? { unknown: true } : r.json()))
        .then((info) => {
          if (info.unknown) {
            status.textContent = tr("cfg-site-unknown");
            siteTopics = null;
          } else {
            siteTopics = info.topics || [];
            status.textContent = info.problem
              ? tr("cfg-problem-" + info.problem).replace("{origins}", (info.origins || []).join(", "))
              : tr(info.origin_allowed ? "cfg-site-ok-origin" : "cfg-site-ok");
          }
          $("site").setAttribute("aria-invalid", String(!!info.unknown || !!info.problem));
          topicList();
        }, () => (status.textContent = tr("cfg-site-unreachable")));
    }, 250);
  };

  const changed = (e) => {
    if (e && e.target.id === "preset") {
      const p = PRESETS[e.target.value] || {};
      for (const k of COLOURS.concat(["radius"])) form.elements[k].value = p[k] || "";
      for (const c of COLOURS) syncPicker(c);
    }
    if (e && COLOURS.includes(e.target.id)) syncPicker(e.target.id);
    $("question-field").hidden = !$("variant-compact").checked;
    $("font-field").hidden = $("font-choice").value !== "custom";
    const s = read();
    preview(s);
    showSnippets(s);
    address(s);
    if (e && (e.target.id === "site" || e.target.id === "page")) checkSite();
  };

  const language = (ui) => {
    ui = LANGS.includes(ui) ? ui : "en";
    document.documentElement.lang = ui;
    document.documentElement.dir = ui === "ar" ? "rtl" : "ltr";
    $("ui").value = ui;
    return fetch(I18N + "cfg-" + ui + ".json")
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}))
      .then((texts) => {
        t = texts;
        labels();
        $("ui").value = ui;
        changed();
        checkSite(true);
      });
  };

  colourRows();
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (e) => e.preventDefault());
  $("ui").addEventListener("change", (e) => language(e.target.value));
  const first = query.get("ui") || (navigator.language || "en").split("-")[0];
  // The pinned form's hash: of the loader this server serves now.
  fetch(LOADER)
    .then((r) => r.arrayBuffer())
    .then((b) => crypto.subtle.digest("SHA-384", b))
    .then((d) => {
      integrity = "sha384-" + btoa(String.fromCharCode(...new Uint8Array(d)));
      changed();
    });
  language(first).then(() => {
    load();
    topicList();
    changed();
    checkSite();
  });
})();
