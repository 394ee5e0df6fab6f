/* Results page charts (ECharts, served locally): the mean score by type, unit and town (lowest first).
   Data from json_script "results-data"; the tables below each chart say the same without JavaScript.
   Tooltips in richText mode (drawn on the canvas): names are user text. */
(function () {
  "use strict";
  var charts = [];

  function draw(root) {
    var source = (root || document).querySelector("#results-data") || document.getElementById("results-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var text = data.text;
    ["type", "unit", "town"].forEach(function (key) {
      var el = document.getElementById("chart-" + key);
      var rows = data[key];
      if (!el || !rows || el.dataset.ready) return;
      el.dataset.ready = "1";
      if (!rows.labels.length) {
        el.textContent = text.empty;
        el.classList.add("muted");
        return;
      }
      // One row per group: as tall as its rows need (a CSSOM change, not a style attribute).
      el.style.height = Math.max(140, 56 + rows.labels.length * 28) + "px";
      var chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
        grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
        xAxis: { type: "value", min: 0, max: 100 },
        yAxis: { type: "category", inverse: true, data: rows.labels, axisLabel: { width: 140, overflow: "truncate" } },
        series: [{
          name: text.mean, type: "bar", barMaxWidth: 18, data: rows.mean, itemStyle: { color: "#1565c0" },
          label: { show: true, position: "right" }
        }]
      });
      charts.push(chart);
    });
  }

  draw(document);
  document.body.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
