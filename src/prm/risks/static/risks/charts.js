// Draws the risk charts from the figures the page carries (json_script).
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  var levelColors = { low: "#22c55e", medium: "#0ea5e9", high: "#f59e0b", critical: "#ef4444" };

  var trendData = document.getElementById("risk-trend-data");
  var trendCanvas = document.getElementById("risk-trend");
  if (trendData && trendCanvas) {
    var trend = JSON.parse(trendData.textContent);
    new Chart(trendCanvas, {
      type: "bar",
      data: {
        labels: trend.labels,
        datasets: trend.datasets.map(function (set) {
          return { label: set.label, data: set.data, backgroundColor: levelColors[set.level] };
        })
      },
      options: {
        maintainAspectRatio: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }

  var historyData = document.getElementById("risk-history-data");
  var historyCanvas = document.getElementById("risk-history");
  if (historyData && historyCanvas) {
    var history = JSON.parse(historyData.textContent);
    new Chart(historyCanvas, {
      type: "line",
      data: {
        labels: history.labels,
        datasets: [
          { label: history.inherent_label, data: history.inherent, borderColor: "#ef4444", spanGaps: true },
          { label: history.residual_label, data: history.residual, borderColor: "#2f5bea", spanGaps: true }
        ]
      },
      options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 25 } } }
    });
  }
})();
