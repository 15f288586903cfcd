// Draws the dashboard's charts from the figures the page carries (json_script), then keeps
// them live: every few seconds it asks the data endpoint with the last ETag; a 304 means
// nothing changed, a 200 brings new figures that replace the charts' data in place.
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
  var standingColors = { excellent: "#22c55e", good: "#2f5bea", watch: "#f59e0b", critical: "#ef4444" };
  var seriesColors = { revenue: "#2f5bea", won: "#22c55e", pipeline: "#f59e0b", improved: "#22c55e", worsened: "#ef4444" };
  var font = getComputedStyle(document.body).fontFamily;
  Chart.defaults.font.family = font;
  var drawn = {};

  function colors(name, series) {
    if (name === "stage") {
      return series.keys.map(function (key) { return stageColors[key] || palette[0]; });
    }
    if (name === "standing_changes") {
      return series.keys.map(function (key) { return seriesColors[key] || palette[0]; });
    }
    return series.labels.map(function (_label, i) { return palette[i % palette.length]; });
  }

  function datasetsOf(name, kind, series) {
    if (kind === "multi" || kind === "stacked") {
      return series.datasets.map(function (set, i) {
        var color = seriesColors[set.key] || standingColors[set.key] || palette[i % palette.length];
        var line = kind === "multi" && set.key !== "revenue";
        return {
          type: line ? "line" : "bar", label: set.label, data: set.values,
          backgroundColor: color, borderColor: color, borderWidth: line ? 2 : 0, tension: 0.25
        };
      });
    }
    var isBar = kind === "bar" || kind === "hbar";
    return [{ data: series.values, backgroundColor: colors(name, series), borderWidth: isBar ? 0 : 2, borderRadius: isBar ? 4 : 0 }];
  }

  function draw(canvas) {
    var name = canvas.dataset.chart;
    var kind = canvas.dataset.kind;
    var series = charts[name];
    if (!series) {
      return;
    }
    var isBar = kind === "bar" || kind === "hbar";
    var many = kind === "multi" || kind === "stacked";
    var axes = { x: { beginAtZero: true, stacked: kind === "stacked" }, y: { beginAtZero: true, stacked: kind === "stacked" } };
    drawn[name] = new Chart(canvas, {
      type: isBar || many ? "bar" : kind,
      data: { labels: series.labels, datasets: datasetsOf(name, kind, series) },
      options: {
        indexAxis: kind === "hbar" ? "y" : "x",
        maintainAspectRatio: false,
        animation: { duration: 300 },
        plugins: { legend: { display: !isBar, position: many ? "bottom" : "right" } },
        scales: isBar || many ? axes : {}
      }
    });
  }

  function update(figures) {
    charts = figures.charts;
    Object.keys(drawn).forEach(function (name) {
      var chart = drawn[name];
      var canvas = chart.canvas;
      var series = charts[name];
      if (!series) {
        return;
      }
      chart.data.labels = series.labels;
      var fresh = datasetsOf(name, canvas.dataset.kind, series);
      fresh.forEach(function (set, i) {
        if (chart.data.datasets[i]) {
          chart.data.datasets[i].data = set.data;
          chart.data.datasets[i].backgroundColor = set.backgroundColor;
        } else {
          chart.data.datasets.push(set);
        }
      });
      chart.data.datasets.length = fresh.length;
      chart.update();
    });
    Object.keys(figures.kpis || {}).forEach(function (key) {
      var cell = document.querySelector('[data-kpi="' + key + '"]');
      if (cell) {
        cell.textContent = Math.round(Number(figures.kpis[key])).toLocaleString();
      }
    });
    dataElement.textContent = JSON.stringify(charts);
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);

  var live = document.getElementById("dashboard-live");
  if (!live || !window.fetch) {
    return;
  }
  var etag = live.dataset.etag;
  var every = Math.max(2, Number(live.dataset.poll) || 5) * 1000;

  function poll() {
    if (document.hidden) {
      window.setTimeout(poll, every);
      return;
    }
    fetch(live.dataset.url, {
      headers: { "If-None-Match": '"' + etag + '"', "Accept": "application/json" },
      credentials: "same-origin", cache: "no-store"
    }).then(function (response) {
      if (response.status === 200) {
        return response.json().then(function (figures) {
          etag = figures.etag;
          live.dataset.etag = etag;
          update(figures);
        });
      }
      return null;
    }).catch(function () {
      // A dropped request is retried at the next tick.
    }).then(function () {
      window.setTimeout(poll, every);
    });
  }
  window.setTimeout(poll, every);
})();
