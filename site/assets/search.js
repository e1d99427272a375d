// Client-side search over search-index.js (loaded before this file). Results are built with
// textContent and relative links only, so nothing from the registry is ever parsed as HTML. A
// bidirectional control is shown as its code point (U+202E), as the pages show it, so a registry
// value cannot reorder a result line.
(function () {
  "use strict";
  var index = window.AUDREG_SEARCH_INDEX || [];
  var input = document.getElementById("search-query");
  var section = document.getElementById("search-results-section");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !section || !list || !status) { return; }

  function visible(text) {
    return String(text).replace(/[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, function (c) {
      return "U+" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0");
    });
  }

  function search(query) {
    var needle = query.trim().toLowerCase();
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (needle === "") { section.hidden = true; return; }
    var matches = index.filter(function (entry) {
      return (entry.t + " " + entry.d).toLowerCase().indexOf(needle) !== -1;
    });
    matches.slice(0, 200).forEach(function (entry) {
      var item = document.createElement("li");
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = visible(entry.k);
      var link = document.createElement("a");
      link.setAttribute("href", entry.u);
      link.textContent = visible(entry.t);
      var detail = document.createElement("span");
      detail.className = "muted";
      detail.textContent = " " + visible(entry.d);
      item.appendChild(kind);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
      item.appendChild(detail);
      list.appendChild(item);
    });
    status.textContent = matches.length === 1 ? "1 match" : matches.length + " matches";
    section.hidden = false;
  }

  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  search(initial);
  input.addEventListener("input", function () { search(input.value); });
  var header = document.getElementById("site-search-input");
  if (header) { header.value = initial; }
})();
