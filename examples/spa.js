// A single-page app's router: each route change replaces the view, so the
// widget element is created and removed as a framework would do it; the
// selects change its attributes live.
const view = document.getElementById("view");
const log = document.getElementById("log");
const routes = {
  "#/": () => "<p>Home. Open the consultation from the menu.</p>",
  "#/consultation": () => '<gdc-consultation site="demo"></gdc-consultation>',
  "#/inline": () => '<gdc-consultation site="demo" mode="inline"></gdc-consultation>',
};
function widget() {
  return view.querySelector("gdc-consultation");
}
function render() {
  view.innerHTML = (routes[location.hash] || routes["#/"])();
  const w = widget();
  if (w) {
    w.setAttribute("lang", document.getElementById("lang").value);
    w.setAttribute("theme", document.getElementById("theme").value);
  }
}
for (const id of ["lang", "theme"]) {
  document.getElementById(id).addEventListener("change", (e) => widget()?.setAttribute(id, e.target.value));
}
for (const type of ["gdc:ready", "gdc:submitted", "gdc:error"]) {
  view.addEventListener(type, (e) => (log.textContent = `${type} ${JSON.stringify(e.detail)}`));
}
addEventListener("hashchange", render);
render();
