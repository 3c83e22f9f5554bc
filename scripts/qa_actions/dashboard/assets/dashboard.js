/* qa-actions dashboard: trend charts (uPlot) for the runs of the chosen branch, and sortable tables. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("qa-data").textContent);
  var s = data.series;
  var PALETTE = ["#3b5bdb", "#2f9e44", "#e8590c", "#ae3ec9", "#1098ad", "#f08c00", "#d6336c", "#5c940d"];
  var SEVERITY = { high: "#c62828", medium: "#e8590c", low: "#f2b01e" };
  var HEIGHT = 240;
  var RECENT = 200; // runs in view at first; double-click shows every run
  var select = document.getElementById("branch");
  var charts = [];

  function css(name) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  }

  function runsOf(branch) {
    var picked = [];
    for (var i = 0; i < s.time.length; i++) {
      if (branch === "*" || s.branches[s.branch[i]] === branch) picked.push(i);
    }
    return picked;
  }

  function take(values, picked) {
    return picked.map(function (i) { return values[i]; });
  }

  function hasData(values) {
    return values.some(function (v) { return v !== null; });
  }

  function axis(unit) {
    var stroke = css("--muted"), grid = css("--line");
    return [
      { stroke: stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } },
      { stroke: stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 56,
        values: function (u, ticks) { return ticks.map(function (v) { return v + unit; }); } }
    ];
  }

  function plot(id, unit, lines, x, picked) {
    var element = document.getElementById(id);
    element.textContent = "";
    var shown = lines.filter(function (line) { return hasData(take(line.values, picked)); });
    if (!picked.length || !shown.length) {
      var empty = document.createElement("div");
      empty.className = "nodata";
      empty.textContent = "No data for these runs";
      element.appendChild(empty);
      return;
    }
    var options = {
      width: Math.max(element.clientWidth, 280),
      height: HEIGHT,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"); },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: true } },
      axes: axis(unit),
      series: [{ label: "run (UTC)" }].concat(shown.map(function (line) {
        return {
          label: line.label, stroke: line.color, width: 2, spanGaps: true,
          points: { show: picked.length <= 60, size: 5 },
          value: function (u, v) { return v === null || v === undefined ? "–" : (+v.toFixed(2)) + unit; }
        };
      }))
    };
    var columns = [x].concat(shown.map(function (line) { return take(line.values, picked); }));
    var chart = new uPlot(options, columns, element);
    if (x.length > RECENT) chart.setScale("x", { min: x[x.length - RECENT], max: x[x.length - 1] });
    charts.push(chart);
  }

  function build() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    var picked = runsOf(select.value);
    var x = take(s.time, picked);
    var tiers = Object.keys(s.tiers);
    function perTier(key) {
      return tiers.map(function (tier, i) {
        return { label: tier, color: PALETTE[i % PALETTE.length], values: s.tiers[tier][key] };
      });
    }
    plot("chart-pass", "%", perTier("pass_rate"), x, picked);
    plot("chart-duration", "s", perTier("duration"), x, picked);
    plot("chart-coverage", "%", perTier("coverage"), x, picked);
    plot("chart-findings", "", ["high", "medium", "low"].map(function (severity) {
      return { label: severity, color: SEVERITY[severity], values: s.findings[severity] };
    }), x, picked);
    document.getElementById("shown-runs").textContent = picked.length > RECENT
      ? "the last " + RECENT + " of " + picked.length + " runs (double-click a chart for all)"
      : picked.length + " runs";
    window.qaDashboard = { ready: true, charts: charts.length, runs: picked.length };
  }

  function resize() {
    charts.forEach(function (chart) {
      chart.setSize({ width: Math.max(chart.root.parentNode.clientWidth, 280), height: HEIGHT });
    });
  }

  function sortable(table) {
    var heads = table.querySelectorAll("th");
    heads.forEach(function (head, column) {
      head.addEventListener("click", function () {
        var ascending = head.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = a.cells[column].getAttribute("data-value") || a.cells[column].textContent;
          var y = b.cells[column].getAttribute("data-value") || b.cells[column].textContent;
          var nx = parseFloat(x), ny = parseFloat(y);
          var order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(resize, 100);
  });
  select.addEventListener("change", build);
  document.querySelectorAll("table.sortable").forEach(sortable);
  build();
})();
