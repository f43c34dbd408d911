/* Assistant: a chat widget over /v1/assist, the agent queue, and the assistant's metrics. */
(function () {
  "use strict";

  const ux = window.uxlift;
  if (!ux.requireKey()) return;

  const log = document.getElementById("chat-log");
  const input = document.getElementById("chat-input");
  const status = document.getElementById("chat-status");
  let conversation = null;
  let lastMessageId = null;

  function setState(state) {
    document.body.dataset.state = state;
  }

  function bubble(role, text, reply) {
    const item = document.createElement("div");
    item.className = "bubble bubble-" + role;
    const body = document.createElement("p");
    body.textContent = text;
    item.appendChild(body);
    if (reply) {
      const meta = document.createElement("div");
      meta.className = "bubble-meta";
      const badge = document.createElement("span");
      badge.className = "badge badge-" + reply.action;
      badge.textContent = reply.action;
      meta.appendChild(badge);
      if (reply.intent) meta.appendChild(document.createTextNode(" " + reply.intent));
      if (reply.confidence !== null && reply.confidence !== undefined) {
        meta.appendChild(document.createTextNode(" · " + Math.round(reply.confidence * 100) + "%"));
      }
      (reply.sources || []).forEach(function (source) {
        const tag = document.createElement("span");
        tag.className = "source";
        tag.textContent = source.source || source.title || source.id;
        meta.appendChild(tag);
      });
      item.appendChild(meta);
      if (reply.options && reply.options.length) {
        const options = document.createElement("div");
        options.className = "chat-options";
        reply.options.forEach(function (option, index) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "button button-quiet option";
          button.textContent = (index + 1) + ". " + option.label;
          button.addEventListener("click", function () { send(String(index + 1)); });
          options.appendChild(button);
        });
        item.appendChild(options);
      }
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  async function start() {
    const created = await ux.apiPost("/v1/assist/conversations", {});
    conversation = created.id;
    lastMessageId = null;
    status.textContent = conversation;
  }

  async function send(text) {
    setState("loading");
    bubble("user", text);
    try {
      if (!conversation) await start();
      const reply = await ux.apiPost("/v1/assist/conversations/" + conversation + "/messages", { text: text });
      lastMessageId = reply.message_id;
      if (reply.waiting_for_agent) {
        bubble("system", "Sent to the agent handling this conversation.", null);
      } else {
        bubble("assistant", reply.text || "", reply);
      }
      if (reply.action === "handoff") loadQueue();
      loadMetrics();
    } catch (error) {
      ux.showPageError("The assistant did not answer: " + error.message);
    }
    setState("ready");
  }

  async function pollConversation() {
    if (!conversation) return;
    try {
      const current = await ux.apiGet("/v1/assist/conversations/" + conversation);
      const shown = log.querySelectorAll(".bubble-agent").length;
      const agentMessages = current.messages.filter(function (m) { return m.role === "agent"; });
      agentMessages.slice(shown).forEach(function (m) { bubble("agent", m.text, null); });
    } catch (_) {
      /* the next poll retries */
    }
  }

  async function feedback(body) {
    const fbStatus = document.getElementById("fb-status");
    if (!conversation) {
      fbStatus.textContent = "Ask something first: feedback is about an answer.";
      return;
    }
    try {
      if (lastMessageId) body.message_id = lastMessageId;
      await ux.apiPost("/v1/assist/conversations/" + conversation + "/feedback", body);
      fbStatus.textContent = "Thanks for the feedback.";
      loadMetrics();
    } catch (error) {
      fbStatus.textContent = error.message;
    }
  }

  function transcript(ticket) {
    const list = document.createElement("ol");
    list.className = "transcript";
    ticket.transcript.forEach(function (line) {
      const li = document.createElement("li");
      li.className = "line-" + line.role;
      li.textContent = line.role + ": " + line.text;
      list.appendChild(li);
    });
    return list;
  }

  function ticketItem(ticket) {
    const item = document.createElement("li");
    item.className = "ticket";
    item.dataset.ticket = ticket.id;
    const head = document.createElement("div");
    head.className = "ticket-head";
    head.textContent = ticket.reason + " · " + ux.formatAgo(ux.parseUtc(ticket.created_at));
    item.appendChild(head);
    item.appendChild(transcript(ticket));
    const form = document.createElement("form");
    form.className = "ticket-form";
    const answer = document.createElement("textarea");
    answer.required = true;
    answer.maxLength = 2000;
    answer.rows = 2;
    answer.placeholder = "Your reply to the customer";
    answer.setAttribute("aria-label", "Reply");
    const save = document.createElement("label");
    save.className = "muted";
    const saveBox = document.createElement("input");
    saveBox.type = "checkbox";
    saveBox.className = "save-to-kb";
    save.append(saveBox, " save to the knowledge base");
    const submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "button button-primary";
    submit.textContent = "Reply";
    form.append(answer, save, submit);
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      submit.disabled = true;
      try {
        await ux.apiPost("/v1/assist/handoffs/" + ticket.id + "/reply", { text: answer.value, save_to_kb: saveBox.checked });
        await loadQueue();
        await pollConversation();
      } catch (error) {
        ux.showPageError("The reply was not sent: " + error.message);
        submit.disabled = false;
      }
    });
    item.appendChild(form);
    return item;
  }

  async function loadQueue() {
    try {
      const queue = await ux.apiGet("/v1/assist/handoffs?status=open");
      const list = document.getElementById("ticket-list");
      const open = new Set(queue.tickets.map(function (t) { return t.id; }));
      list.querySelectorAll(".ticket").forEach(function (item) {
        if (!open.has(item.dataset.ticket)) item.remove();
      });
      queue.tickets.forEach(function (ticket) {
        const existing = list.querySelector('[data-ticket="' + ticket.id + '"]');
        if (existing) {
          existing.replaceChild(transcript(ticket), existing.querySelector(".transcript"));
        } else {
          list.appendChild(ticketItem(ticket));
        }
      });
      document.getElementById("queue-count").textContent = queue.tickets.length ? "(" + queue.tickets.length + " open)" : "";
      document.getElementById("queue-empty").hidden = queue.tickets.length > 0;
    } catch (error) {
      ux.showPageError("The agent queue did not load: " + error.message);
    }
  }

  function percent(value) {
    return value === null || value === undefined ? "–" : Math.round(value * 100) + "%";
  }

  async function loadMetrics() {
    try {
      const m = await ux.apiGet("/v1/assist/metrics");
      document.getElementById("m-conversations").textContent = ux.formatNumber(m.conversations);
      document.getElementById("m-containment").textContent = percent(m.containment_rate);
      document.getElementById("m-handoff").textContent = percent(m.handoff_rate);
      document.getElementById("m-csat").textContent = m.csat === null ? "–" : m.csat.toFixed(2);
      document.getElementById("m-latency").textContent =
        m.first_answer_latency_ms_p95 === null ? "–" : Math.round(m.first_answer_latency_ms_p95) + " ms";
      document.getElementById("intent-model").textContent = m.intent_model ? "intent model " + m.intent_model : "no intent model trained: retrieval only";
    } catch (error) {
      ux.showPageError("Metrics did not load: " + error.message);
    }
  }

  document.getElementById("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  document.getElementById("chat-new").addEventListener("click", function () {
    conversation = null;
    lastMessageId = null;
    log.replaceChildren();
    status.textContent = "";
    document.getElementById("fb-status").textContent = "";
  });
  document.getElementById("fb-yes").addEventListener("click", function () { feedback({ helpful: true }); });
  document.getElementById("fb-no").addEventListener("click", function () { feedback({ helpful: false }); });
  document.getElementById("fb-csat").addEventListener("change", function (event) {
    if (event.target.value) feedback({ csat: Number(event.target.value) });
  });

  Promise.all([loadMetrics(), loadQueue()]).then(function () { setState("ready"); });
  setInterval(function () { loadQueue(); pollConversation(); }, 3000);
})();
