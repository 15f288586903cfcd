// Draws a scorecard's trend (score per period) from the figures the page carries.
(function () {
  "use strict";
  var dataElement = document.getElementById("scorecard-trend");
  var canvas = document.querySelector("canvas[data-chart='scorecard-trend']");
  if (!dataElement || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(dataElement.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [{
        label: data.label,
        data: data.scores,
        borderColor: "#2f5bea",
        backgroundColor: "rgba(47, 91, 234, 0.15)",
        spanGaps: false,
        tension: 0.2,
        fill: true
      }]
    },
    options: {
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: 100 } },
      plugins: { legend: { display: false } }
    }
  });
})();
