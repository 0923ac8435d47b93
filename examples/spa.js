// A single-page app's router: each route change replaces the view, so the
// widget element is created and removed as a framework would do it; the
// selects change its attributes live.
const view = document.getElementById("view");
const log = document.getElementById("log");
// The element, made as a framework would: attributes first, then inserted.
function consultation(mode) {
  const el = document.createElement("gdc-consultation");
  el.setAttribute("site", "demo");
  el.setAttribute("mode", mode);
  for (const id of ["lang", "theme"]) el.setAttribute(id, document.getElementById(id).value);
  return el;
}
const routes = {
  "#/consultation": () => consultation("iframe"),
  "#/inline": () => consultation("inline"),
};
function widget() {
  return view.querySelector("gdc-consultation");
}
function render() {
  const route = routes[location.hash];
  if (route) view.replaceChildren(route());
  else view.innerHTML = "<p>Home. Open the consultation from the menu.</p>";
}
for (const id of ["lang", "theme"]) {
  document.getElementById(id).addEventListener("change", (e) => widget()?.setAttribute(id, e.target.value));
}
for (const type of ["gdc:start", "gdc:ready", "gdc:submitted", "gdc:error"]) {
  view.addEventListener(type, (e) => (log.textContent = `${type} ${JSON.stringify(e.detail)}`));
}
addEventListener("hashchange", render);
render();
