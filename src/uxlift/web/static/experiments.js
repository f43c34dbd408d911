/* Experiments: list, start and stop; per experiment the variant table, a forest plot of lifts
   with their intervals, the SRM check, the lift over time and a bandit's allocation. */
(function () {
  "use strict";

  const ux = window.uxlift;
  if (!ux.requireKey()) return;

  const PLOT_CONFIG = { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"] };
  const FONT = { family: "Inter, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12, color: "#334155" };
  const COLORS = { win: "#16a34a", loss: "#dc2626", neutral: "#6366f1", muted: "#94a3b8" };
  const PALETTE = ["#6366f1", "#f59e0b", "#10b981", "#ef4444", "#0ea5e9", "#a855f7", "#84cc16", "#f97316"];
  const state = {
    experiments: [],
    selected: null,
    sequential: null, // null: the server's default, learnt from the first results
    results: null,
    timeline: null,
    token: 0,
  };

  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  /* Plotly reads labels as a small HTML subset: API strings go in with their markup escaped. */
  function plotText(value) {
    return String(value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function isNumber(value) {
    return typeof value === "number" && Number.isFinite(value);
  }

  function percent(value, digits) {
    return isNumber(value) ? (value * 100).toFixed(digits === undefined ? 1 : digits) + "%" : "–";
  }

  function signedPercent(value) {
    if (!isNumber(value)) return "–";
    return (value > 0 ? "+" : "") + (value * 100).toFixed(1) + "%";
  }

  function number(value) {
    if (!isNumber(value)) return "–";
    return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3);
  }

  function pValue(value) {
    if (!isNumber(value)) return "–";
    return value < 0.0001 ? "< 0.0001" : value.toFixed(4);
  }

  /* "p = 0.0123" or "p < 0.0001". */
  function pStatement(value) {
    const text = pValue(value);
    return "p " + (text.startsWith("<") ? text : "= " + text);
  }

  /* A probability that rounds to 0% or 100% is shown as a bound, never as a certainty. */
  function chance(value) {
    if (!isNumber(value)) return "–";
    if (value > 0.999) return "> 99.9%";
    if (value < 0.001) return "< 0.1%";
    return percent(value);
  }

  function effect(value, relative) {
    if (!isNumber(value)) return "–";
    return relative ? signedPercent(value) : (value > 0 ? "+" : "") + number(value);
  }

  function metricLabel(name) {
    const meta = state.results && state.results.metrics ? state.results.metrics[name] : null;
    return meta && meta.label ? meta.label : name;
  }

  /* A proportion is a share; a ratio is a share unless some variant's value exceeds 1 (CSAT). */
  function metricFormatter(name, variants) {
    const meta = (state.results.metrics || {})[name] || {};
    const values = variants.map((v) => v.metrics[name]).filter(isNumber);
    const share = meta.kind === "proportion" || (meta.kind === "ratio" && values.every((v) => v >= 0 && v <= 1));
    return share ? (v) => percent(v, 2) : number;
  }

  /* Whether a significant comparison is good news (lower is better on inverse metrics). */
  function verdict(comparison) {
    if (comparison.insufficient_data) return "insufficient";
    if (!comparison.significant) return "neutral";
    return (comparison.lift > 0) !== Boolean(comparison.inverse) ? "win" : "loss";
  }

  function showSectionError(box, message) {
    if (typeof Plotly !== "undefined" && box.dataset.rendered === "true") Plotly.purge(box);
    box.dataset.rendered = "false";
    box.replaceChildren(el("div", message, "chart-empty"));
  }

  function report(error, what) {
    ux.showPageError("Could not " + (what || "load experiments") + ": " + error.message);
  }

  function clearPageError() {
    const box = document.getElementById("page-error");
    if (box) box.hidden = true;
  }

  /* -- the list ------------------------------------------------------------------------ */

  function variantSummary(experiment) {
    const total = experiment.variants.reduce((sum, v) => sum + v.weight, 0) || 1;
    return experiment.variants
      .map((v) => v.name + (v.name === experiment.control ? " (control)" : "") + " " + Math.round((v.weight / total) * 100) + "%")
      .join(" · ");
  }

  async function changeStatus(experiment, action, button) {
    button.disabled = true;
    try {
      await ux.apiPost("/v1/experiments/" + encodeURIComponent(experiment.id) + "/" + action, {});
      clearPageError();
      await loadList();
      if (state.selected === experiment.id) await loadDetail(true);
    } catch (error) {
      button.disabled = false;
      report(error, action + " " + experiment.name);
    }
  }

  function experimentRow(experiment) {
    const row = el("tr", null, "experiment-row");
    row.dataset.experiment = experiment.id;
    row.dataset.status = experiment.status;
    row.style.cursor = "pointer";
    if (experiment.id === state.selected) row.classList.add("selected");
    const name = el("td");
    name.appendChild(el("div", experiment.name, "item-title experiment-name"));
    if (experiment.description) name.appendChild(el("div", experiment.description, "muted small"));
    row.appendChild(name);
    const status = el("td");
    status.appendChild(el("span", experiment.status, "badge experiment-status" + (experiment.status === "running" ? " badge-serving" : "")));
    row.appendChild(status);
    row.appendChild(el("td", experiment.kind === "bandit" ? "Bandit" : "A/B", "experiment-kind"));
    row.appendChild(el("td", variantSummary(experiment), "experiment-variants"));
    const guardrails = experiment.guardrail_metrics.length;
    row.appendChild(el("td", experiment.primary_metric + (guardrails ? " (+" + guardrails + " guardrail" + (guardrails === 1 ? "" : "s") + ")" : ""), "experiment-metric"));
    row.appendChild(el("td", experiment.started_at ? ux.formatDateTime(ux.parseUtc(experiment.started_at)) : "–"));
    const actions = el("td");
    const action = { draft: ["start", "Start"], running: ["stop", "Stop"] }[experiment.status];
    if (action) {
      const button = el("button", action[1], "button button-quiet " + action[0]);
      button.type = "button";
      button.addEventListener("click", (event) => {
        event.stopPropagation();
        changeStatus(experiment, action[0], button);
      });
      actions.appendChild(button);
    }
    row.appendChild(actions);
    ux.onActivate(row, () => select(experiment.id));
    return row;
  }

  async function loadList() {
    const found = await ux.apiGet("/v1/experiments");
    state.experiments = found.experiments;
    const body = document.querySelector("#experiments-table tbody");
    body.replaceChildren(...found.experiments.map(experimentRow));
    const running = found.experiments.filter((e) => e.status === "running").length;
    document.getElementById("experiment-count").textContent = found.experiments.length + " in all, " + running + " running";
    const empty = found.experiments.length === 0;
    document.getElementById("empty-state").hidden = !empty;
    document.getElementById("experiments-card").hidden = empty;
    return !empty;
  }

  function select(id) {
    if (state.selected === id) return;
    state.selected = id;
    clearPageError();
    for (const row of document.querySelectorAll("#experiments-table tr.experiment-row")) {
      row.classList.toggle("selected", row.dataset.experiment === id);
    }
    const url = new URL(location.href);
    url.searchParams.set("experiment", id);
    history.replaceState(null, "", url.pathname + url.search);
    loadDetail(true).catch((error) => report(error, "show the experiment"));
  }

  /* -- one experiment ------------------------------------------------------------------ */

  function resultsPath(id) {
    const params = new URLSearchParams();
    if (state.sequential !== null) params.set("sequential", String(state.sequential));
    const query = params.toString();
    return "/v1/experiments/" + encodeURIComponent(id) + "/results" + (query ? "?" + query : "");
  }

  /* Results (and, when `withTimeline`, the timeline) of the selected experiment. A newer
     request makes an older answer stale: it is dropped rather than drawn over the new one. */
  async function loadDetail(withTimeline) {
    const id = state.selected;
    if (!id) return;
    const token = ++state.token;
    const detail = document.getElementById("experiment-detail");
    detail.hidden = false;
    detail.dataset.loaded = "false";
    detail.dataset.experiment = id;
    const detailError = document.getElementById("detail-error");
    detailError.hidden = true;
    const resultsCall = ux.apiGet(resultsPath(id));
    const timelineCall = withTimeline ? ux.apiGet("/v1/experiments/" + encodeURIComponent(id) + "/timeline") : null;
    let results;
    try {
      results = await resultsCall;
    } catch (error) {
      if (token !== state.token) return;
      detailError.textContent = "Could not load the results: " + error.message;
      detailError.hidden = false;
      showSectionError(document.getElementById("lift-chart"), "No results: " + error.message);
      detail.dataset.loaded = "error";
      if (timelineCall) timelineCall.catch(() => {});
      return;
    }
    if (token !== state.token) return;
    state.results = results;
    if (state.sequential === null) {
      state.sequential = results.settings.sequential;
      document.getElementById("interval-mode").value = String(state.sequential);
    }
    const drawn = [renderResults(results)];
    if (timelineCall) {
      drawn.push(
        timelineCall.then(
          (timeline) => {
            if (token !== state.token) return null;
            state.timeline = timeline;
            return drawTimeline(timeline);
          },
          (error) => {
            if (token !== state.token) return;
            document.getElementById("timeline-chart").dataset.days = "0";
            showSectionError(document.getElementById("timeline-chart"), "Could not load the timeline: " + error.message);
          }
        )
      );
    }
    await Promise.all(drawn);
    if (token !== state.token) return;
    detail.dataset.sequential = String(results.settings.sequential);
    detail.dataset.loaded = "true";
  }

  function renderResults(results) {
    const experiment = results.experiment;
    document.getElementById("detail-title").textContent = experiment.name;
    const settings = results.settings;
    document.getElementById("detail-meta").textContent = [
      experiment.status,
      experiment.kind === "bandit" ? "bandit" : "A/B test",
      "control: " + experiment.control,
      "as of " + ux.formatDateTime(ux.parseUtc(results.as_of)),
      (settings.sequential ? "always-valid" : "fixed-horizon") + " " + Math.round((1 - settings.alpha) * 100) + "% intervals",
      "correction: " + settings.correction,
      "CUPED " + (settings.cuped ? "on" : "off"),
    ].join(" · ");
    renderSrm(results);
    renderNote(results);
    renderVariants(results);
    renderComparisons(results);
    return Promise.all([drawForest(results), drawAllocation(results)]);
  }

  function renderSrm(results) {
    const banner = document.getElementById("srm-banner");
    const srm = results.analysis ? results.analysis.srm : null;
    if (!srm || !srm.mismatch) {
      banner.hidden = true;
      banner.replaceChildren();
      return;
    }
    const total = srm.observed.reduce((a, b) => a + b, 0) || 1;
    const split = srm.variants
      .map((name, i) => name + " " + ux.formatNumber(srm.observed[i]) + " users (" + percent(srm.observed[i] / total) + ", expected " + percent(srm.expected[i] / total) + ")")
      .join("; ");
    banner.replaceChildren(
      el("strong", "Sample ratio mismatch. "),
      document.createTextNode(
        "The users did not split as configured: " + split + " (" + pStatement(srm.p_value) + "). " +
        "Assignment or exposure logging is broken somewhere, so the lifts below cannot be trusted."
      )
    );
    banner.hidden = false;
  }

  function renderNote(results) {
    const note = document.getElementById("detail-note");
    const notes = [];
    if (results.mixed_users) notes.push(ux.formatNumber(results.mixed_users) + " users saw more than one variant and are left out.");
    if (!results.analysis) notes.push("No analysis yet.");
    note.textContent = notes.join(" ");
    note.hidden = notes.length === 0;
  }

  function renderVariants(results) {
    const metrics = [results.experiment.primary_metric, ...results.experiment.guardrail_metrics];
    const head = document.querySelector("#variants-table thead tr");
    head.replaceChildren(el("th", "Variant"), el("th", "Users", "num"), el("th", "Share", "num"));
    for (const name of metrics) {
      const th = el("th", metricLabel(name) + (name === results.experiment.primary_metric ? " (primary)" : ""), "num");
      th.dataset.metric = name;
      head.appendChild(th);
    }
    const totalUsers = results.variants.reduce((sum, v) => sum + v.users, 0);
    const totalWeight = results.variants.reduce((sum, v) => sum + v.weight, 0) || 1;
    const formats = Object.fromEntries(metrics.map((name) => [name, metricFormatter(name, results.variants)]));
    const body = document.querySelector("#variants-table tbody");
    body.replaceChildren();
    for (const variant of results.variants) {
      const row = el("tr", null, "variant-row");
      row.dataset.variant = variant.name;
      const name = el("td");
      name.appendChild(el("span", variant.name, "item-title"));
      if (variant.name === results.experiment.control) name.appendChild(el("span", " (control)", "muted small"));
      row.appendChild(name);
      row.appendChild(el("td", ux.formatNumber(variant.users), "num users"));
      const configured = results.experiment.kind === "bandit" ? "" : " of " + percent(variant.weight / totalWeight, 0);
      row.appendChild(el("td", (totalUsers ? percent(variant.users / totalUsers) : "–") + configured, "num share"));
      for (const name of metrics) {
        const cell = el("td", formats[name](variant.metrics[name]), "num metric-value");
        cell.dataset.metric = name;
        row.appendChild(cell);
      }
      body.appendChild(row);
    }
    document.getElementById("variants-label").textContent = ux.formatNumber(totalUsers) + " users exposed";
  }

  function comparisonsOf(results) {
    if (!results.analysis) return [];
    const order = [results.experiment.primary_metric, ...results.experiment.guardrail_metrics];
    return results.analysis.comparisons
      .slice()
      .sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric));
  }

  function comparisonLabel(comparison, results) {
    const treatments = results.experiment.variants.length - 1;
    return metricLabel(comparison.metric) + (treatments > 1 ? " · " + comparison.variant : "");
  }

  function renderComparisons(results) {
    const body = document.querySelector("#comparisons-table tbody");
    body.replaceChildren();
    const comparisons = comparisonsOf(results);
    if (!comparisons.length) {
      const row = el("tr");
      const cell = el("td", "No comparisons yet: nobody has been exposed.", "empty-row");
      cell.colSpan = 9;
      row.appendChild(cell);
      body.appendChild(row);
      return;
    }
    const byMetric = Object.fromEntries(comparisons.map((c) => [c.metric, metricFormatter(c.metric, results.variants)]));
    for (const c of comparisons) {
      const relative = c.frequentist.relative;
      const kind = verdict(c);
      const row = el("tr", null, "comparison-row verdict-" + kind);
      row.dataset.metric = c.metric;
      row.dataset.variant = c.variant;
      row.appendChild(el("td", metricLabel(c.metric)));
      row.appendChild(el("td", c.variant));
      row.appendChild(el("td", byMetric[c.metric](c.control_mean), "num"));
      row.appendChild(el("td", byMetric[c.metric](c.variant_mean), "num"));
      row.appendChild(el("td", effect(c.lift, relative), "num lift"));
      const interval = c.insufficient_data ? "–" : "[" + effect(c.ci_low, relative) + ", " + effect(c.ci_high, relative) + "]";
      row.appendChild(el("td", interval, "num interval"));
      row.appendChild(el("td", pValue(c.adjusted_p_value), "num"));
      row.appendChild(el("td", chance(c.bayesian.chance_to_win), "num chance"));
      const text = {
        insufficient: "insufficient data: " + c.insufficient_data,
        win: "significant win",
        loss: "significant loss",
        neutral: "not significant",
      }[kind];
      const cell = el("td");
      const badge = el("span", text, "badge verdict");
      if (kind === "win") badge.classList.add("badge-answer");
      if (kind === "loss") badge.classList.add("badge-handoff");
      cell.appendChild(badge);
      row.appendChild(cell);
      body.appendChild(row);
    }
  }

  function baseLayout(extra) {
    return Object.assign(
      { font: FONT, paper_bgcolor: "rgba(0,0,0,0)", plot_bgcolor: "rgba(0,0,0,0)", hovermode: "closest" },
      extra
    );
  }

  function plotlyMissing(box) {
    if (typeof Plotly !== "undefined") return false;
    box.textContent = "Charts are unavailable: plotly.js did not load.";
    return true;
  }

  function plot(box, traces, layout) {
    if (box.dataset.rendered !== "true") box.replaceChildren();
    return Plotly.react(box, traces, layout, PLOT_CONFIG).then(() => {
      box.dataset.rendered = "true";
    });
  }

  /* The forest plot: one row per metric (and treatment), its lift and interval as an error bar. */
  function drawForest(results) {
    const box = document.getElementById("lift-chart");
    const comparisons = comparisonsOf(results);
    const relative = comparisons.length ? comparisons[0].frequentist.relative : true;
    document.getElementById("lift-label").textContent =
      (relative ? "relative lift" : "difference") + ", " +
      (results.settings.sequential ? "always-valid" : "fixed-horizon") + " " + Math.round((1 - results.settings.alpha) * 100) + "% intervals";
    box.dataset.comparisons = String(comparisons.length);
    box.dataset.intervals = "0";
    if (plotlyMissing(box)) return Promise.resolve();
    if (!comparisons.length) {
      showSectionError(box, "No comparisons yet: nobody has been exposed.");
      return Promise.resolve();
    }
    const groups = {
      win: { name: "significant win", color: COLORS.win, items: [] },
      loss: { name: "significant loss", color: COLORS.loss, items: [] },
      neutral: { name: "not significant", color: COLORS.neutral, items: [] },
    };
    const insufficient = [];
    const labels = comparisons.map((c) => plotText(comparisonLabel(c, results)));
    comparisons.forEach((c, i) => {
      const kind = verdict(c);
      if (kind === "insufficient" || !isNumber(c.lift) || !isNumber(c.ci_low) || !isNumber(c.ci_high)) insufficient.push([c, labels[i]]);
      else groups[kind].items.push([c, labels[i]]);
    });
    const traces = [];
    let intervals = 0;
    for (const group of Object.values(groups)) {
      if (!group.items.length) continue;
      intervals += group.items.length;
      traces.push({
        type: "scatter",
        mode: "markers",
        name: group.name,
        x: group.items.map(([c]) => c.lift),
        y: group.items.map(([, label]) => label),
        customdata: group.items.map(([c]) => [
          effect(c.ci_low, relative), effect(c.ci_high, relative), pValue(c.adjusted_p_value), chance(c.bayesian.chance_to_win),
        ]),
        error_x: {
          type: "data", symmetric: false, visible: true, color: group.color, thickness: 2.5, width: 7,
          array: group.items.map(([c]) => c.ci_high - c.lift),
          arrayminus: group.items.map(([c]) => c.lift - c.ci_low),
        },
        marker: { color: group.color, size: 11, symbol: "diamond", line: { color: "#fff", width: 1 } },
        hovertemplate: "%{y}<br>lift %{x:" + (relative ? "+.1%" : "+.4g") + "}<br>interval [%{customdata[0]}, %{customdata[1]}]<br>adj. p %{customdata[2]}<br>chance to beat control %{customdata[3]}<extra></extra>",
      });
    }
    if (insufficient.length) {
      // Invisible points keep the rows on the axis; the annotations say why they are empty.
      traces.push({
        type: "scatter", mode: "markers", name: "insufficient data", showlegend: false, hoverinfo: "skip",
        x: insufficient.map(() => 0), y: insufficient.map(([, label]) => label), marker: { opacity: 0 },
      });
    }
    const annotations = [];
    for (const [c, label] of insufficient) {
      annotations.push({
        x: 0, xanchor: "left", xshift: 6, y: label, xref: "x", yref: "y", text: "insufficient data", hovertext: plotText(c.insufficient_data || "no estimate"),
        showarrow: false, font: { color: "#92400e", size: 12 }, bgcolor: "#fef3c7", borderpad: 3,
      });
    }
    comparisons.forEach((c, i) => {
      annotations.push({
        x: 1, xref: "paper", xanchor: "left", xshift: 12, y: labels[i], yref: "y", showarrow: false,
        text: "beats control: " + plotText(chance(c.bayesian.chance_to_win)),
        font: { color: "#475569", size: 12 },
      });
    });
    const layout = baseLayout({
      margin: { l: 170, r: 170, t: 8, b: 44 },
      showlegend: true, legend: { orientation: "h", y: -0.18 },
      xaxis: { title: relative ? "lift vs control" : "difference vs control", tickformat: relative ? "+.0%" : "", zeroline: true, zerolinecolor: "#0f172a", zerolinewidth: 1.5 },
      yaxis: { type: "category", categoryorder: "array", categoryarray: labels, autorange: "reversed", automargin: true },
      annotations,
    });
    box.style.height = Math.max(220, 90 + 56 * comparisons.length) + "px";
    return plot(box, traces, layout).then(() => {
      box.dataset.intervals = String(intervals);
      box.dataset.insufficient = String(insufficient.length);
    });
  }

  /* The primary metric's lift at the end of each day, with its interval as a band. */
  function drawTimeline(timeline) {
    const box = document.getElementById("timeline-chart");
    document.getElementById("timeline-label").textContent = metricLabel(timeline.metric);
    box.dataset.days = String(timeline.days.length);
    if (plotlyMissing(box)) return Promise.resolve();
    if (!timeline.days.length) {
      showSectionError(box, "Nothing yet: the experiment has not started.");
      return Promise.resolve();
    }
    const insufficient = timeline.days.flatMap((d) => d.comparisons).filter((c) => !isNumber(c.lift));
    if (insufficient.length === timeline.days.flatMap((d) => d.comparisons).length) {
      const why = insufficient.length ? insufficient[insufficient.length - 1].insufficient_data : null;
      showSectionError(box, "No estimate yet: insufficient data" + (why ? " (" + why + ")" : "") + ".");
      return Promise.resolve();
    }
    const variants = [...new Set(timeline.days.flatMap((d) => d.comparisons.map((c) => c.variant)))];
    const x = timeline.days.map((d) => d.day);
    const traces = [];
    let relative = true;
    let sequential = false;
    variants.forEach((variant, i) => {
      const color = PALETTE[(i + 1) % PALETTE.length];
      const at = timeline.days.map((d) => d.comparisons.find((c) => c.variant === variant) || null);
      const value = (key) => at.map((c) => (c && isNumber(c[key]) ? c[key] : null));
      const known = at.find((c) => c && c.frequentist);
      if (known) {
        relative = known.frequentist.relative;
        sequential = known.frequentist.method.startsWith("sequential");
      }
      const name = plotText(variant);
      traces.push({ type: "scatter", mode: "lines", x, y: value("ci_low"), line: { width: 0, color }, showlegend: false, hoverinfo: "skip", legendgroup: name, name: name + " low" });
      traces.push({
        type: "scatter", mode: "lines", x, y: value("ci_high"), fill: "tonexty", fillcolor: hexToRgba(color, 0.18),
        line: { width: 0, color }, showlegend: false, hoverinfo: "skip", legendgroup: name, name: name + " interval",
      });
      traces.push({
        type: "scatter", mode: "lines+markers", x, y: value("lift"), name, legendgroup: name,
        line: { color, width: 2 }, marker: { color, size: 6 },
        customdata: at.map((c) => (c ? [effect(c.ci_low, relative), effect(c.ci_high, relative), c.control_n + c.variant_n] : ["–", "–", 0])),
        hovertemplate: "by the end of %{x|%b %d}<br>" + name + " lift %{y:" + (relative ? "+.1%" : "+.4g") + "}<br>interval [%{customdata[0]}, %{customdata[1]}]<br>%{customdata[2]} users<extra></extra>",
      });
    });
    document.getElementById("timeline-label").textContent =
      metricLabel(timeline.metric) + ", " + (sequential ? "always-valid" : "fixed-horizon") + " intervals";
    const layout = baseLayout({
      margin: { l: 64, r: 24, t: 8, b: 48 },
      showlegend: variants.length > 1, legend: { orientation: "h", y: 1.1 },
      xaxis: Object.assign({ type: "date", tickformat: "%b %d" }, x.length <= 14 ? { dtick: 86400000 } : {}),
      yaxis: { title: relative ? "lift vs control" : "difference vs control", tickformat: relative ? "+.0%" : "", zeroline: true, zerolinecolor: "#0f172a" },
    });
    return plot(box, traces, layout);
  }

  /* A bandit's split over time: stacked shares, each held until the next re-allocation. */
  function drawAllocation(results) {
    const card = document.getElementById("allocation-card");
    const box = document.getElementById("allocation-chart");
    const bandit = results.experiment.kind === "bandit";
    card.hidden = !bandit;
    box.dataset.allocations = String(bandit ? results.allocations.length : 0);
    if (!bandit) return Promise.resolve();
    if (plotlyMissing(box)) return Promise.resolve();
    if (!results.allocations.length) {
      showSectionError(box, "No allocation yet: the bandit has not started.");
      return Promise.resolve();
    }
    const points = results.allocations.map((a) => ({ at: ux.parseUtc(a.at), weights: a.weights }));
    const end = ux.parseUtc(results.as_of);
    const last = points[points.length - 1];
    if (end > last.at) points.push({ at: end, weights: last.weights }); // the split holds until now
    const traces = results.experiment.variants.map((variant, i) => ({
      type: "scatter", mode: "lines", stackgroup: "split", name: plotText(variant.name),
      x: points.map((p) => p.at.toISOString()),
      y: points.map((p) => Number(p.weights[variant.name] || 0)),
      line: { shape: "hv", width: 1, color: PALETTE[i % PALETTE.length] },
      hovertemplate: plotText(variant.name) + " %{y:.1%}<extra></extra>",
    }));
    const layout = baseLayout({
      margin: { l: 56, r: 24, t: 8, b: 48 }, hovermode: "x unified",
      showlegend: true, legend: { orientation: "h", y: 1.1 },
      xaxis: { type: "date" }, yaxis: { range: [0, 1], tickformat: ".0%", title: "share of new users" },
    });
    return plot(box, traces, layout);
  }

  function hexToRgba(hex, alpha) {
    const value = parseInt(hex.slice(1), 16);
    return "rgba(" + ((value >> 16) & 255) + "," + ((value >> 8) & 255) + "," + (value & 255) + "," + alpha + ")";
  }

  /* -- UX metrics per day ------------------------------------------------------------- */

  /* Ratio metrics that are shares of something; other ratios (CSAT, a 1-5 mean) are numbers. */
  const SHARE_RATIOS = new Set(["ctr", "conversion", "add_to_cart_rate", "containment", "handoff_rate", "negative_review_share"]);
  const NUMBER_RATIOS = new Set(["csat"]);
  const SEGMENT_PATTERN = /^[\p{L}\p{N}_]{1,64}$/u; // an event property name, as the server checks it
  const daily = { data: null, metric: null, pending: null, shown: null, token: 0 };

  function dailyMetricMeta(name) {
    return ((daily.data && daily.data.metrics) || []).find((m) => m.name === name) || null;
  }

  /* A share is shown as a percentage: proportions, the known rates, and any other ratio whose
     values all lie in [0, 1]; means (revenue per user) and CSAT as numbers. */
  function dailyIsShare(meta, values) {
    if (meta.kind === "proportion" || SHARE_RATIOS.has(meta.name)) return true;
    if (meta.kind !== "ratio" || NUMBER_RATIOS.has(meta.name)) return false;
    return values.every((v) => v >= 0 && v <= 1);
  }

  /* Half a day before (-1) or after (+1) a "YYYY-MM-DD" day, so its point is not cut at the edge. */
  function halfDay(day, side) {
    return new Date(Date.parse(day + "T00:00:00Z") + side * 43200000).toISOString();
  }

  function segmentName(value) {
    return value === "*" ? "All users" : String(value);
  }

  function showDailyError(message) {
    const box = document.getElementById("daily-error");
    box.textContent = message;
    box.hidden = !message;
  }

  function fillMetricSelect(metrics) {
    const select = document.getElementById("daily-metric");
    const names = metrics.map((m) => m.name);
    if (!names.includes(daily.metric)) {
      // First visit: the first metric that has a value on some day, else the first one.
      const withData = metrics.find((m) => daily.data.days.some((d) => isNumber(d[m.name])));
      daily.metric = withData ? withData.name : names[0] || null;
    }
    select.replaceChildren(
      ...metrics.map((m) => {
        const option = el("option", m.label || m.name);
        option.value = m.name;
        if (m.description) option.title = m.description;
        return option;
      })
    );
    if (daily.metric) select.value = daily.metric;
  }

  /* What the form asks for, or null (with the reason shown) when the segment is not a name. */
  function dailyRequest() {
    const input = document.getElementById("daily-segment");
    const segment = input.value.trim();
    if (segment && !SEGMENT_PATTERN.test(segment)) {
      input.setAttribute("aria-invalid", "true");
      showDailyError("The segment must be an event property name: letters, digits and _ only (at most 64), e.g. platform.");
      return null;
    }
    input.removeAttribute("aria-invalid");
    return { days: Number(document.getElementById("daily-days").value), segment: segment || null };
  }

  /* Fetches the metrics for the form's days and segment (again, with `refresh`, when they are
     already shown); a request already on its way is not repeated, and an answer to an older
     request is dropped. */
  async function loadDaily(refresh) {
    const request = dailyRequest();
    const box = document.getElementById("daily-chart");
    if (!request) {
      box.dataset.loaded = "invalid";
      return;
    }
    showDailyError("");
    const key = request.days + "|" + (request.segment || "");
    if (daily.pending === key) return;
    if (!refresh && daily.shown === key) {
      box.dataset.loaded = "true";
      return;
    }
    daily.pending = key;
    const token = ++daily.token;
    box.dataset.loaded = "false";
    const params = new URLSearchParams({ days: String(request.days) });
    if (request.segment) params.set("segment", request.segment);
    let data;
    try {
      data = await ux.apiGet("/v1/metrics/daily?" + params.toString());
    } catch (error) {
      if (token !== daily.token) return;
      daily.pending = null;
      daily.shown = null;
      showDailyError("Could not load the metrics per day: " + error.message);
      document.getElementById("daily-label").textContent = "";  // not the last chart's
      showSectionError(box, "No metrics: " + error.message);
      box.dataset.loaded = "error";
      return;
    }
    if (token !== daily.token) return;
    daily.pending = null;
    daily.shown = key;
    daily.data = data;
    fillMetricSelect(data.metrics);
    await drawDaily();
    if (token !== daily.token) return;
    box.dataset.loaded = "true";
  }

  /* The chosen metric per day, one line per segment; hover shows the day's users. */
  function drawDaily() {
    const box = document.getElementById("daily-chart");
    const data = daily.data;
    const meta = dailyMetricMeta(daily.metric) || { name: daily.metric, label: daily.metric, kind: "mean" };
    const label = meta.label || meta.name || "";
    const span = data.start + " to " + data.end;
    document.getElementById("daily-label").textContent =
      label + ", " + span + (data.segment ? ", by " + data.segment : "");
    document.getElementById("daily-metric-help").textContent =
      meta.description ? label + ": " + meta.description + (meta.inverse ? " (lower is better)." : ".") : "";
    box.dataset.metric = meta.name || "";
    box.dataset.segment = data.segment || "";
    box.dataset.traces = "0";
    if (plotlyMissing(box)) return Promise.resolve();
    const rows = data.days.filter((d) => isNumber(d[meta.name]));
    if (!data.days.length) {
      box.dataset.state = "empty";
      showSectionError(box, "No events from " + span + ": nothing to measure yet.");
      return Promise.resolve();
    }
    if (!rows.length) {
      box.dataset.state = "empty";
      showSectionError(box, "No " + label + " data from " + span + " (nothing it is measured on happened).");
      return Promise.resolve();
    }
    const days = Math.round((Date.parse(data.end) - Date.parse(data.start)) / 86400000) + 1;
    const share = dailyIsShare(meta, rows.map((d) => d[meta.name]));
    const format = share ? (v) => percent(v, 2) : number;
    const segments = [...new Set(data.days.map((d) => d.segment))].sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));
    const traces = segments.map((segment, i) => {
      const points = data.days.filter((d) => d.segment === segment);
      const name = plotText(segmentName(segment));
      const color = PALETTE[i % PALETTE.length];
      return {
        type: "scatter", mode: "lines+markers", name,
        x: points.map((d) => d.day),
        y: points.map((d) => (isNumber(d[meta.name]) ? d[meta.name] : null)),
        customdata: points.map((d) => [format(d[meta.name]), ux.formatNumber(d.users)]),
        line: { color, width: 2 }, marker: { color, size: 6 }, cliponaxis: false,
        hovertemplate: "%{x|%b %d}<br>" + name + "<br>" + plotText(label) + " %{customdata[0]}<br>%{customdata[1]} users<extra></extra>",
      };
    });
    const layout = baseLayout({
      margin: { l: 64, r: 24, t: 8, b: 48 },
      showlegend: traces.length > 1, legend: { orientation: "h", y: 1.1 },
      xaxis: Object.assign({ type: "date", tickformat: "%b %d", range: [halfDay(data.start, -1), halfDay(data.end, 1)] }, days <= 14 ? { dtick: 86400000 } : {}),
      yaxis: { title: plotText(label), tickformat: share ? ".0%" : "", rangemode: "tozero", zeroline: true, zerolinecolor: "#cbd5e1" },
    });
    box.dataset.state = "ready";
    return plot(box, traces, layout).then(() => {
      box.dataset.traces = String(traces.length);
    });
  }

  function bindDailyControls() {
    document.getElementById("daily-metric").addEventListener("change", (event) => {
      daily.metric = event.target.value;
      if (daily.data) drawDaily().catch((error) => showDailyError("Could not draw the chart: " + error.message));
    });
    document.getElementById("daily-days").addEventListener("change", () => loadDaily(false));
    document.getElementById("daily-segment").addEventListener("change", () => loadDaily(false));
    document.getElementById("daily-form").addEventListener("submit", (event) => {
      event.preventDefault();
      loadDaily(true);
    });
  }

  /* -- start --------------------------------------------------------------------------- */

  function bindControls() {
    document.getElementById("interval-mode").addEventListener("change", (event) => {
      state.sequential = event.target.value === "true";
      if (state.selected) loadDetail(false).catch((error) => report(error, "reload the results"));
    });
  }

  async function start() {
    bindControls();
    bindDailyControls();
    loadDaily(true).catch((error) => showDailyError("Could not load the metrics per day: " + error.message));
    const any = await loadList();
    document.body.dataset.state = any ? "ready" : "empty";
    const wanted = new URLSearchParams(location.search).get("experiment");
    if (wanted) {
      const found = state.experiments.find((e) => e.id === wanted || e.name === wanted);
      if (found) select(found.id);
      else ux.showPageError("No experiment named or numbered '" + wanted + "'.");
    }
  }

  start().catch((error) => report(error));
})();
