// Statistics charts (Chart.js, served from node_modules). Each <canvas data-chart="ID"> reads its data from
// the JSON block with that id (Django's json_script: data, not inline script, so the CSP allows it).
// The table beside each chart holds the same figures and is what screen readers use.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var palette = ["#c8102e", "#f2a900", "#2f6eba", "#3a9d5d", "#7f4fc9", "#e2711d", "#5b6770", "#00a3ad", "#b5838d", "#8d99ae"];

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var kind = data.kind === "line" ? "line" : (data.kind === "pie" ? "pie" : "bar");
    var datasets = data.series.map(function (series, index) {
      var color = palette[index % palette.length];
      var set = { label: series.label, data: series.data };
      if (kind === "pie") {
        set.backgroundColor = data.labels.map(function (_label, i) { return palette[i % palette.length]; });
      } else if (kind === "line") {
        set.borderColor = color;
        set.backgroundColor = color;
        set.tension = 0.2;
        if (index > 0) { set.yAxisID = "y1"; }
      } else {
        set.backgroundColor = color;
      }
      return set;
    });
    var options = { responsive: true, maintainAspectRatio: false, animation: false, plugins: { legend: { position: "bottom" } } };
    if (kind !== "pie") {
      options.scales = { y: { beginAtZero: true } };
      if (kind === "line" && datasets.length > 1) {
        options.scales.y1 = { beginAtZero: true, position: "right", grid: { drawOnChartArea: false } };
      }
    }
    new window.Chart(canvas, { type: kind, data: { labels: data.labels, datasets: datasets }, options: options });
    canvas.setAttribute("data-drawn", "true");
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
