/* Recommendations: try the serving recommender for a user, its reasons, offline quality. */
(function () {
  "use strict";

  const ux = window.uxlift;
  if (!ux.requireKey()) return;

  const TARGET = "recommendations";
  const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const FONT = { family: "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#334155" };
  const COLORS = { uxlift: "#10b981", ease: "#60a5fa", popularity: "#cbd5e1" };

  function fixed(value, digits) {
    return value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits);
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function offlineChart(card) {
    const box = document.getElementById("offline-chart");
    const offline = (card && card.offline) || {};
    const names = Object.keys(offline);
    if (typeof Plotly === "undefined") {
      box.textContent = "Charts are unavailable: plotly.js did not load.";
      return Promise.resolve();
    }
    if (!names.length) {
      box.replaceChildren();
      box.textContent = "This version was trained without a holdout evaluation.";
      box.dataset.rendered = "true";
      return Promise.resolve();
    }
    box.replaceChildren();
    const traces = [{
      type: "bar",
      x: names,
      y: names.map((n) => offline[n]["ndcg@10"]),
      text: names.map((n) => fixed(offline[n]["ndcg@10"], 4)),
      textposition: "outside",
      marker: { color: names.map((n) => COLORS[n] || "#94a3b8") },
    }];
    const layout = {
      font: FONT, margin: { l: 56, r: 16, t: 16, b: 40 }, showlegend: false,
      paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)",
      yaxis: { title: { text: "NDCG@10" }, gridcolor: "#eef2f7", rangemode: "tozero" },
    };
    return Plotly.react(box, traces, layout, PLOT_CONFIG).then(function () {
      box.dataset.rendered = "true";
    });
  }

  function versionsTable(models) {
    const body = document.querySelector("#recommenders-table tbody");
    body.replaceChildren();
    for (const model of models.slice().reverse()) {
      const row = document.createElement("tr");
      row.dataset.version = model.version;
      cell(row, model.version);
      cell(row, (model.training_window.start || "").slice(0, 10) + " – " + (model.training_window.end || "").slice(0, 10));
      const offline = model.offline || {};
      cell(row, fixed(offline.uxlift && offline.uxlift["ndcg@10"], 4), "num ndcg");
      cell(row, fixed(offline.ease && offline.ease["ndcg@10"], 4), "num");
      const status = cell(row, "");
      if (model.serving) {
        const badge = document.createElement("span");
        badge.className = "badge badge-serving";
        badge.textContent = "serving";
        status.appendChild(badge);
      }
      body.appendChild(row);
    }
  }

  function showList(data) {
    const list = document.getElementById("rec-list");
    list.replaceChildren();
    for (const entry of data.items) {
      const item = document.createElement("li");
      item.dataset.itemId = entry.item_id;
      const position = document.createElement("span");
      position.className = "rec-pos";
      position.textContent = String(entry.position);
      const body = document.createElement("div");
      const title = document.createElement("div");
      title.className = "item-title";
      title.textContent = entry.title || entry.item_id;
      const id = document.createElement("div");
      id.className = "item-id";
      id.textContent = entry.item_id;
      const reasons = document.createElement("div");
      reasons.className = "reasons";
      for (const reason of entry.reasons) {
        const chip = document.createElement("span");
        chip.className = "reason";
        chip.dataset.kind = reason.kind;
        chip.textContent = reason.text;
        reasons.appendChild(chip);
      }
      body.append(title, id, reasons);
      if (entry.contributions && entry.contributions.length) {
        const terms = document.createElement("div");
        terms.className = "contributions";
        terms.textContent = "ranker: " + entry.contributions
          .map((c) => c.text + " (" + c.effect + ")").join(" · ");
        body.appendChild(terms);
      }
      item.append(position, body);
      list.appendChild(item);
    }
  }

  async function tryIt(event) {
    event.preventDefault();
    const user = document.getElementById("user-id").value.trim();
    if (!user) {
      document.getElementById("try-status").textContent = "Enter a user id.";
      return;
    }
    const params = new URLSearchParams({
      n: document.getElementById("count").value || "10",
      diversity: document.getElementById("diversity").value || "0",
      explain: "true",
      log_exposure: "false",
    });
    const category = document.getElementById("category").value.trim();
    if (category) params.set("category", category);
    const status = document.getElementById("try-status");
    status.textContent = "Ranking…";
    document.body.dataset.state = "loading";
    try {
      const data = await ux.apiGet("/v1/users/" + encodeURIComponent(user) + "/recommendations?" + params);
      showList(data);
      const variants = (data.experiments || []).map((e) => e.experiment + ": " + e.variant);
      status.textContent = data.items.length
        ? data.items.length + " items from " + data.model + (data.has_more ? " (more on the next page)" : "") +
          (variants.length ? "; this user's experiment variant chose it (" + variants.join(", ") + ")" : "")
        : "Nothing matches these filters.";
      document.body.dataset.state = "ready";
    } catch (error) {
      status.textContent = "";
      if (error.status !== 401) ux.showPageError("Could not recommend: " + error.message);
      document.body.dataset.state = "error";
    }
  }

  async function load() {
    document.body.dataset.state = "loading";
    let data;
    try {
      data = await ux.apiGet("/v1/models");
    } catch (error) {
      if (error.status !== 401) ux.showPageError("Could not load the recommenders: " + error.message);
      document.body.dataset.state = "error";
      return;
    }
    const models = data.models.filter((m) => m.target === TARGET);
    const empty = models.length === 0;
    document.getElementById("empty-state").hidden = !empty;
    document.getElementById("recs-body").hidden = empty;
    if (empty) {
      document.body.dataset.state = "empty";
      return;
    }
    const serving = models.find((m) => m.serving) || models[models.length - 1];
    document.getElementById("serving-label").textContent = serving.serving ? "serving " + serving.version : "nothing serves yet";
    versionsTable(models);
    await offlineChart(serving);
    document.getElementById("try-form").addEventListener("submit", tryIt);
    document.body.dataset.state = "ready";
  }

  load();
})();
