/* Overview: totals, events per day by type, active users per day, top items. */
(function () {
  "use strict";

  const ux = window.uxlift;
  if (!ux.requireKey()) return;

  const DAY_MS = 86400000;
  const TYPE_COLORS = {
    view: "#94a3b8",
    click: "#60a5fa",
    add_to_cart: "#f59e0b",
    purchase: "#10b981",
    search: "#a78bfa",
    rate: "#f472b6",
    review: "#ec4899",
    chat: "#22d3ee",
    exposure: "#cbd5e1",
    feedback: "#fb7185",
  };
  const TYPE_ORDER = ["view", "click", "add_to_cart", "purchase", "search", "rate", "review", "chat", "feedback", "exposure"];
  const EXTRA_COLORS = ["#6366f1", "#84cc16", "#ef4444", "#14b8a6", "#eab308", "#8b5cf6"];
  const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const FONT = { family: "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#334155" };

  const daysSelect = document.getElementById("days");
  const params = new URLSearchParams(location.search);
  if (params.get("days") && daysSelect.querySelector('option[value="' + params.get("days") + '"]')) {
    daysSelect.value = params.get("days");
  }

  function setText(id, text) {
    document.getElementById(id).textContent = text;
  }

  /* Every day from the first to the last as YYYY-MM-DD, so gaps show as zero. */
  function dayRange(first, last) {
    const days = [];
    for (let t = Date.parse(first + "T00:00:00Z"); t <= Date.parse(last + "T00:00:00Z"); t += DAY_MS) {
      days.push(new Date(t).toISOString().slice(0, 10));
    }
    return days;
  }

  function layout(extra, days) {
    const base = Object.assign(
      {
        font: FONT,
        margin: { l: 48, r: 16, t: 8, b: 40 },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        xaxis: { type: "date", autorange: false, gridcolor: "#eef2f7", linecolor: "#cbd5e1", tickformat: "%b %d" },
        yaxis: { gridcolor: "#eef2f7", zeroline: false, rangemode: "tozero", separatethousands: true },
        hovermode: "x unified",
      },
      extra,
    );
    Object.assign(base.xaxis, dayAxis(days));
    return base;
  }

  function showChartMessage(id, message) {
    const box = document.getElementById(id);
    box.replaceChildren();
    const note = document.createElement("div");
    note.className = "chart-empty";
    note.textContent = message;
    box.appendChild(note);
  }

  function plot(id, traces, extraLayout, days) {
    const box = document.getElementById(id);
    if (typeof Plotly === "undefined") {
      showChartMessage(id, "Charts are unavailable: plotly.js did not load.");
      return Promise.resolve();
    }
    box.replaceChildren();
    return Plotly.react(box, traces, layout(extraLayout, days), PLOT_CONFIG).then(function () {
      box.dataset.rendered = "true";
    });
  }

  /* Core types in funnel order (view at the bottom of the stack), custom types after. */
  function byFunnelOrder(a, b) {
    const rank = (t) => (TYPE_ORDER.includes(t) ? TYPE_ORDER.indexOf(t) : TYPE_ORDER.length);
    return rank(a) - rank(b) || a.localeCompare(b);
  }

  /* Half a day of room either side, so the first and last day are not cut off. */
  function dayAxis(days) {
    const pad = DAY_MS / 2;
    const start = new Date(Date.parse(days[0] + "T00:00:00Z") - pad).toISOString();
    const end = new Date(Date.parse(days[days.length - 1] + "T00:00:00Z") + pad).toISOString();
    // whole days only: a short period must not read "Nov 30, Nov 30, ..." hour by hour
    return { range: [start, end], dtick: DAY_MS * Math.max(1, Math.ceil(days.length / 10)) };
  }

  function eventsChart(rows, days) {
    const types = [...new Set(rows.map((r) => r.type))].sort(byFunnelOrder);
    const counts = new Map(rows.map((r) => [r.day + "|" + r.type, r.count]));
    let extra = 0;
    const traces = types.map(function (type) {
      const color = TYPE_COLORS[type] || EXTRA_COLORS[extra++ % EXTRA_COLORS.length];
      return {
        type: "bar",
        name: type.replace(/_/g, " "),
        x: days,
        y: days.map((d) => counts.get(d + "|" + type) || 0),
        marker: { color: color },
        hovertemplate: "%{y:,}<extra>" + type + "</extra>",
      };
    });
    return plot("events-chart", traces, {
      barmode: "stack",
      bargap: 0.25,
      legend: { orientation: "h", y: -0.18, x: 0, traceorder: "normal" },
      margin: { l: 48, r: 16, t: 8, b: 64 },
    }, days);
  }

  function usersChart(rows, days) {
    const users = new Map(rows.map((r) => [r.day, r.users]));
    const trace = {
      type: "scatter",
      mode: days.length > 40 ? "lines" : "lines+markers",
      name: "active users",
      x: days,
      y: days.map((d) => users.get(d) || 0),
      line: { color: "#4f46e5", width: 2.5, shape: "spline", smoothing: 0.5 },
      marker: { size: 6 },
      fill: "tozeroy",
      fillcolor: "rgba(79, 70, 229, 0.08)",
      hovertemplate: "%{y:,} users<extra></extra>",
    };
    return plot("users-chart", [trace], { showlegend: false }, days);
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function topItemsTable(items) {
    const body = document.querySelector("#top-items tbody");
    body.replaceChildren();
    if (!items.length) {
      const row = document.createElement("tr");
      row.appendChild(cell("No item interactions in this period.", "empty-row"));
      row.firstChild.colSpan = 5;
      body.appendChild(row);
      return;
    }
    items.forEach(function (item, index) {
      const row = document.createElement("tr");
      row.dataset.itemId = item.item_id;
      row.appendChild(cell(String(index + 1), "rank"));
      const name = cell("", "item");
      const title = document.createElement("div");
      title.className = "item-title";
      title.textContent = item.title || item.item_id;
      const id = document.createElement("div");
      id.className = "item-id";
      id.textContent = item.item_id;
      name.append(title, id);
      row.appendChild(name);
      row.appendChild(cell(ux.formatNumber(item.interactions), "num interactions"));
      row.appendChild(cell(ux.formatNumber(item.purchases), "num purchases"));
      const rate = item.interactions ? ((100 * item.purchases) / item.interactions).toFixed(1) + "%" : "–";
      row.appendChild(cell(rate, "num rate"));
      body.appendChild(row);
    });
  }

  function showTotals(totals) {
    setText("total-events", ux.formatNumber(totals.events));
    setText("total-users", ux.formatNumber(totals.users));
    setText("total-items", ux.formatNumber(totals.items));
    const last = ux.parseUtc(totals.last_event_at);
    setText("last-event", ux.formatDateTime(last));
    setText("last-event-ago", last ? ux.formatAgo(last) : "no events yet");
  }

  async function load() {
    const days = Number(daysSelect.value);
    document.body.dataset.state = "loading";
    let data;
    try {
      data = await ux.apiGet("/v1/stats/overview?days=" + days);
    } catch (error) {
      if (error.status !== 401) ux.showPageError("Could not load the overview: " + error.message);
      document.body.dataset.state = "error";
      return;
    }
    showTotals(data.totals);
    const empty = data.totals.events === 0;
    document.getElementById("empty-state").hidden = !empty;
    document.getElementById("overview-body").hidden = empty;
    setText("range-label", "Since " + data.since.slice(0, 10) + " (UTC)");
    if (empty) {
      document.body.dataset.state = "empty";
      return;
    }
    const seen = data.events_per_day.map((r) => r.day).concat(data.active_users_per_day.map((r) => r.day)).sort();
    topItemsTable(data.top_items);
    if (!seen.length) {
      showChartMessage("events-chart", "No events in this period.");
      showChartMessage("users-chart", "No active users in this period.");
    } else {
      // the whole period asked for (it ends at the last event), so days without events
      // show as zero rather than shrinking the axis to the few days that have some
      const first = [data.since.slice(0, 10), seen[0]].sort()[0];
      const lastEvent = (data.totals.last_event_at || "").slice(0, 10);
      const last = [lastEvent, seen[seen.length - 1]].sort().pop();
      const axis = dayRange(first, last);
      await Promise.all([eventsChart(data.events_per_day, axis), usersChart(data.active_users_per_day, axis)]);
    }
    document.body.dataset.state = "ready";
  }

  daysSelect.addEventListener("change", function () {
    const url = new URL(location.href);
    url.searchParams.set("days", daysSelect.value);
    history.replaceState(null, "", url);
    load();
  });

  load();
})();
