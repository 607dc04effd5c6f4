// Protokollhilfe editor: click a word or a time to play the recording from there; the current word
// is highlighted while playing. Keyboard users use the time links (real links, one per section and
// agenda item): words are no tab stops, so that Tab does not walk through every word of a session.
// Without JavaScript the page still works (links jump to the text).
(function () {
  "use strict";
  var players = Array.prototype.slice.call(document.querySelectorAll("audio[data-offset]"));
  if (!players.length) { return; }
  var words = Array.prototype.slice.call(document.querySelectorAll("[data-start].word, .segment[data-start]"));
  var current = null;

  function offset(player) { return parseFloat(player.getAttribute("data-offset")) || 0; }

  function playerAt(seconds) {
    var chosen = players[0];
    players.forEach(function (player) { if (offset(player) <= seconds) { chosen = player; } });
    return chosen;
  }

  function seek(seconds) {
    var player = playerAt(seconds);
    players.forEach(function (other) { if (other !== player) { other.pause(); } });
    player.currentTime = Math.max(0, seconds - offset(player));
    player.play();
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-start].word, a.seek[data-start]");
    if (!target) { return; }
    event.preventDefault();
    seek(parseFloat(target.getAttribute("data-start")));
  });

  function highlight(seconds) {
    var found = null;
    for (var i = 0; i < words.length; i += 1) {
      var start = parseFloat(words[i].getAttribute("data-start"));
      var end = parseFloat(words[i].getAttribute("data-end"));
      if (start <= seconds && seconds < end && words[i].classList.contains("word")) { found = words[i]; break; }
    }
    if (found === current) { return; }
    if (current) { current.classList.remove("current"); current.style.backgroundColor = ""; }
    current = found;
    if (current) { current.classList.add("current"); current.style.backgroundColor = "#ffe58a"; }
  }

  players.forEach(function (player) {
    player.addEventListener("timeupdate", function () { highlight(offset(player) + player.currentTime); });
  });
}());
