/* bookbuild web edition: the search page.
 *
 * Finds the passages that hold every word typed (letter case and accents aside), in reading
 * order, from the index in js/search-index.js. A result opens its page at the passage and, where
 * the browser supports text fragments, highlights the words found. The query lives in the
 * address (search.html?q=...), so a search can be bookmarked or shared.
 */
(function () {
  "use strict";

  var SHOWN = 50;
  var data = window.bookbuildSearch;
  var form = document.querySelector(".search-form");
  var input = document.getElementById("search-query");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!data || !form || !input || !status || !list) {
    return;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var folded = data.entries.map(function (entry) { return fold(entry[2]); });

  function terms(query) {
    return fold(query).split(/[^\p{L}\p{N}]+/u).filter(function (term) { return term.length > 0; });
  }

  /* The passage around the first term, with each term marked. Characters keep their places
     when folded (the decomposed accents are dropped from both), so positions are shared. */
  function snippet(text, foldedText, words) {
    var first = foldedText.indexOf(words[0]);
    var start = Math.max(0, text.lastIndexOf(" ", Math.max(0, first - 80)) + 1);
    var end = Math.min(text.length, first + 160);
    var fragment = document.createDocumentFragment();
    if (start > 0) {
      fragment.appendChild(document.createTextNode("\u2026"));
    }
    var part = text.slice(start, end);
    var foldedPart = fold(part);
    var pattern = new RegExp(words.map(function (w) {
      return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }).join("|"), "g");
    var last = 0;
    var match;
    while ((match = pattern.exec(foldedPart)) !== null && foldedPart.length === part.length) {
      fragment.appendChild(document.createTextNode(part.slice(last, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = part.slice(match.index, match.index + match[0].length);
      fragment.appendChild(mark);
      last = match.index + match[0].length;
    }
    fragment.appendChild(document.createTextNode(part.slice(last) + (end < text.length ? "\u2026" : "")));
    return fragment;
  }

  /* page.html#anchor, and a text fragment naming the first word found and the few after it. */
  function target(entry, foldedText, words) {
    var page = data.pages[entry[0]][0];
    var href = entry[1] ? page + "#" + entry[1] : page;
    var at = foldedText.indexOf(words[0]);
    var from = foldedText.lastIndexOf(" ", at) + 1;
    var phrase = entry[2].slice(from).split(" ").slice(0, 4).join(" ").replace(/[,.;:!?)\]]+$/, "");
    if (phrase && foldedText.length === entry[2].length) {
      href += (entry[1] ? "" : "#") + ":~:text=" + encodeURIComponent(phrase).replace(/-/g, "%2D");
    }
    return href;
  }

  function run(query, limit) {
    var words = terms(query);
    list.replaceChildren();
    if (words.length === 0) {
      status.textContent = "";
      return;
    }
    var hits = [];
    for (var i = 0; i < folded.length; i++) {
      var text = folded[i];
      if (words.every(function (w) { return text.indexOf(w) !== -1; })) {
        hits.push(i);
      }
    }
    status.textContent = hits.length === 0 ? "Nothing found for \u201c" + query + "\u201d."
      : hits.length + (hits.length === 1 ? " passage holds " : " passages hold ")
        + (words.length === 1 ? "that word." : "all those words.");
    hits.slice(0, limit).forEach(function (index) {
      var entry = data.entries[index];
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = target(entry, folded[index], words);
      link.textContent = data.pages[entry[0]][1];
      var passage = document.createElement("p");
      passage.appendChild(snippet(entry[2], folded[index], words));
      item.appendChild(link);
      item.appendChild(passage);
      list.appendChild(item);
    });
    if (hits.length > limit) {
      var rest = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = "Show " + Math.min(SHOWN, hits.length - limit) + " more";
      button.addEventListener("click", function () { run(query, limit + SHOWN); });
      rest.className = "search-more";
      rest.appendChild(button);
      list.appendChild(rest);
    }
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var url = new URL(window.location.href);
      url.searchParams.set("q", input.value);
      history.replaceState(null, "", url);
      run(input.value, SHOWN);
    }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run(input.value, SHOWN);
  });

  var initial = new URLSearchParams(window.location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial, SHOWN);
  }
})();
