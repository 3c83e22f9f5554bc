/* qa-actions dashboard: trend charts (uPlot) for the runs of the chosen branch, and sortable tables. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("qa-data").textContent);
  var s = data.series;
  var PALETTE = ["#3b5bdb", "#2f9e44", "#e8590c", "#ae3ec9", "#1098ad", "#f08c00", "#d6336c", "#5c940d"];
  var SEVERITY = { high: "#c62828", medium: "#e8590c", low: "#f2b01e" };
  var HEIGHT = 240;
  var RECENT = 200; // runs in view at first; double-click shows every run
  var select = document.getElementById("branch"); // absent when the history holds no runs
  var charts = [], plots = {};

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

  var HOUR = 3600, DAY = 86400;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function day(t) {
    var d = new Date(t * 1e3);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate());
  }

  function clock(t, withSeconds) {
    var d = new Date(t * 1e3);
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + (withSeconds ? ":" + pad(d.getUTCSeconds()) : "");
  }

  // Time ticks in UTC, ISO-like; the date is repeated where it changes so any tick can be read alone.
  function timeTicks(u, splits, axisIndex, space, incr) {
    var previous = null;
    return splits.map(function (t) {
      var date = day(t), label;
      if (incr >= 28 * DAY) label = date.slice(0, 7);
      else if (incr >= DAY) label = previous && previous.slice(0, 4) === date.slice(0, 4) ? date.slice(5) : date;
      else label = clock(t, incr < 60) + (date !== previous ? "\n" + date : "");
      previous = date;
      return label;
    });
  }

  // `850ms`, `2.5s`, `3m05s`: milliseconds below a second, so a fast tier never reads `0.0s`.
  function duration(v) {
    if (v === 0) return "0";
    if (v < 1) return Math.round(v * 1000) + "ms";
    if (v < 60) return (+v.toFixed(1)) + "s";
    var m = Math.floor(v / 60), sec = Math.round(v - 60 * m);
    if (sec === 60) { m += 1; sec = 0; }
    return m < 60 ? m + "m" + pad(sec) + "s" : Math.floor(m / 60) + "h" + pad(m % 60) + "m";
  }

  function niceCeil(v) {
    if (!(v > 0)) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(v)));
    for (var k of [1, 2, 2.5, 5, 10]) if (k * step >= v) return k * step;
    return 10 * step;
  }

  // How each kind of chart ranges its y axis and writes its values.
  var KINDS = {
    // a rate: always the whole of 0-100 %, so a dip reads as big as it is
    rate: { format: function (v) { return (+v.toFixed(2)) + "%"; }, range: function () { return [0, 100]; } },
    // coverage: fitted to the data in steps of 5, never beyond 0-100 %
    coverage: {
      format: function (v) { return (+v.toFixed(2)) + "%"; },
      range: function (u, min, max) {
        if (min === null || max === null) return [0, 100];
        return [Math.max(0, Math.floor((min - 1) / 5) * 5), Math.min(100, Math.ceil((max + 1) / 5) * 5)];
      }
    },
    duration: { format: duration, range: function (u, min, max) { return [0, niceCeil((max || 0) * 1.1)]; } },
    count: {
      format: function (v) { return String(Math.round(v)); },
      range: function (u, min, max) { return [0, Math.max(1, Math.ceil((max || 0) * 1.1))]; },
      incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000]
    }
  };

  function axes(kind) {
    var stroke = css("--muted"), grid = css("--line");
    var y = { stroke: stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, size: 60,
              values: function (u, ticks) { return ticks.map(kind.format); } };
    if (kind.incrs) y.incrs = kind.incrs;
    return [
      { stroke: stroke, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid }, values: timeTicks, size: 52, space: 72 },
      y
    ];
  }

  function plot(id, kind, lines, x, picked) {
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
      scales: {
        // the runs shown, edge to edge; one run (or runs at one instant) gets an hour either side, not years
        x: { time: true, range: function (u, min, max) { return min === max ? [min - HOUR, max + HOUR] : [min, max]; } },
        y: { range: kind.range }
      },
      axes: axes(kind),
      series: [{
        label: "run (UTC)",
        value: function (u, v, series, index) {
          if (index === null || index === undefined) return "–";
          var i = picked[index];
          return day(v) + " " + clock(v) + " · " + s.run[i] + (s.commit[i] ? " " + s.commit[i] : "");
        }
      }].concat(shown.map(function (line) {
        return {
          label: line.label, stroke: line.color, width: 2, spanGaps: true,
          points: { show: picked.length <= 60, size: 5 },
          value: function (u, v) { return v === null || v === undefined ? "–" : kind.format(v); }
        };
      }))
    };
    var columns = [x].concat(shown.map(function (line) { return take(line.values, picked); }));
    var chart = new uPlot(options, columns, element);
    if (x.length > RECENT) chart.setScale("x", { min: x[x.length - RECENT], max: x[x.length - 1] });
    else if (x[0] === x[x.length - 1]) chart.setScale("x", { min: x[0] - HOUR, max: x[0] + HOUR }); // uPlot's own: years
    charts.push(chart);
    plots[id] = chart;
  }

  function build() {
    charts.forEach(function (chart) { chart.destroy(); });
    charts = [];
    plots = {};
    var picked = runsOf(select.value);
    var x = take(s.time, picked);
    var tiers = Object.keys(s.tiers);
    function perTier(key) {
      return tiers.map(function (tier, i) {
        return { label: tier, color: PALETTE[i % PALETTE.length], values: s.tiers[tier][key] };
      });
    }
    plot("chart-pass", KINDS.rate, perTier("pass_rate"), x, picked);
    plot("chart-tests", KINDS.count, perTier("tests"), x, picked);
    plot("chart-duration", KINDS.duration, perTier("duration"), x, picked);
    plot("chart-coverage", KINDS.coverage, perTier("coverage"), x, picked);
    plot("chart-flaky", KINDS.count, perTier("flaky"), x, picked);
    plot("chart-findings", KINDS.count, ["high", "medium", "low"].map(function (severity) {
      return { label: severity, color: SEVERITY[severity], values: s.findings[severity] };
    }), x, picked);
    document.getElementById("shown-runs").textContent = picked.length > RECENT
      ? "the last " + RECENT + " of " + picked.length + " runs (double-click a chart for all)"
      : picked.length === 1 ? "1 run" : picked.length + " runs";
    window.qaDashboard = { ready: true, charts: charts.length, runs: picked.length, plots: plots };
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
  document.querySelectorAll("table.sortable").forEach(sortable);
  if (select) {
    select.addEventListener("change", build);
    build();
  } else {
    window.qaDashboard = { ready: true, charts: 0, runs: 0, plots: {} };
  }
})();
