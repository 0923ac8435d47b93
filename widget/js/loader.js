/*! gdc loader v1 */
// One tag, `<script src=".../widget/v1/loader.js" data-site="…" async>`,
// puts a widget where it stands (in inline mode, the same settings in the
// address's query bring its first screen inside this script: `gdcFirst`); the same script defines
// `<gdc-consultation site="…">` for pages that prefer the element. Each widget
// lives in a shadow root: an iframe to the companion's embed page (mode
// "iframe", the default) or the form itself (mode "inline").
(() => {
  "use strict";
  const me = document.currentScript;
  if (!me || !me.src) return;
  const base = new URL(me.src).origin;
  const TAG = "gdc-consultation";
  // What the widget reads, and the style properties a webmaster may set.
  const KEYS = ["site", "topics", "lang", "theme", "variant", "question"];
  const PROPS = ["accent", "bg", "text", "border", "radius", "font", "space"];
  // The inline mode's assets, filled in by `cargo xtask build`.
  const GLUE = ["__GLUE__", "__GLUE_SRI__"];
  const WASM = ["__WASM__", "__WASM_SRI__"];
  const CSS = ["__CSS__", "__CSS_SRI__"];
  // One JSON file of texts per language; a visitor fetches only theirs.
  const I18N = "__I18N__";
  const LANGS = "__LANGS__".split(" ");
  // The host element keeps its place in the page (margin, width) but no
  // paint of its own; `.r` (the mount root) cuts every inherited style at
  // the boundary; its `dir` attribute, set by the widget, gives direction.
  const HOST_CSS =
    ":host{display:block;padding:0!important;border:0!important;background:none!important;" +
    "box-shadow:none!important;outline:0!important;opacity:1!important;filter:none!important;" +
    "transform:none!important;float:none!important;box-sizing:border-box!important}" +
    ":host([hidden]){display:none!important}" +
    ":host::before,:host::after{content:none!important;display:none!important}" +
    ".r{all:initial;display:block}iframe{display:block;width:100%;border:0;height:480px}";
  let seq = 0;
  let hostSheet;
  let loaded, styled;
  // Whether this page may run WebAssembly: a browser without it, or a page
  // whose CSP lacks 'wasm-unsafe-eval', gets the iframe instead. An empty
  // module, compiled in place, answers before anything is downloaded and
  // without waiting a task (the form shows in the loader's own).
  const canWasm = () => {
    try {
      return !!new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
    } catch {
      return false;
    }
  };
  // After the form shown has been painted (a frame, or a tenth of a
  // second where frames do not run): the Wasm's start would hold it back.
  const painted = () => new Promise((ok) => (requestAnimationFrame(() => setTimeout(ok)), setTimeout(ok, 100)));
  // The served form is the widget until the visitor uses it (focus, a
  // press, a click, a key or input in it; not a pointer passing over or a
  // finger scrolling across it): only then are the Wasm, glue and texts
  // fetched, and the page hears `gdc:start`. The Wasm comes at once if the
  // page asks for it (`enhance="eager"`) or this browser keeps a draft or an
  // unsent contribution for the site, which only the Wasm restores and
  // sends; `gdc:start` still waits for the visitor. The embed page's boot
  // script does the same in iframe mode.
  const INTENT = ["focusin", "mousedown", "click", "input", "keydown"];
  const kept = (site) => {
    try {
      return Object.keys(localStorage).some((k) => ((k = k.split(":")), /^gdc-(draft|queue)$/.test(k[0]) && k[1] === site));
    } catch {}
  };
  // The page's wish and the draft are read after the paint: a page's first
  // use of localStorage waits for the browser to load it (1-3 ms here).
  const intent = (el, on) =>
    new Promise((ok) => {
      const go = () => (INTENT.forEach((t) => on.removeEventListener(t, go, true)), fire(el, "gdc:start"), ok());
      INTENT.forEach((t) => on.addEventListener(t, go, { capture: true, passive: true }));
      painted().then(() => (el.getAttribute("enhance") === "eager" || kept(el.getAttribute("site"))) && ok());
    });
  const catalogs = {};
  const pick = (tag) => ((tag = (tag || "").split(/[-_]/)[0].toLowerCase()), LANGS.includes(tag) ? tag : "en");
  const texts = (lang) =>
    (catalogs[lang] ||= fetch(base + I18N + lang + ".json").then((r) => (r.ok ? r.json() : Promise.reject(r.status))));

  const sheet = (text) => {
    const s = new CSSStyleSheet();
    s.replaceSync(text);
    return s;
  };
  const fire = (el, type, detail) =>
    el.dispatchEvent(new CustomEvent(type, { bubbles: true, composed: true, detail: detail || {} }));

  // The widget's configuration from the element's attributes: lang falls
  // back to the page's, then the browser's; `font="inherit"` takes the
  // family the page uses around the element.
  const query = (el) => {
    const q = new URLSearchParams();
    for (const k of KEYS) {
      let v = el.getAttribute(k);
      if (k === "lang" && !v) v = (el.closest("[lang]") || {}).lang || navigator.language;
      if (v) q.set(k, v);
    }
    for (const k of PROPS) {
      let v = el.getAttribute(k);
      if (k === "font" && v === "inherit") v = getComputedStyle(el.parentElement || document.body).fontFamily;
      if (v) q.set("--gdc-" + k, v);
    }
    return q;
  };
  const scheme = (theme) => (theme === "light" ? "light" : theme === "auto" || !theme ? "light dark" : "dark");

  // Mode "iframe": the Wasm runs on the companion's origin; events and size
  // come back by postMessage, checked for origin, window and frame id.
  const frame = (el, root) => {
    const f = document.createElement("iframe");
    // `fid` names the frame's current page, unique in this page: a message
    // from the page it showed before a setting changed is not this one's.
    let ready = false,
      fid;
    let title = "Global Digital Compact consultation";
    const configure = () => {
      const q = query(el);
      f.title = el.getAttribute("title") || title;
      f.style.colorScheme = scheme(q.get("theme"));
      if (ready) f.contentWindow.postMessage({ gdc: 1, frame: fid, type: "gdc:config", detail: "" + q }, base);
      else {
        if (el.getAttribute("enhance") === "eager") q.set("enhance", "eager");
        q.set("origin", location.origin);
        q.set("frame", (fid = "gdc" + ++seq));
        f.src = base + "/embed/v1?" + q;
      }
    };
    const onMessage = (e) => {
      const d = e.data;
      if (e.origin !== base || e.source !== f.contentWindow || !d || d.gdc !== 1 || d.frame !== fid) return;
      // The frame's name in the form's language, from its page's first
      // report of its size (before the Wasm) and again when ready.
      if (d.detail.title) f.title = el.getAttribute("title") || (title = d.detail.title);
      if (d.type === "gdc:ready") ready = true;
      if (d.type === "gdc:resize") f.style.height = (d.detail.height | 0) + "px";
      fire(el, d.type, d.detail);
    };
    f.loading = el.getAttribute("loading") === "eager" ? "eager" : "lazy";
    configure();
    addEventListener("message", onMessage);
    root.append(f);
    return [configure, () => removeEventListener("message", onMessage)];
  };

  // The stylesheet, then the glue module (its integrity checked through a
  // modulepreload) and the Wasm, loaded once per page for every inline widget.
  const style = () =>
    (styled ||= fetch(base + CSS[0], { integrity: CSS[1] })
      .then((r) => r.text())
      .then(sheet));
  const load = () =>
    (loaded ||= Promise.all([
      new Promise((ok, fail) => {
        const l = document.createElement("link");
        l.rel = "modulepreload";
        l.href = base + GLUE[0];
        l.integrity = GLUE[1];
        l.onload = ok;
        l.onerror = fail;
        document.head.append(l);
      })
        .then(() => import(base + GLUE[0]))
        .then((m) => m.default({ module_or_path: fetch(base + WASM[0], { integrity: WASM[1] }) }).then(() => m)),
      style(),
    ]).catch((e) => {
      loaded = null;
      throw e;
    }));

  // Mode "inline": the form in the shadow root, on the page's origin; it
  // calls the companion (CORS) with a token fetched here.
  const inline = (el, root, fallback) => {
    const div = document.createElement("div");
    const extra = new URLSearchParams({ api: base });
    // `chosen`: the language the visitor picked in the widget's menu.
    let widget, io, ro, gone, chosen, began;
    const configure = () => {
      const q = query(el);
      q.set("lang", pick(chosen || q.get("lang")));
      // On the mount root, which is ours: the page's own inline style on
      // the element stays as the page wrote it.
      for (const k of PROPS) {
        const v = q.get("--gdc-" + k);
        if (v) div.style.setProperty("--gdc-" + k, v);
        else div.style.removeProperty("--gdc-" + k);
      }
      extra.forEach((v, k) => q.set(k, v));
      return q;
    };
    const update = () => {
      const q = configure();
      return texts(q.get("lang")).then((t) => widget.update("" + q, t));
    };
    // The form as the companion renders it, shown until the Wasm takes it
    // over; a step sent before then is posted here and its answer shown.
    const show = (answer) =>
      Promise.all([answer, style()]).then(([html, css]) => {
        if (gone || widget) return;
        root.adoptedStyleSheets = [hostSheet, css];
        div.innerHTML = html;
      });
    div.addEventListener("submit", (e) => {
      if (widget) return;
      e.preventDefault();
      const body = new URLSearchParams(new FormData(e.target, e.submitter));
      // The first screen the loader brought posts to a path of the companion.
      show(fetch(new URL(e.target.getAttribute("action"), base), { method: "POST", body }).then((r) => r.text()));
    });
    const start = () => {
      io && io.disconnect();
      if (canWasm()) begin();
      // After the element has its widget (this may run while it is made).
      else
        queueMicrotask(() => {
          console.warn("gdc: this page cannot run WebAssembly (no support, or a CSP without " +
            "'wasm-unsafe-eval'): the widget is shown in an iframe instead");
          gone || fallback();
        });
    };
    // The served form first, alone on the wire (or the one this script
    // brought, if its settings are the widget's); the Wasm and the rest
    // after it, so that on a slow link they do not share its bandwidth.
    const begin = () => {
      const q = configure();
      began = 1;
      const f = el._first;
      const s = f && new URLSearchParams(f.q);
      const mine = s && KEYS.every((k) => (s.get(k) || "") === (q.get(k) || ""));
      el._first = 0;
      if (mine) styled ||= Promise.resolve(sheet(f.css));
      return show(mine ? Promise.resolve(f.html) : fetch(base + "/embed/v1/fragment?" + q).then((r) => r.text()))
        .catch(() => {})
        .then(() => intent(el, div))
        .then(painted)
        .then(takeOver);
    };
    const takeOver = () => {
      const site = encodeURIComponent(el.getAttribute("site") || "");
      const token = fetch(base + "/v1/token?site=" + site).then((r) => (r.ok ? r.json() : {}), () => ({}));
      Promise.all([load(), token, texts(configure().get("lang"))])
        .then(([[m, css], t, words]) => {
          if (gone) return;
          if (t.token) extra.set("token", t.token);
          if (t.topics) extra.set("allowed", t.topics);
          root.adoptedStyleSheets = [hostSheet, css];
          widget = m.mount(div, "" + configure(), words);
          ro = new ResizeObserver(() => fire(el, "gdc:resize", { height: Math.ceil(div.offsetHeight) }));
          ro.observe(div);
        })
        .catch((e) => {
          console.error("gdc: widget failed to start", e);
          fire(el, "gdc:error", { code: "start" });
        });
    };
    div.className = "r";
    div.addEventListener("gdc:language", (e) => {
      chosen = e.detail.lang;
      update();
    });
    root.append(div);
    if (el.getAttribute("loading") === "eager") start();
    else {
      // Loaded when it nears the viewport.
      io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && start(), {
        rootMargin: "400px",
      });
      io.observe(el);
    }
    // A change before the Wasm took over shows the served form anew.
    const refresh = () => show(fetch(base + "/embed/v1/fragment?" + configure()).then((r) => r.text())).catch(() => {});
    return [
      () => (widget ? update() : began && refresh()),
      () => {
        gone = true;
        io && io.disconnect();
        ro && ro.disconnect();
        widget && widget.unmount();
      },
    ];
  };

  // What a widget cannot change in place: its mode, and its site (the form
  // token is the site's).
  const key = (el) => (el.getAttribute("mode") === "inline") + " " + el.getAttribute("site");

  class Consultation extends HTMLElement {
    static get observedAttributes() {
      return KEYS.concat(PROPS, ["mode", "title"]);
    }
    connectedCallback() {
      if (this._w) return;
      const root = this.shadowRoot || this.attachShadow({ mode: "open" });
      hostSheet ||= sheet(HOST_CSS);
      root.adoptedStyleSheets = [hostSheet];
      this._k = key(this);
      const fallback = () => {
        this._w[1]();
        root.replaceChildren();
        this._w = frame(this, root);
      };
      this._w = (this.getAttribute("mode") === "inline" ? inline : frame)(this, root, fallback);
    }
    disconnectedCallback() {
      // A move within the page reconnects at once; only a removal tears down.
      queueMicrotask(() => this.isConnected || this._stop());
    }
    _stop() {
      if (!this._w) return;
      this._w[1]();
      this._w = null;
      this.shadowRoot.replaceChildren();
    }
    attributeChangedCallback() {
      if (!this._w || this._q) return;
      // Several attributes changed together apply once.
      this._q = 1;
      queueMicrotask(() => {
        this._q = 0;
        if (!this._w) return;
        if (key(this) === this._k) this._w[0]();
        else {
          this._stop();
          this.connectedCallback();
        }
      });
    }
  }

  if (!customElements.get(TAG)) customElements.define(TAG, Consultation);
  if (me.hasAttribute("data-site")) {
    const el = document.createElement(TAG);
    for (const a of me.attributes) if (a.name.startsWith("data-")) el.setAttribute(a.name.slice(5), a.value);
    el._first = me.gdcFirst;
    me.before(el);
  }
})();
