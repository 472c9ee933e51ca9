/* Statistics trend chart (ECharts from static/vendor). */
(function () {
  "use strict";
  var box = document.getElementById("trend-chart");
  var dataNode = document.getElementById("trend-data");
  if (!box || !dataNode || !window.echarts) return;
  var data = JSON.parse(dataNode.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    animation: false,
    tooltip: { trigger: "axis", renderMode: "richText" }, // canvas text, never HTML
    legend: { top: 0, data: [data.names.received, data.names.closed, data.names.closure] },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.labels },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 1, axisLabel: { formatter: function (v) { return Math.round(v * 100) + "%"; } } }],
    series: [
      { name: data.names.received, type: "bar", data: data.received },
      { name: data.names.closed, type: "bar", data: data.closed },
      { name: data.names.closure, type: "line", yAxisIndex: 1, data: data.closure }
    ]
  });
  box.setAttribute("data-state", "ready");
  window.addEventListener("resize", function () { chart.resize(); });
})();
