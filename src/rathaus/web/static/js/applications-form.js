// Anträge, citizen form: checks the fields of a step while the citizen types. On leaving or changing a
// field, the step's fields are posted to the server (data-antrag-pruefen), which answers with its German
// messages and the fields now shown; the message goes into the field's error element (aria-live polite)
// and fields shown only under a condition appear or disappear at once. Without JavaScript the same
// checks run when the step is saved, and conditional fields appear after saving. The server checks
// everything again on submission anyway.
(function () {
  "use strict";

  function setError(block, text) {
    var id = "feld-" + block.dataset.feld;
    var region = document.getElementById(id + "-fehler");
    if (region && region.textContent !== text) region.textContent = text;
    block.classList.toggle("has-error", Boolean(text));
    block.querySelectorAll("input, select, textarea").forEach(function (input) {
      if (text) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  }

  function start(form) {
    var url = form.dataset.antragPruefen;
    var token = form.querySelector("input[name=csrf_token]");
    var touched = new Set();
    var timer = null;
    var running = null;

    function check() {
      var body = new URLSearchParams(new FormData(form));
      body.set("schritt", form.dataset.schritt || "");
      if (running) running.abort();
      running = new AbortController();
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-CSRF-Token": token ? token.value : "", Accept: "application/json" },
        signal: running.signal,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (answer) {
          if (!answer) return;
          (answer.shown || []).forEach(function (id) {
            var block = document.getElementById(id + "-block");
            if (block) block.hidden = false;
          });
          (answer.hidden || []).forEach(function (id) {
            var block = document.getElementById(id + "-block");
            if (block) block.hidden = true;
          });
          form.querySelectorAll("[data-feld]").forEach(function (block) {
            if (!touched.has(block.dataset.feld) || block.hidden) return;
            setError(block, (answer.errors || {})["feld-" + block.dataset.feld] || "");
          });
        })
        .catch(function () {
          /* offline or aborted: the server checks when the step is saved */
        });
    }

    function later(event) {
      var block = event.target.closest("[data-feld]");
      if (!block) return;
      touched.add(block.dataset.feld);
      clearTimeout(timer);
      timer = setTimeout(check, 150);
    }

    form.addEventListener("change", later);
    // tell the server which fields the citizen saw, so that it asks only for fields that are new to them
    form.addEventListener("submit", function () {
      form.querySelectorAll("input[name=gesehen]").forEach(function (old) {
        old.remove();
      });
      form.querySelectorAll("[data-feld]").forEach(function (block) {
        if (block.hidden) return;
        var seen = document.createElement("input");
        seen.type = "hidden";
        seen.name = "gesehen";
        seen.value = block.dataset.feld;
        form.appendChild(seen);
      });
    });
    form.addEventListener("focusout", function (event) {
      var block = event.target.closest("[data-feld]");
      if (!block) return;
      // leaving an empty field the citizen has not typed in yet is no mistake (yet)
      if (event.target.value === "" && !touched.has(block.dataset.feld)) return;
      later(event);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!("fetch" in window) || !("FormData" in window)) return;
    document.querySelectorAll("form[data-antrag-pruefen]").forEach(start);
  });
})();
