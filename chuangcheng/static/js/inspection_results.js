/* Results page charts (ECharts, served locally): mean score and failed items by type, unit and town.
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
      var chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
        legend: { data: [text.mean, text.failed] },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: [{ type: "value", min: 0, max: 100 }, { type: "value", position: "top", show: false }],
        yAxis: { type: "category", inverse: true, data: rows.labels, axisLabel: { width: 140, overflow: "truncate" } },
        series: [
          { name: text.mean, type: "bar", data: rows.mean, itemStyle: { color: "#1565c0" } },
          { name: text.failed, type: "bar", xAxisIndex: 1, data: rows.failed, itemStyle: { color: "#c62828" } }
        ]
      });
      charts.push(chart);
    });
  }

  draw(document);
  document.body.addEventListener("htmx:afterSettle", function (e) { draw(e.target); });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
