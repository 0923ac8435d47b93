// The embed page's boot script (iframe mode). It runs on the companion's
// origin, where the server has rendered the form into the page (it works
// as it is); it starts the Wasm widget, which takes that form over with what
// was typed, and talks to the loader on the partner page with a versioned,
// origin-checked postMessage protocol: events and size go up, configuration
// changes come down. The Wasm and its glue are fetched when the visitor
// shows they will use the form (see `intent`), not with the page.

// Marks for the start-up profile (`cargo xtask bench tti`).
performance.mark("gdc-boot");

const params = new URLSearchParams(location.search);
// The partner page's origin, given by the loader. postMessage delivers only
// if the parent really is that origin, and frame-ancestors (set by the server
// from the site registry) lets only registered origins frame this page.
const parentOrigin = params.get("origin");
const frame = params.get("frame") || "";
const root = document.getElementById("gdc-root");
const html = document.documentElement;
// What the server put in the page: a form token and the site's topics.
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const extra = { token: meta("gdc-token"), allowed: meta("gdc-allowed-topics") };
// The texts: one JSON file per language, hashed and immutable, filled in by
// `cargo xtask build`; only the visitor's is fetched, as the Wasm loads.
const I18N = "__I18N__";
const GLUE = ["__GLUE__", "__GLUE_SRI__"];
const LANGS = "__LANGS__".split(" ");
const pick = (tag) => {
  const primary = String(tag || navigator.language).split(/[-_]/)[0].toLowerCase();
  return LANGS.includes(primary) ? primary : "en";
};
const catalogs = {};
const texts = (lang) =>
  (catalogs[lang] ||= fetch(I18N + lang + ".json").then((r) => (r.ok ? r.json() : Promise.reject(r.status))));
// The language the visitor chose in the widget's menu, over the page's.
let chosen = "";

function post(type, detail) {
  if (parentOrigin && window.parent !== window) {
    window.parent.postMessage({ gdc: 1, frame, type, detail }, parentOrigin);
  }
}

// The theme and the webmaster's style properties (`--gdc-accent`…) go on
// the page itself, so its colour scheme matches the frame element's; the
// rest is the widget's. Which properties exist is the loader's to say:
// whatever `--gdc-*` it sends is applied, one it no longer sends removed.
function configure(q) {
  html.dataset.theme = q.get("theme") || "auto";
  for (const name of [...html.style]) {
    if (name.startsWith("--gdc-") && !q.get(name)) html.style.removeProperty(name);
  }
  for (const [name, value] of q) {
    if (name.startsWith("--gdc-") && value) html.style.setProperty(name, value);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  q.set("lang", pick(chosen || q.get("lang")));
  return q;
}

for (const type of ["gdc:ready", "gdc:submitted", "gdc:error", "gdc:language"]) {
  root.addEventListener(type, (e) => post(type, e.detail || {}));
}
let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(html.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    // With the page's title, in the form's language: the loader names the
    // frame with it before the Wasm comes.
    post("gdc:resize", { height, title: document.title });
  }
}).observe(html);

// The page's language and title follow the widget's.
const localise = (t) => {
  html.lang = root.lang;
  html.dir = root.dir;
  document.title = t["consultation-name"];
};
// The served form is the widget until the visitor uses it: focus, a press,
// a click, a key or input in it (not a pointer passing over or a finger
// scrolling across it). Only then are the Wasm, its glue and the texts
// fetched (about 130 KB against the 10 KB the visitor who only reads the
// page has received), and the page hears `gdc:start`. The Wasm comes at once
// when the partner asks for it (`enhance="eager"`), this page answers a step
// the visitor sent from the served form (its referrer is this page's
// address: they had started), or this browser keeps a draft or an unsent
// contribution for the site, which only the Wasm restores and sends;
// `gdc:start` still waits for the visitor.
const INTENT = ["focusin", "mousedown", "click", "input", "keydown"];
const kept = (site) => {
  try {
    return Object.keys(localStorage).some((k) => ((k = k.split(":")), /^gdc-(draft|queue)$/.test(k[0]) && k[1] === site));
  } catch {}
};
// After the served form has been painted (a frame, or a tenth of a second
// where frames do not run, as in a hidden tab).
const painted = () => new Promise((ok) => (requestAnimationFrame(() => setTimeout(ok)), setTimeout(ok, 100)));
// The page's wish and the draft are read after the paint: a page's first
// use of localStorage waits for the browser to load it (1-3 ms here).
const sent = document.referrer.startsWith(location.origin + location.pathname);
const intent = new Promise((ok) => {
  const go = () => (INTENT.forEach((t) => removeEventListener(t, go, true)), sent || post("gdc:start", {}), ok());
  INTENT.forEach((t) => addEventListener(t, go, { capture: true, passive: true }));
  painted().then(() => (params.get("enhance") === "eager" || sent || kept(params.get("site"))) && ok());
});

let current = configure(params);
try {
  // Without WebAssembly the served form stays, and posts by itself.
  if (typeof WebAssembly != "object") throw new Error("no WebAssembly: the form works without it");
  await intent;
  performance.mark("gdc-intent");
  const first = texts(current.get("lang"));
  const wasm = fetch("__WASM__");
  // The glue's integrity is checked through a modulepreload.
  const glue = new Promise((ok, fail) => {
    const l = document.createElement("link");
    Object.assign(l, { rel: "modulepreload", href: GLUE[0], integrity: GLUE[1], onload: ok, onerror: fail });
    document.head.append(l);
  }).then(() => import(GLUE[0]));
  // Compiled after the served form has been painted: it would otherwise
  // hold the main thread before the visitor sees anything.
  await painted();
  const { default: init, mount } = await glue;
  await init({ module_or_path: wasm });
  performance.mark("gdc-wasm-ready");
  const t = await first;
  const widget = mount(root, "" + current, t);
  localise(t);
  performance.mark("gdc-mounted");
  const update = (q) => {
    current = configure(q);
    return texts(current.get("lang")).then((t) => {
      widget.update("" + current, t);
      localise(t);
    });
  };
  root.addEventListener("gdc:language", (e) => {
    chosen = e.detail.lang;
    update(current);
  });
  window.addEventListener("message", (e) => {
    const d = e.data;
    if (e.source !== window.parent || e.origin !== parentOrigin || !d || d.gdc !== 1 || d.frame !== frame) return;
    if (d.type === "gdc:config") update(new URLSearchParams(d.detail));
  });
} catch (err) {
  // The served form is there and works by posting: the host hears it is
  // ready, in its basic form.
  console.warn("gdc: the form works without its script:", err);
  post("gdc:ready", { title: document.title, basic: true });
}
