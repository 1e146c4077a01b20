// storytrace workspace: the document reader's explanations, layer toggles, and the wait for a resolve.
// No library, no inline script (the page's Content-Security-Policy forbids it). Text from the store only ever
// reaches the page through textContent, never innerHTML.
"use strict";

(function () {
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function setupReader() {
    var reader = document.getElementById("reader");
    var data = document.getElementById("marks");
    var panel = document.getElementById("explain");
    if (!reader || !data || !panel) return;
    var marks = JSON.parse(data.textContent || "[]");
    var selected = null;

    function explain(seg) {
      var ids = (seg.getAttribute("data-m") || "").split(" ").filter(Boolean);
      if (!ids.length) return;
      if (selected) selected.classList.remove("selected");
      selected = seg;
      seg.classList.add("selected");
      panel.replaceChildren();
      panel.appendChild(el("p", "quote", "“" + seg.textContent + "”"));
      ids.forEach(function (i) {
        var m = marks[Number(i)];
        if (!m) return;
        var box = el("section", "mark l-" + m.layer);
        box.appendChild(el("h3", null, m.title));
        var list = el("ul");
        (m.lines || []).forEach(function (line) { list.appendChild(el("li", null, line)); });
        box.appendChild(list);
        // Only our own pages are linked from here.
        if (m.link && m.link.charAt(0) === "/" && m.link.charAt(1) !== "/") {
          var a = el("a", null, m.link_text || "open");
          a.setAttribute("href", m.link);
          box.appendChild(a);
        }
        panel.appendChild(box);
      });
    }

    reader.addEventListener("click", function (ev) {
      var seg = ev.target.closest ? ev.target.closest(".seg") : null;
      if (seg) explain(seg);
    });
    reader.addEventListener("keydown", function (ev) {
      if ((ev.key === "Enter" || ev.key === " ") && ev.target.classList && ev.target.classList.contains("seg")) {
        ev.preventDefault();
        explain(ev.target);
      }
    });
    reader.addEventListener("mouseover", function (ev) {
      var seg = ev.target.closest ? ev.target.closest(".seg") : null;
      if (!seg || seg.title) return;
      var ids = (seg.getAttribute("data-m") || "").split(" ").filter(Boolean);
      seg.title = ids.map(function (i) { return marks[Number(i)] ? marks[Number(i)].title : ""; }).join("\n");
    });
    var target = document.getElementById("target");
    if (target && target.getAttribute("data-m")) explain(target);

    var legend = document.getElementById("legend");
    if (legend) {
      legend.addEventListener("change", function (ev) {
        var layer = ev.target.getAttribute("data-layer");
        if (layer) reader.classList.toggle("hide-" + layer, !ev.target.checked);
      });
    }
  }

  function waitForResolve() {
    var banner = document.getElementById("resolving");
    if (!banner) return;
    function poll() {
      fetch("/api/status", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.resolving) { setTimeout(poll, 1000); return; }
          banner.textContent = "The dossier is up to date.";
          banner.className = "banner done";
          window.location.reload();
        })
        .catch(function () { setTimeout(poll, 3000); });
    }
    setTimeout(poll, 800);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupReader();
    waitForResolve();
  });
})();
