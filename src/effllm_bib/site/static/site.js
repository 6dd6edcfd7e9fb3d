/* effllm-bib site: search, filters and sorting kept in the URL query, category counts that follow
   them, the BibTeX of the papers shown as one download link, each entry's BibTeX shown and copied,
   and #KEY permalinks. No dependencies and no network: the page works from file:// as from any
   static host. */
(function () {
  "use strict";

  var FILTERS = ["q", "venue", "from", "to", "status"];
  var FIELDS = FILTERS.concat(["sort"]);

  // As fold_search in site/papers.py: no accents, lower case, punctuation as spaces.
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

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

  function plural(n, one, many) { return n === 1 ? one : many; }

  // --- copying ------------------------------------------------------------------------------

  function selectContents(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copyText(text, status, done, select) {
    function fallback() {
      // file:// pages in some browsers, or a refused permission: copy the selection instead.
      var element = select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      status.textContent = ok ? done : "Selected: press Ctrl+C to copy";
      if (element) { element.remove(); }
    }
    status.textContent = "";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { status.textContent = done; }, fallback);
    } else {
      fallback();
    }
  }

  function copyEntry(panel) {
    var pre = panel.querySelector("pre");
    copyText(pre.textContent, panel.querySelector(".copy-status"), "Copied to the clipboard",
      function () { selectContents(pre); return null; });
  }

  function onClick(event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.classList.contains("bib-toggle")) {
      var panel = document.getElementById(button.getAttribute("aria-controls"));
      var open = button.getAttribute("aria-expanded") !== "true";
      button.setAttribute("aria-expanded", String(open));
      panel.hidden = !open;
      if (open) { copyEntry(panel); }
    } else if (button.classList.contains("copy")) {
      copyEntry(button.closest(".bib"));
    }
  }

  // --- the view: filters, order, counts, links and its BibTeX --------------------------------

  function View(form) {
    this.form = form;
    this.list = document.querySelector(".papers");
    this.papers = Array.prototype.slice.call(this.list.querySelectorAll(".paper[data-key]"));
    this.count = document.getElementById("count");
    this.bibLink = document.getElementById("view-bib");
    this.copyButton = document.getElementById("copy-view");
    this.copyStatus = document.getElementById("copy-view-status");
    this.defaultSort = form.elements.sort.options[0].value;
    this.order = this.defaultSort;  // the pages are written in the default order
    this.blobUrl = "";
    this.text = "";
    this.shown = this.papers.length;
    this.bibtex = {};
    this.onPage = {};  // slug -> papers of this page under it
    var self = this;
    this.papers.forEach(function (paper) {
      self.bibtex[paper.dataset.key] = paper.querySelector(".bib pre").textContent;
      paper.dataset.cats.split(" ").filter(Boolean).forEach(function (slug) {
        self.onPage[slug] = (self.onPage[slug] || 0) + 1;
      });
    });
    // Links to the other pages carry the view's query, so a category opens filtered alike.
    this.carried = Array.prototype.slice.call(
      document.querySelectorAll(".tree a, .crumbs a, .brand a, a.cat"));
    this.carried.forEach(function (a) { a.dataset.base = a.getAttribute("href"); });
  }

  View.prototype.query = function (v) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      if (v[name] && !(name === "sort" && v[name] === this.defaultSort)) { params.set(name, v[name]); }
    }, this);
    return params.toString();
  };

  View.prototype.sort = function (order) {
    if (order === this.order) { return; }
    var rank = "by" + order.charAt(0).toUpperCase() + order.slice(1);
    var sorted = this.papers.slice().sort(function (a, b) {
      return parseInt(a.dataset[rank], 10) - parseInt(b.dataset[rank], 10);
    });
    var fragment = document.createDocumentFragment();
    sorted.forEach(function (paper) { fragment.appendChild(paper); });
    this.list.appendChild(fragment);
    this.papers = sorted;  // the view's BibTeX follows the order shown
    this.order = order;
  };

  View.prototype.updateTree = function (filtered) {
    var counts = {};
    this.papers.forEach(function (paper) {
      if (paper.hidden) { return; }
      paper.dataset.cats.split(" ").filter(Boolean).forEach(function (slug) {
        counts[slug] = (counts[slug] || 0) + 1;
      });
    });
    var onPage = this.onPage;
    each(document.querySelectorAll(".tree .n[data-slug]"), function (n) {
      var slug = n.dataset.slug;
      var total = parseInt(n.dataset.total, 10);
      // A count follows the filters where this page holds every paper of the category.
      var known = filtered && (onPage[slug] || 0) === total;
      var shown = known ? (counts[slug] || 0) : total;
      n.textContent = String(shown);
      n.title = known ? shown + " of " + total + " papers match" :
        total + plural(total, " paper", " papers") + (filtered ? " in all" : "");
      n.classList.toggle("none", known && shown === 0);
      n.classList.toggle("filtered", known);
    });
  };

  View.prototype.updateBib = function (query) {
    var self = this;
    var shown = this.papers.filter(function (p) { return !p.hidden; });
    var page = location.pathname.split("/").pop() || "index.html";
    var entries = shown.map(function (p) { return self.bibtex[p.dataset.key]; });
    this.text = "% effllm-bib export: " + shown.length + plural(shown.length, " entry", " entries") +
      " (" + page + (query ? "?" + query : "") + ")\n\n" + entries.join("\n\n") + "\n";
    if (this.blobUrl) { URL.revokeObjectURL(this.blobUrl); }
    this.blobUrl = URL.createObjectURL(new Blob([this.text], {type: "application/x-bibtex"}));
    this.bibLink.href = this.blobUrl;
    this.bibLink.textContent = shown.length === 1 ? "BibTeX of this paper" :
      "BibTeX of these " + shown.length + " papers";
    this.bibLink.hidden = this.copyButton.hidden = shown.length === 0;
    this.copyStatus.textContent = "";
    this.shown = shown.length;
  };

  View.prototype.apply = function (writeUrl) {
    var v = values(this.form);
    var words = fold(v.q).split(" ").filter(Boolean);
    var shown = 0;
    this.papers.forEach(function (paper) {
      var ok = matches(paper, v, words);
      paper.hidden = !ok;
      if (ok) { shown += 1; }
    });
    this.sort(v.sort || this.defaultSort);
    var filtered = FILTERS.some(function (name) { return v[name] !== ""; });
    var total = this.papers.length;
    this.count.textContent = filtered ? shown + " of " + total + " papers" :
      total + plural(total, " paper", " papers");
    var query = this.query(v);
    this.updateTree(filtered);
    this.updateBib(query);
    this.carried.forEach(function (a) { a.href = a.dataset.base + (query ? "?" + query : ""); });
    if (writeUrl) {
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  };

  View.prototype.copy = function () {
    var text = this.text;
    var done = "Copied " + this.shown + plural(this.shown, " entry", " entries");
    copyText(text, this.copyStatus, done, function () {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "offscreen";
      document.body.appendChild(area);
      area.select();
      return area;
    });
  };

  // A #KEY permalink: show the paper (clearing filters that hide it), bring it into view.
  View.prototype.reveal = function () {
    var key = decodeURIComponent(location.hash.slice(1));
    var paper = key && document.getElementById(key);
    if (!paper || !paper.classList.contains("paper")) { return; }
    if (paper.hidden) {
      var form = this.form;
      FILTERS.forEach(function (name) { form.elements[name].value = ""; });
      this.apply(true);
    }
    paper.scrollIntoView({block: "start"});
  };

  function showCurrentCategory() {
    var row = document.querySelector(".tree .row.current");
    var sidebar = document.querySelector(".sidebar");
    if (row && sidebar && sidebar.scrollHeight > sidebar.clientHeight) {
      sidebar.scrollTop = Math.max(0, row.offsetTop - sidebar.clientHeight / 3);
    }
  }

  function init() {
    document.documentElement.classList.add("js");
    document.addEventListener("click", onClick);
    if (window.matchMedia && window.matchMedia("(max-width: 52rem)").matches) {
      each(document.querySelectorAll(".tree-box"), function (box) { box.open = false; });
    } else {
      showCurrentCategory();
    }
    var form = document.getElementById("filters");
    if (!form) { return; }
    var view = new View(form);
    var update = function () { view.apply(true); };
    restore(form);
    view.apply(false);
    view.copyButton.addEventListener("click", function () { view.copy(); });
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    // The sort sits beside the count, joined to the form by form="filters": its events do not
    // pass through the form.
    form.elements.sort.addEventListener("change", update);
    form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
    form.addEventListener("reset", function () { window.setTimeout(update, 0); });
    window.addEventListener("hashchange", function () { view.reveal(); });
    view.reveal();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
