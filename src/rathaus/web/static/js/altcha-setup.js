// Terminvergabe: starts the vendored ALTCHA widget (altcha@3, the "external" build: no inline styles and
// no blob: workers, so the strict Content-Security-Policy holds; the worker script comes from /static).
// The widget is progressive enhancement: the form also carries a wait token (warte_token), so a browser
// in which the widget cannot run is only asked to wait, never locked out.
import "../vendor/altcha/altcha.min.js";

const altcha = globalThis.$altcha;
const workerUrl = new URL("../vendor/altcha/workers/pbkdf2.js", import.meta.url);
for (const name of ["PBKDF2/SHA-256", "PBKDF2/SHA-384", "PBKDF2/SHA-512"]) {
  altcha.algorithms.set(name, () => new Worker(workerUrl));
}

function say(widget, text) {
  const region = widget.parentElement && widget.parentElement.querySelector("[data-altcha-status]");
  if (region) region.textContent = text;
}

for (const widget of document.querySelectorAll("altcha-widget[data-strings]")) {
  const strings = JSON.parse(widget.dataset.strings);
  altcha.i18n.set(widget.getAttribute("language") || "de", strings);
  // start the work at once (in web workers) while the citizen fills in the form; the widget itself is
  // set to auto="onsubmit", so its checkbox is never a required field that could block the form
  widget.addEventListener("load", () => widget.verify(), { once: true });
  const form = widget.closest("form");
  if (!form) continue;
  form.addEventListener("submit", (event) => {
    if (widget.getState() !== "verifying") return;
    // sent while the check is still running: send as soon as it has finished (or failed: then the
    // server falls back to the wait token)
    event.preventDefault();
    say(widget, strings.waitAlert);
    const submitter = event.submitter;
    const done = (change) => {
      if (change.detail.state === "verifying") return;
      widget.removeEventListener("statechange", done);
      form.requestSubmit(submitter || undefined);
    };
    widget.addEventListener("statechange", done);
  });
}
