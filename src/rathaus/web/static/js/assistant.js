// Bürger-Assistent: streams the answer over server-sent events into the polite live region.
// Without JavaScript (or EventSource) the form posts and the server sends the full answer page.
(function () {
  "use strict";

  function show(region, html) {
    region.innerHTML = html;
    region.setAttribute("aria-busy", "false");
  }

  function problem(region, message) {
    var p = document.createElement("p");
    p.className = "error-text";
    p.textContent = message;
    region.replaceChildren(p);
    region.setAttribute("aria-busy", "false");
  }

  function start(form) {
    var region = document.getElementById("antwort");
    var question = form.querySelector("[name=frage]");
    var easy = form.querySelector("[name=leicht]");
    var button = form.querySelector("button[type=submit]");
    if (!region || !question) return;

    form.addEventListener("submit", function (event) {
      if (!question.value.trim()) return; // the server explains empty questions
      event.preventDefault();
      var params = new URLSearchParams({ frage: question.value, leicht: easy && easy.checked ? "1" : "0" });
      var source = new EventSource(form.dataset.assistantStream + "?" + params.toString());
      var draft = document.createElement("p");
      draft.className = "assistant-streaming";
      var status = document.createElement("p");
      status.className = "hint";
      status.textContent = "Die Antwort wird erstellt …";
      region.replaceChildren(status, draft);
      region.setAttribute("aria-busy", "true");
      button.disabled = true;
      var finished = false;

      function done() {
        finished = true;
        source.close();
        button.disabled = false;
      }
      source.addEventListener("token", function (e) {
        draft.textContent += JSON.parse(e.data).text;
      });
      source.addEventListener("answer", function (e) {
        done();
        show(region, JSON.parse(e.data).html);
        var heading = region.querySelector("h2");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      });
      source.addEventListener("problem", function (e) {
        done();
        problem(region, JSON.parse(e.data).message);
      });
      source.onerror = function () {
        if (finished) return;
        done();
        // The stream failed: fall back to the plain form post, which always works.
        form.submit();
      };
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!("EventSource" in window)) return;
    document.querySelectorAll("form[data-assistant-stream]").forEach(start);
  });
})();
