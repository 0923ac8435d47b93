// The embed page's boot script (iframe mode). It runs on the companion's
// origin, starts the Wasm widget, and relays the widget's events and size to
// the partner page with a versioned, origin-checked postMessage protocol.
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

function post(type, detail) {
  if (parentOrigin && window.parent !== window) {
    window.parent.postMessage({ gdc: 1, frame, type, detail }, parentOrigin);
  }
}

for (const type of ["gdc:ready", "gdc:submitted", "gdc:error"]) {
  root.addEventListener(type, (e) => post(type, e.detail || {}));
}
let lastHeight = 0;
new ResizeObserver(() => {
  const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
  if (height !== lastHeight) {
    lastHeight = height;
    post("gdc:resize", { height });
  }
}).observe(document.documentElement);

try {
  await init({ module_or_path: "__WASM__" });
  performance.mark("gdc-wasm-ready");
  mount(root, location.search);
  performance.mark("gdc-mounted");
} catch (err) {
  console.error("gdc: widget failed to start", err);
  post("gdc:error", { code: "start" });
}
