/* Sign-in: check the key against an admin-only endpoint, keep it for this tab, go on. */
(function () {
  "use strict";

  const ux = window.uxlift;
  const form = document.getElementById("login-form");
  const input = document.getElementById("api-key");
  const submit = document.getElementById("login-submit");
  const errorBox = document.getElementById("login-error");
  const notice = document.getElementById("login-notice");
  const params = new URLSearchParams(location.search);

  function show(box, message) {
    box.textContent = message;
    box.hidden = !message;
  }

  /* Only same-site dashboard paths are followed after sign-in. */
  function nextUrl() {
    const next = params.get("next") || "";
    return /^\/dashboard(\/[\w\-/]*)?(\?[\w=&%\-.]*)?$/.test(next) ? next : "/dashboard";
  }

  function failureMessage(error) {
    if (error.status === 401) return "That API key is not valid or has been revoked. Check it and try again.";
    if (error.status === 403) return "This key works, but it is not an admin key. Sign in with a key that has the admin scope.";
    if (error.status === 429) return "Too many attempts. Wait a moment and try again.";
    if (error.status) return "Sign-in failed: " + error.message + ".";
    return "Could not reach the uxlift server. Check that it is running and try again.";
  }

  if (params.has("signed_out")) {
    ux.clearKey();
    show(notice, "You have signed out.");
  } else if (params.has("expired")) {
    show(notice, "Your key is no longer accepted. Sign in again.");
  }

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const key = input.value.trim();
    show(errorBox, "");
    if (!key) {
      show(errorBox, "Enter an API key.");
      input.focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = "Checking…";
    try {
      await ux.apiGet("/v1/keys", key);
      ux.setKey(key);
      location.assign(nextUrl());
    } catch (error) {
      show(notice, "");
      show(errorBox, failureMessage(error));
      input.select();
    } finally {
      submit.disabled = false;
      submit.textContent = "Sign in";
    }
  });
})();
