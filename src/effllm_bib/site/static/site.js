/* effllm-bib site: search and filters kept in the URL query, BibTeX shown and copied.
   No dependencies and no network: the page works from file:// as from any static host. */
(function () {
  "use strict";

  var FIELDS = ["q", "venue", "from", "to", "status"];

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function values(form) {
    var out = {};
    FIELDS.forEach(function (name) { out[name] = form.elements[name].value.trim(); });
    return out;
  }

  function matches(paper, v, words) {
    var d = paper.dataset;
    var year = parseInt(d.year, 10) || 0;
    return words.every(function (w) { return d.search.indexOf(w) !== -1; }) &&
      (!v.venue || d.venue === v.venue) &&
      (!v.from || year >= parseInt(v.from, 10)) &&
      (!v.to || year <= parseInt(v.to, 10)) &&
      (!v.status || d.status === v.status);
  }

  function apply(form, papers, count, total, writeUrl) {
    var v = values(form);
    var words = fold(v.q).split(/\s+/).filter(Boolean);
    var shown = 0;
    papers.forEach(function (paper) {
      var ok = matches(paper, v, words);
      paper.hidden = !ok;
      if (ok) { shown += 1; }
    });
    var filtered = FIELDS.some(function (name) { return v[name] !== ""; });
    count.textContent = filtered ? shown + " of " + total + " papers" : total + " papers";
    if (writeUrl) {
      var params = new URLSearchParams();
      FIELDS.forEach(function (name) { if (v[name]) { params.set(name, v[name]); } });
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }

  function restore(form) {
    var params = new URLSearchParams(location.search);
    FIELDS.forEach(function (name) {
      var control = form.elements[name];
      var value = params.get(name);
      if (value === null) { return; }
      if (control.tagName === "SELECT" &&
          !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) {
        return;
      }
      control.value = value;
    });
  }

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(panel) {
    var pre = panel.querySelector("pre");
    var status = panel.querySelector(".copy-status");
    function fallback() {
      // file:// pages in some browsers, or a refused permission: copy the selection instead.
      selectContents(pre);
      var done = false;
      try { done = document.execCommand("copy"); } catch (e) { done = false; }
      status.textContent = done ? "Copied to the clipboard" : "Selected: press Ctrl+C to copy";
    }
    status.textContent = "";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(pre.textContent).then(function () {
        status.textContent = "Copied to the clipboard";
      }, fallback);
    } else {
      fallback();
    }
  }

  function onClick(event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("bib-toggle")) {
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
      if (open) { copy(panel); }
    } else if (button.classList.contains("copy")) {
      copy(button.closest(".bib"));
    }
  }

  function init() {
    document.documentElement.classList.add("js");
    document.addEventListener("click", onClick);
    if (window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
      Array.prototype.forEach.call(document.querySelectorAll(".tree-box"), function (box) {
        box.open = false;
      });
    }
    var form = document.getElementById("filters");
    if (!form) { return; }
    var papers = Array.prototype.slice.call(document.querySelectorAll(".paper[data-key]"));
    var count = document.getElementById("count");
    var total = papers.length;
    var update = function () { apply(form, papers, count, total, true); };
    restore(form);
    apply(form, papers, count, total, false);
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    form.addEventListener("reset", function () { window.setTimeout(update, 0); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
