// Draws the partner's own charts from the figures the page carries (json_script).
(function () {
  "use strict";
  var dataElement = document.getElementById("partner-charts");
  if (!dataElement || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(dataElement.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var series = charts[canvas.dataset.chart];
    var kind = canvas.dataset.kind;
    if (!series) {
      return;
    }
    new Chart(canvas, {
      type: kind === "hbar" ? "bar" : kind,
      data: {
        labels: series.labels,
        datasets: [{ data: series.values, backgroundColor: "#2f5bea", borderColor: "#2f5bea", borderWidth: kind === "line" ? 2 : 0, tension: 0.25, spanGaps: true }]
      },
      options: {
        indexAxis: kind === "hbar" ? "y" : "x",
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: kind === "hbar" ? { x: { beginAtZero: true, suggestedMax: 100 } } : { y: { beginAtZero: true } }
      }
    });
  });
})();
