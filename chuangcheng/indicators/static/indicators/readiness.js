/* Readiness page charts (ECharts, served locally): gaps by indicator, the 8-week trend, gaps by unit.
   The data comes from the page (json_script "readiness-data"); without ECharts the tables still say it all. */
(function () {
  "use strict";
  var source = document.getElementById("readiness-data");
  if (!source || typeof window.echarts === "undefined") return;
  var data = JSON.parse(source.textContent);
  var text = data.text;
  var charts = [];
  // Tooltips drawn on the canvas, not as HTML: indicator and unit names are user text, and the
  // HTML tooltip carries style="" attributes the Content-Security-Policy refuses.
  var TOOLTIP = { renderMode: "richText" };

  function empty(el) {
    el.textContent = text.empty;
    el.classList.add("muted");
  }

  function draw(id, option, hasData) {
    var el = document.getElementById(id);
    if (!el) return;
    if (!hasData) return empty(el);
    var chart = window.echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  var gaps = data.gaps;
  draw("chart-gaps", {
    tooltip: Object.assign({ trigger: "axis", axisPointer: { type: "shadow" } }, TOOLTIP),
    legend: { data: [text.predicted, text.gap] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: gaps.labels, axisLabel: { width: 160, overflow: "truncate" } },
    series: [
      { name: text.predicted, type: "bar", stack: "score", data: gaps.predicted, itemStyle: { color: "#90caf9" } },
      { name: text.gap, type: "bar", stack: "score", data: gaps.gap, itemStyle: { color: "#c62828" } }
    ]
  }, gaps.labels.length > 0);

  var trend = data.trend;
  draw("chart-trend", {
    tooltip: Object.assign({ trigger: "axis" }, TOOLTIP),
    grid: { left: 8, right: 24, top: 24, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: trend.dates },
    yAxis: { type: "value", min: 0, max: trend.max || null },
    series: [{
      name: text.predicted, type: "line", data: trend.predicted, smooth: false, itemStyle: { color: "#b71c1c" },
      markLine: { symbol: "none", data: [{ yAxis: trend.pass_score, name: text.pass }],
                  label: { formatter: text.pass + " {c}", position: "insideEndTop" }, lineStyle: { color: "#2e7d32", type: "dashed" } }
    }]
  }, trend.dates.length > 0);

  var units = data.units;
  draw("chart-units", {
    tooltip: Object.assign({ trigger: "axis", axisPointer: { type: "shadow" } }, TOOLTIP),
    legend: { data: [text.task_gap, text.case_gap] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value" },
    yAxis: { type: "category", inverse: true, data: units.labels, axisLabel: { width: 120, overflow: "truncate" } },
    series: [
      { name: text.task_gap, type: "bar", stack: "gap", data: units.task_gap, itemStyle: { color: "#ef6c00" } },
      { name: text.case_gap, type: "bar", stack: "gap", data: units.case_gap, itemStyle: { color: "#6d4c41" } }
    ]
  }, units.labels.length > 0);

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
