// The embed page's boot script (iframe mode). It runs on the companion's
// origin, starts the Wasm widget, and talks to the loader on the partner page
// with a versioned, origin-checked postMessage protocol: events and size go
// up, configuration changes come down.
import init, { mount } from "__GLUE__";

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
  return q.toString();
}

for (const type of ["gdc:ready", "gdc:submitted", "gdc:error"]) {
  root.addEventListener(type, (e) => post(type, e.detail || {}));
}
let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(html.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    post("gdc:resize", { height });
  }
}).observe(html);

try {
  await init({ module_or_path: "__WASM__" });
  performance.mark("gdc-wasm-ready");
  const widget = mount(root, configure(params));
  performance.mark("gdc-mounted");
  window.addEventListener("message", (e) => {
    const d = e.data;
    if (e.source !== window.parent || e.origin !== parentOrigin || !d || d.gdc !== 1 || d.frame !== frame) return;
    if (d.type === "gdc:config") widget.update(configure(new URLSearchParams(d.detail)));
  });
} catch (err) {
  console.error("gdc: widget failed to start", err);
  post("gdc:error", { code: "start" });
}
