// Embeds the Bürger-Assistent in a municipality's web page:
// <script src="https://rathaus.example/static/js/assistant-embed.js" data-tenant="stadt-x" defer></script>
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.dataset.tenant) return;
  var origin = new URL(script.src).origin;
  var frame = document.createElement("iframe");
  frame.src = origin + "/buerger/" + encodeURIComponent(script.dataset.tenant) + "/assistent/widget";
  frame.title = script.dataset.title || "Digitale Auskunft der Verwaltung (KI-Assistent)";
  frame.style.width = "100%";
  frame.style.minHeight = script.dataset.height || "32rem";
  frame.style.border = "1px solid #c4cad3";
  frame.setAttribute("loading", "lazy");
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
