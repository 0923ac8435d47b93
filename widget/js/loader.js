/*! gdc loader v1: embeds the consultation widget. Classic script, no dependencies. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src) return;
  var base = new URL(me.src).origin;
  var KEYS = ["site", "topics", "lang", "theme", "variant", "question"];
  var seq = 0;

  // Puts an iframe to the companion's embed page inside `host`, configured by
  // `get(name)`, and relays the frame's messages as events on `host`.
  function mount(host, get) {
    var frameId = "gdc" + ++seq;
    var q = new URLSearchParams();
    KEYS.forEach(function (k) {
      var v = get(k);
      if (k === "lang" && !v) v = document.documentElement.lang || navigator.language;
      if (v) q.set(k, v);
    });
    q.set("origin", location.origin);
    q.set("frame", frameId);
    var f = document.createElement("iframe");
    f.src = base + "/embed/v1?" + q;
    f.title = get("title") || "Consultation";
    f.loading = get("loading") === "eager" ? "eager" : "lazy";
    f.style.cssText = "display:block;width:100%;border:0;height:480px;color-scheme:normal";
    host.appendChild(f);
    function onMessage(e) {
      var d = e.data;
      if (e.origin !== base || e.source !== f.contentWindow || !d || d.gdc !== 1 || d.frame !== frameId) return;
      if (d.type === "gdc:resize") f.style.height = Math.max(0, d.detail.height | 0) + "px";
      host.dispatchEvent(new CustomEvent(d.type, { bubbles: true, composed: true, detail: d.detail }));
    }
    window.addEventListener("message", onMessage);
    return function () {
      window.removeEventListener("message", onMessage);
      f.remove();
    };
  }

  if (me.getAttribute("data-site")) {
    var host = document.createElement("div");
    host.className = "gdc-embed";
    me.parentNode.insertBefore(host, me);
    mount(host, function (k) { return me.getAttribute("data-" + k); });
  }
})();
