/* 月度考核 charts (ECharts, served locally): scores by unit per group, the 12-month trend (county
   average, and on a unit's page the unit), and each unit's score split by component.
   Data from json_script "appraisal-data"; the tables on the page say the same without JavaScript.
   Unit and component names are user text: ECharts draws them on the canvas, and tooltips use
   richText mode (no HTML), so a name like <img onerror=…> shows as text. */
(function () {
  "use strict";
  var charts = [];
  var PALETTE = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#546e7a", "#ad1457", "#9e9d24", "#283593"];

  function empty(el, text) {
    el.style.height = "auto";
    el.textContent = text.empty;
    el.classList.add("muted");
  }

  // The same colours as the bulletin's chart (appraisal/bulletin.py): 红榜 green, 黑榜 red, others blue.
  var BOARD_COLOURS = { red: "#1a7f37", black: "#c00000" };

  function init(el) {
    var chart = window.echarts.init(el);
    charts.push(chart);
    return chart;
  }

  function scores(el, group, text) {
    if (!group || !group.units.length) return empty(el, text);
    el.style.height = Math.max(140, 56 + group.units.length * 26) + "px";
    init(el).setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: group.units, axisLabel: { width: 140, overflow: "truncate" } },
      series: [{ name: text.total, type: "bar", barMaxWidth: 18, data: group.totals,
        itemStyle: { color: function (p) { return BOARD_COLOURS[(group.boards || [])[p.dataIndex]] || "#1565c0"; } },
        label: { show: true, position: "right" } }]
    });
  }

  function trend(el, data, text) {
    var t = data.trend || {};
    if (!t.labels || !t.labels.length) return empty(el, text);
    var series = [{ name: text.county, type: "line", data: t.county, connectNulls: true, itemStyle: { color: "#888" },
      symbolSize: 8, lineStyle: { type: "dashed" }, label: { show: t.labels.length <= 3, position: "bottom" } }];
    if (t.unit) {
      series.push({ name: data.unit_name || "", type: "line", data: t.unit, connectNulls: true, symbolSize: 8, itemStyle: { color: "#1565c0" },
        label: { show: true, position: "top" } });
    }
    init(el).setOption({
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: t.labels },
      yAxis: { type: "value", min: 0, max: 100 },
      series: series
    });
  }

  function breakdown(el, b, text) {
    if (!b || !b.units.length || !b.series.length) return empty(el, text);
    el.style.height = Math.max(200, 90 + b.units.length * 24) + "px";
    init(el).setOption({
      color: PALETTE,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" },
      legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: b.units, axisLabel: { width: 140, overflow: "truncate" } },
      series: b.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "score", barMaxWidth: 18, data: s.data };
      })
    });
  }

  function draw() {
    var source = document.getElementById("appraisal-data");
    if (!source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var text = data.text;
    document.querySelectorAll(".chart-scores").forEach(function (el) {
      scores(el, data.groups[Number(el.dataset.groupIndex)], text);
    });
    var el = document.getElementById("chart-trend");
    if (el) trend(el, data, text);
    el = document.getElementById("chart-breakdown");
    if (el) breakdown(el, data.breakdown, text);
  }

  draw();
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
