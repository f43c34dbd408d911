/* Opinions: trend per topic and source with alert markers, live alerts, drill-down to texts. */
(function () {
  "use strict";

  const ux = window.uxlift;
  if (!ux.requireKey()) return;

  const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const FONT = { family: "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#334155" };
  const state = { topic: "*", source: "*", granularity: "hour", trend: null };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function query(params) {
    return new URLSearchParams(params).toString();
  }

  function seriesName(alert) {
    const topic = alert.topic === "*" ? "all topics" : alert.topic;
    const source = alert.source === "*" ? "all sources" : alert.source;
    return topic + " · " + source;
  }

  async function loadFilters() {
    const [topics, series] = await Promise.all([
      ux.apiGet("/v1/topics"),
      ux.apiGet("/v1/opinions/series"),
    ]);
    const topicSelect = document.getElementById("topic-select");
    for (const topic of topics.topics) topicSelect.appendChild(new Option(topic.name, topic.name));
    const sourceSelect = document.getElementById("source-select");
    const sources = [...new Set(series.series.map((s) => s.source).filter((s) => s !== "*"))].sort();
    for (const source of sources) sourceSelect.appendChild(new Option(source, source));
    return series.series.length > 0;
  }

  function drawTrend(trend) {
    const box = document.getElementById("trend-chart");
    document.getElementById("trend-label").textContent =
      (trend.topic === "*" ? "all topics" : trend.topic) + " · " +
      (trend.source === "*" ? "all sources" : trend.source) + " · per " + trend.granularity;
    if (typeof Plotly === "undefined") {
      box.textContent = "Charts are unavailable: plotly.js did not load.";
      return Promise.resolve();
    }
    const x = trend.windows.map((w) => w.start);
    const traces = [
      { type: "bar", name: "texts", x, y: trend.windows.map((w) => w.volume), marker: { color: "#cbd5e1" }, hovertemplate: "%{x}<br>%{y} texts<extra></extra>" },
      { type: "scatter", mode: "lines", name: "negative share", x, y: trend.windows.map((w) => w.negative_share), yaxis: "y2", line: { color: "#ef4444", width: 2 }, hovertemplate: "%{x}<br>negative %{y:.0%}<extra></extra>" },
      {
        type: "scatter", mode: "markers", name: "alerts", yaxis: "y2",
        x: trend.alerts.map((a) => a.window_start),
        y: trend.alerts.map((a) => (a.statistic === "negative_share" ? a.observed : 1.02)),
        text: trend.alerts.map((a) => a.summary),
        customdata: trend.alerts.map((a) => a.alert_id),
        marker: { color: "#b91c1c", size: 13, symbol: "triangle-down", line: { color: "#fff", width: 1 } },
        hovertemplate: "%{text}<extra></extra>",
      },
    ];
    const most = Math.max(0, ...trend.windows.map((w) => w.volume));
    const layout = {
      font: FONT, margin: { l: 56, r: 56, t: 8, b: 48 }, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      showlegend: true, legend: { orientation: "h", y: 1.12 }, bargap: 0.1,
      // texts are counted: whole-number ticks even when a window holds only a few
      yaxis: { title: "texts", rangemode: "tozero", dtick: most <= 10 ? 1 : undefined },
      // room above 100 % for the alert markers, but no tick past it
      yaxis2: { title: "negative share", overlaying: "y", side: "right", range: [0, 1.08], tickvals: [0, 0.25, 0.5, 0.75, 1], tickformat: ".0%" },
      xaxis: { type: "date", range: recentRange(trend) },
      // redraws of the same series (an alert acknowledged, a live one) keep the zoom
      uirevision: [trend.topic, trend.source, trend.granularity].join("|"),
    };
    const first = box.dataset.rendered !== "true";
    if (first) box.replaceChildren();
    return Plotly.react(box, traces, layout, PLOT_CONFIG).then(function () {
      box.dataset.rendered = "true";
      box.dataset.alerts = String(trend.alerts.length);
      if (first) {
        box.on("plotly_click", function (event) {
          const point = event.points && event.points[0];
          if (point) showWindow(state.topic, state.source, String(point.x)).catch(report);
        });
      }
    });
  }

  /* Hourly windows over weeks are too thin to read: open on the last two weeks (drag or
     double-click the chart to see all of it). */
  function recentRange(trend) {
    const HOUR_MS = 3600000, SHOWN_MS = 14 * 24 * HOUR_MS;
    const starts = trend.windows.map((w) => Date.parse(w.start));
    if (trend.granularity !== "hour" || starts.length < 2) return undefined;
    const last = Math.max(...starts), first = Math.min(...starts);
    if (last - first <= SHOWN_MS) return undefined;
    return [new Date(last - SHOWN_MS).toISOString(), new Date(last + HOUR_MS).toISOString()];
  }

  async function loadTrend() {
    const trend = await ux.apiGet("/v1/opinions/trend?" + query({ topic: state.topic, source: state.source, granularity: state.granularity }));
    state.trend = trend;
    await drawTrend(trend);
  }

  async function setStatus(alertId, action) {
    await ux.apiPost("/v1/alerts/" + encodeURIComponent(alertId) + "/" + action, {});
    await Promise.all([loadAlerts(), loadTrend()]);
  }

  function alertRow(alert) {
    const row = el("tr", null, "alert-row");
    row.dataset.alert = alert.alert_id;
    row.dataset.status = alert.status;
    row.appendChild(el("td", ux.formatDateTime(ux.parseUtc(alert.window_start))));
    row.appendChild(el("td", seriesName(alert)));
    const what = alert.statistic === "negative_share"
      ? "negative " + Math.round(alert.observed * 100) + "% vs " + Math.round(alert.expected * 100) + "%"
      : alert.volume + " texts vs " + alert.expected.toFixed(1);
    row.appendChild(el("td", what + " (z " + alert.z.toFixed(1) + ")"));
    const severity = el("td");
    severity.appendChild(el("span", alert.severity, "badge severity-" + alert.severity));
    row.appendChild(severity);
    row.appendChild(el("td", alert.status, "status status-" + alert.status));
    const actions = el("td");
    if (alert.status === "open") {
      const ack = el("button", "Acknowledge", "button button-quiet ack");
      ack.addEventListener("click", (e) => { e.stopPropagation(); setStatus(alert.alert_id, "acknowledge").catch(report); });
      actions.appendChild(ack);
    }
    if (alert.status !== "resolved") {
      const resolve = el("button", "Resolve", "button button-quiet resolve");
      resolve.addEventListener("click", (e) => { e.stopPropagation(); setStatus(alert.alert_id, "resolve").catch(report); });
      actions.appendChild(resolve);
    }
    row.appendChild(actions);
    ux.onActivate(row, () => showWindow(alert.topic, alert.source, alert.window_start, alert.granularity).catch(report));
    return row;
  }

  async function loadAlerts() {
    const found = await ux.apiGet("/v1/alerts?limit=50");
    const body = document.querySelector("#alerts-table tbody");
    body.replaceChildren();
    if (!found.alerts.length) {
      const row = el("tr");
      const cell = el("td", "No alerts: nothing surged.", "muted");
      cell.colSpan = 6;
      row.appendChild(cell);
      body.appendChild(row);
    }
    for (const alert of found.alerts) body.appendChild(alertRow(alert));
    const open = found.alerts.filter((a) => a.status === "open").length;
    document.getElementById("alert-count").textContent = open + " open";
  }

  async function showWindow(topic, source, start, granularity) {
    const detail = await ux.apiGet("/v1/opinions/window?" + query({ topic, source, start, granularity: granularity || state.granularity }));
    document.getElementById("window-label").textContent =
      ux.formatDateTime(ux.parseUtc(detail.start)) + " · " + detail.volume + " texts, " + detail.negative + " negative";
    const chips = document.getElementById("window-keywords");
    chips.replaceChildren(...(detail.negative_keywords.length ? detail.negative_keywords : detail.keywords).map((k) => el("span", k, "chip")));
    const list = document.getElementById("window-texts");
    list.replaceChildren();
    for (const text of detail.top_negative_texts) {
      const item = el("li");
      item.appendChild(el("span", text.score.toFixed(2), "score"));
      item.appendChild(document.createTextNode(text.text));
      list.appendChild(item);
    }
    if (!detail.top_negative_texts.length) list.appendChild(el("li", "No negative text in this window.", "muted"));
    document.getElementById("window-detail").dataset.loaded = "true";
  }

  /* Live alerts: read the SSE stream with fetch (EventSource cannot send the key). */
  async function listen() {
    const response = await fetch("/v1/alerts/stream", { headers: { Authorization: "Bearer " + ux.getKey() }, cache: "no-store" });
    if (!response.ok || !response.body) return;
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    document.body.dataset.live = "true";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = (block.match(/^event: (.*)$/m) || [])[1];
        const data = (block.match(/^data: (.*)$/m) || [])[1];
        if (event === "alert" && data) onLiveAlert(JSON.parse(data));
        if (event === "status") loadAlerts().catch(report);
      }
    }
  }

  function onLiveAlert(alert) {
    const banner = document.getElementById("live-banner");
    banner.textContent = "New alert: " + alert.summary;
    banner.hidden = false;
    Promise.all([loadAlerts(), loadTrend()]).catch(report);
  }

  function report(error) {
    const box = document.getElementById("page-error");
    if (box) {
      box.textContent = "Could not load opinions: " + error.message;
      box.hidden = false;
    }
  }

  function bindControls() {
    for (const [id, key] of [["topic-select", "topic"], ["source-select", "source"], ["granularity-select", "granularity"]]) {
      document.getElementById(id).addEventListener("change", (event) => {
        state[key] = event.target.value;
        loadTrend().catch(report);
      });
    }
  }

  async function start() {
    bindControls();
    const hasTexts = await loadFilters();
    document.getElementById("empty-state").hidden = hasTexts;
    await Promise.all([loadTrend(), loadAlerts()]);
    document.body.dataset.state = "ready";
    listen().catch(() => { document.body.dataset.live = "false"; });
  }

  start().catch(report);
})();
