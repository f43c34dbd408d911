/* Models: serving versions, test metrics per version, calibration, importance, history. */
(function () {
  "use strict";

  const ux = window.uxlift;
  if (!ux.requireKey()) return;

  const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const FONT = { family: "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#334155" };
  const COLORS = { logreg: "#60a5fa", lightgbm: "#10b981", "cross-encoder": "#a78bfa" };
  const RECOMMENDATIONS = "recommendations";
  let selected = null;

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function fixed(value, digits) {
    return value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits);
  }

  function baseLayout(extra) {
    return Object.assign(
      {
        font: FONT,
        margin: { l: 56, r: 16, t: 8, b: 48 },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        showlegend: false,
      },
      extra,
    );
  }

  function draw(id, traces, layout) {
    const box = document.getElementById(id);
    if (typeof Plotly === "undefined") {
      box.textContent = "Charts are unavailable: plotly.js did not load.";
      return Promise.resolve();
    }
    box.replaceChildren();
    return Plotly.react(box, traces, baseLayout(layout), PLOT_CONFIG).then(function () {
      box.dataset.rendered = "true";
    });
  }

  function servingCards(serving) {
    const box = document.getElementById("serving-cards");
    box.replaceChildren();
    for (const [target, version] of Object.entries(serving)) {
      const card = document.createElement("div");
      card.className = "card stat";
      card.dataset.target = target;
      const label = document.createElement("div");
      label.className = "stat-label";
      label.textContent = "Serving " + target.replace(/_/g, " ");
      const value = document.createElement("div");
      value.className = "stat-value stat-value-small serving-version";
      value.textContent = version;
      card.append(label, value);
      box.appendChild(card);
    }
  }

  async function promote(version, button) {
    button.disabled = true;
    try {
      await ux.apiPost("/v1/models/" + encodeURIComponent(version) + "/promote");
      await load();
    } catch (error) {
      ux.showPageError("Could not promote " + version + ": " + error.message);
      button.disabled = false;
    }
  }

  function versionsTable(models) {
    const body = document.querySelector("#models-table tbody");
    body.replaceChildren();
    for (const model of models.slice().reverse()) {
      const row = document.createElement("tr");
      row.dataset.version = model.version;
      row.className = model.version === selected ? "selected" : "";
      const name = cell(row, "", "version");
      const link = document.createElement("a");
      link.href = "#" + model.version;
      link.textContent = model.version;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        select(model.version);
      });
      name.appendChild(link);
      cell(row, model.estimator, "estimator");
      const window_ = model.training_window || {};
      cell(row, (window_.start || "").slice(0, 10) + " → " + (window_.end || "").slice(0, 10), "window");
      cell(row, fixed(model.test.roc_auc, 4), "num roc-auc");
      cell(row, fixed(model.test.pr_auc, 4), "num");
      cell(row, fixed(model.test.log_loss, 4), "num");
      cell(row, fixed(model.test.ece, 4), "num");
      cell(row, fixed(model.ceiling_roc_auc, 4), "num");
      const status = cell(row, "", "status");
      if (model.serving) {
        const badge = document.createElement("span");
        badge.className = "badge badge-serving";
        badge.textContent = "serving " + model.target;
        status.appendChild(badge);
      } else {
        const button = document.createElement("button");
        button.className = "button button-quiet promote";
        button.textContent = "Promote";
        button.addEventListener("click", function () {
          promote(model.version, button);
        });
        status.appendChild(button);
      }
      body.appendChild(row);
    }
  }

  function aucChart(models) {
    const byEstimator = {};
    for (const m of models) (byEstimator[m.estimator] = byEstimator[m.estimator] || []).push(m);
    const traces = Object.entries(byEstimator).map(function ([name, list]) {
      return {
        type: "scatter",
        mode: "lines+markers",
        name: name,
        x: list.map((m) => m.version),
        y: list.map((m) => m.test.roc_auc),
        marker: { color: COLORS[name] || "#64748b", size: 8 },
      };
    });
    const ceilings = models.filter((m) => m.ceiling_roc_auc !== null && m.ceiling_roc_auc !== undefined);
    if (ceilings.length) {
      traces.push({
        type: "scatter", mode: "markers", name: "ceiling",
        x: ceilings.map((m) => m.version), y: ceilings.map((m) => m.ceiling_roc_auc),
        marker: { symbol: "line-ew-open", size: 16, color: "#94a3b8" },
      });
    }
    return draw("auc-chart", traces, {
      showlegend: true, legend: { orientation: "h", y: -0.25 },
      xaxis: { type: "category", gridcolor: "#eef2f7" },
      yaxis: { title: { text: "ROC-AUC" }, gridcolor: "#eef2f7" },
    });
  }

  function historyList(history) {
    const list = document.getElementById("history");
    list.replaceChildren();
    for (const entry of history.slice().reverse().slice(0, 30)) {
      const item = document.createElement("li");
      item.dataset.action = entry.action;
      const when = document.createElement("span");
      when.className = "muted";
      when.textContent = (entry.at || "").replace("T", " ").replace("Z", " UTC") + " · ";
      const what = document.createElement("span");
      let text = entry.action + " " + entry.version;
      if (entry.previous) text += " (was " + entry.previous + ")";
      if (entry.actor) text += " by " + entry.actor;
      what.textContent = text;
      item.append(when, what);
      list.appendChild(item);
    }
  }

  async function select(version) {
    selected = version;
    document.getElementById("page-error").hidden = true;  // a new choice, a clean slate
    for (const row of document.querySelectorAll("#models-table tbody tr")) {
      row.classList.toggle("selected", row.dataset.version === version);
    }
    const card = await ux.apiGet("/v1/models/" + encodeURIComponent(version));
    document.getElementById("calibration-label").textContent = version + " · test set";
    const points = card.reliability || [];
    const positive = points.flatMap((p) => [p.predicted, p.observed]).filter((v) => v > 0);
    const low = Math.max(Math.min.apply(null, positive.concat([0.01])) / 1.5, 1e-5);
    const clip = (v) => Math.max(v, low);
    await Promise.all([
      draw(
        "calibration-chart",
        [
          { type: "scatter", mode: "lines", name: "perfect", x: [low, 1], y: [low, 1], line: { dash: "dash", color: "#94a3b8", width: 1 } },
          {
            type: "scatter", mode: "lines+markers", name: version,
            x: points.map((p) => clip(p.predicted)), y: points.map((p) => clip(p.observed)),
            text: points.map((p) => p.count + " examples"),
            marker: { color: COLORS[card.estimator] || "#6366f1", size: 8 },
          },
        ],
        {
          // one tick per decade (0.1 %, 1 %, 10 %, 100 %), not every digit between
          xaxis: { type: "log", dtick: 1, tickformat: "~%", title: { text: "predicted probability" }, gridcolor: "#eef2f7" },
          yaxis: { type: "log", dtick: 1, tickformat: "~%", title: { text: "observed rate" }, gridcolor: "#eef2f7" },
        },
      ),
      importanceChart(card),
    ]);
  }

  function importanceChart(card) {
    const top = (card.feature_importance || []).slice(0, 12).reverse();
    if (!top.length) {
      const box = document.getElementById("importance-chart");
      box.replaceChildren();
      box.textContent = "This model reads text only; it has no feature importance.";
      box.dataset.rendered = "true";
      return Promise.resolve();
    }
    return draw(
      "importance-chart",
      [{ type: "bar", orientation: "h", x: top.map((f) => f.importance), y: top.map((f) => f.feature), marker: { color: "#60a5fa" } }],
      { margin: { l: 170, r: 16, t: 8, b: 40 }, xaxis: { tickformat: ".0%", gridcolor: "#eef2f7" } },
    );
  }

  async function load() {
    document.body.dataset.state = "loading";
    let data;
    try {
      data = await ux.apiGet("/v1/models");
    } catch (error) {
      if (error.status !== 401) ux.showPageError("Could not load the models: " + error.message);
      document.body.dataset.state = "error";
      return;
    }
    // Recommenders have their own page.
    data.models = data.models.filter((m) => m.target !== RECOMMENDATIONS);
    data.history = data.history.filter((h) => h.target !== RECOMMENDATIONS);
    delete data.serving[RECOMMENDATIONS];
    const empty = data.models.length === 0;
    document.getElementById("empty-state").hidden = !empty;
    document.getElementById("models-body").hidden = empty;
    servingCards(data.serving);
    if (empty) {
      document.body.dataset.state = "empty";
      return;
    }
    const serving = Object.values(data.serving);
    if (!selected || !data.models.some((m) => m.version === selected)) {
      let wanted = location.hash.slice(1);
      try {
        wanted = decodeURIComponent(wanted);
      } catch (error) {
        // a malformed escape: keep the raw text, which names no version
      }
      const known = data.models.some((m) => m.version === wanted);
      selected = known ? wanted : serving[0] || data.models[data.models.length - 1].version;
      if (wanted && !known) ux.showPageError("No model version '" + wanted + "'; showing " + selected + ".");
    }
    versionsTable(data.models);
    historyList(data.history);
    await Promise.all([aucChart(data.models), select(selected)]);
    document.body.dataset.state = "ready";
  }

  load();
})();
