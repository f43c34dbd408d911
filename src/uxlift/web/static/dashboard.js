/* uxlift dashboard: the signed-in key, API calls and small formatters shared by every page. */
(function () {
  "use strict";

  const KEY_STORAGE = "uxlift.apiKey";
  const LOGIN_URL = document.body.dataset.loginUrl || "/dashboard/login";

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function getKey() {
    return sessionStorage.getItem(KEY_STORAGE);
  }

  function setKey(key) {
    sessionStorage.setItem(KEY_STORAGE, key);
  }

  function clearKey() {
    sessionStorage.removeItem(KEY_STORAGE);
  }

  function goToLogin(reason) {
    const params = new URLSearchParams();
    if (reason) params.set(reason, "1");
    const here = location.pathname + location.search;
    if (location.pathname !== LOGIN_URL) params.set("next", here);
    location.replace(LOGIN_URL + "?" + params.toString());
  }

  /* A page that shows data calls this first: no key means back to sign-in. */
  function requireKey() {
    const key = getKey();
    if (!key) {
      goToLogin();
      return null;
    }
    return key;
  }

  async function errorMessage(response) {
    try {
      const body = await response.json();
      if (body && body.error && body.error.message) return body.error.message;
    } catch (_) {
      /* not JSON */
    }
    return "the server answered " + response.status;
  }

  /* GET a /v1 path with the signed-in key (or `key`). A 401 with the stored key signs out. */
  async function apiGet(path, key) {
    const useKey = key || getKey();
    const response = await fetch(path, {
      headers: { Authorization: "Bearer " + useKey, Accept: "application/json" },
      cache: "no-store",
    });
    if (response.ok) return response.json();
    const message = await errorMessage(response);
    if (response.status === 401 && !key) {
      clearKey();
      goToLogin("expired");
    }
    throw new ApiError(response.status, message);
  }

  /* POST JSON to a /v1 path with the signed-in key. */
  async function apiPost(path, body) {
    const response = await fetch(path, {
      method: "POST",
      headers: { Authorization: "Bearer " + getKey(), Accept: "application/json", "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
      cache: "no-store",
    });
    if (response.ok) return response.json();
    throw new ApiError(response.status, await errorMessage(response));
  }

  function showPageError(message) {
    const box = document.getElementById("page-error");
    if (!box) return;
    box.textContent = message;
    box.hidden = false;
  }

  const numberFormat = new Intl.NumberFormat();

  function formatNumber(value) {
    return value === null || value === undefined ? "–" : numberFormat.format(value);
  }

  /* The API reports UTC timestamps without an offset. */
  function parseUtc(text) {
    if (!text) return null;
    const hasZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text);
    return new Date(hasZone ? text : text + "Z");
  }

  function formatDateTime(date) {
    if (!date) return "–";
    return date.toISOString().slice(0, 16).replace("T", " ") + " UTC";
  }

  function formatAgo(date, now) {
    if (!date) return "";
    const seconds = Math.max(0, ((now || new Date()) - date) / 1000);
    const steps = [
      [60, "second"],
      [60, "minute"],
      [24, "hour"],
      [30, "day"],
      [12, "month"],
      [Infinity, "year"],
    ];
    let value = seconds;
    for (const [size, unit] of steps) {
      if (value < size) {
        const whole = Math.floor(value);
        if (unit === "second" && whole < 45) return "just now";
        return whole + " " + unit + (whole === 1 ? "" : "s") + " ago";
      }
      value /= size;
    }
    return "";
  }

  /* A table row that opens something on click opens it from the keyboard too: it
     takes focus with Tab and answers Enter and Space (it stays a row for screen
     readers; the buttons inside it keep their own keys). */
  function onActivate(element, handler) {
    element.tabIndex = 0;
    element.addEventListener("click", handler);
    element.addEventListener("keydown", function (event) {
      if (event.target !== element || (event.key !== "Enter" && event.key !== " ")) return;
      event.preventDefault();
      handler(event);
    });
  }

  function bindSignOut() {
    const link = document.getElementById("sign-out");
    if (link) link.addEventListener("click", clearKey);
  }

  bindSignOut();

  window.uxlift = {
    ApiError,
    apiGet,
    apiPost,
    clearKey,
    formatAgo,
    formatDateTime,
    formatNumber,
    getKey,
    goToLogin,
    onActivate,
    parseUtc,
    requireKey,
    setKey,
    showPageError,
  };
})();
