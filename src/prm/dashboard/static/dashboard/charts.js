// Draws the dashboard's charts from the figures the page carries (json_script).
(function () {
  "use strict";
  var dataElement = document.getElementById("dashboard-charts");
  if (!dataElement || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(dataElement.textContent);
  var palette = ["#2f5bea", "#14b8a6", "#f59e0b", "#ef4444", "#8b5cf6", "#0ea5e9", "#64748b", "#22c55e", "#ec4899", "#a3a3a3"];
  var stageColors = {
    prospect: "#cbd5e1", candidate: "#0ea5e9", applied: "#2f5bea", onboarding: "#f59e0b",
    active: "#22c55e", suspended: "#ef4444", offboarded: "#64748b"
  };
  var font = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.family = font;

  function colors(name, series) {
    if (name === "stage") {
      return series.keys.map(function (key) { return stageColors[key] || palette[0]; });
    }
    return series.labels.map(function (_label, i) { return palette[i % palette.length]; });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var name = canvas.dataset.chart;
    var kind = canvas.dataset.kind;
    var series = charts[name];
    if (!series) {
      return;
    }
    var isBar = kind === "bar" || kind === "hbar";
    new Chart(canvas, {
      type: isBar ? "bar" : kind,
      data: {
        labels: series.labels,
        datasets: [{ data: series.values, backgroundColor: colors(name, series), borderWidth: isBar ? 0 : 2, borderRadius: isBar ? 4 : 0 }]
      },
      options: {
        indexAxis: kind === "hbar" ? "y" : "x",
        maintainAspectRatio: false,
        plugins: { legend: { display: !isBar, position: "right" } },
        scales: isBar ? { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } } : {}
      }
    });
  });
})();
