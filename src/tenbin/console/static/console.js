// tenbin console: draws every <canvas data-chart='{"type":…,"data":…,"options":…}'> with the vendored
// Chart.js (static/vendor/chart.umd.min.js). Pages work without it: each chart has a table beside it.
(function () {
  "use strict";
  var palette = ["#1f5fbf", "#e07b00", "#17703a", "#b3261e", "#7b4fbf", "#00838f", "#8a5a00", "#5d6773"];

  function merge(base, over) {
    Object.keys(over || {}).forEach(function (k) {
      var v = over[k];
      if (v && typeof v === "object" && !Array.isArray(v) && base[k] && typeof base[k] === "object") {
        merge(base[k], v);
      } else {
        base[k] = v;
      }
    });
    return base;
  }

  function draw(canvas) {
    var cfg;
    try { cfg = JSON.parse(canvas.getAttribute("data-chart")); } catch (e) { return; }
    var round = cfg.type === "doughnut" || cfg.type === "pie";
    (cfg.data.datasets || []).forEach(function (ds, i) {
      if (!ds.backgroundColor) {
        ds.backgroundColor = round ? palette.slice(0, (ds.data || []).length) : palette[i % palette.length];
      }
      if (!ds.borderColor && !round) { ds.borderColor = palette[i % palette.length]; }
    });
    var options = merge({
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { position: round ? "right" : "bottom" } }
    }, cfg.options || {});
    new window.Chart(canvas, { type: cfg.type, data: cfg.data, options: options });
  }

  function start() {
    if (!window.Chart) { return; }
    window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
    document.documentElement.setAttribute("data-charts", "drawn");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
