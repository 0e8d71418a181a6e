// bookbuild serve: reload the page when the book has been rebuilt, and show the errors of the
// last build in a banner. Added to each page as it is served; the files on disk never have it.
(function () {
  "use strict";
  var STATUS = "/__bookbuild__/status";
  var PDF_PAGE = "/__bookbuild__/pdf";
  var FAST = 400;              // ms between polls
  var SLOW = 2000;             // ms between polls while the server does not answer
  var SCROLL = "bookbuild-scroll:" + location.pathname;
  var BANNER = "bookbuild-errors";
  var script = document.currentScript;
  var server = script ? script.getAttribute("data-server") : null;
  var loaded = script ? Number(script.getAttribute("data-build")) : NaN;
  var shown = "[]";            // the errors on the banner, to redraw it only when they change
  var hidden = "";             // the errors whose banner the author closed

  restoreScroll();
  setTimeout(poll, FAST);

  function poll() {
    fetch(STATUS, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        if (isNaN(loaded) || server === null) { loaded = status.build; server = status.server; }
        // A new build, or another server (restarted since the page was loaded).
        if (status.build !== loaded || status.server !== server) { reload(); return; }
        showErrors(status.errors || [], Boolean(status.stale), Boolean(status.pdf));
        setTimeout(poll, FAST);
      })
      // The server stopped or is restarting: keep asking, slowly and quietly.
      .catch(function () { setTimeout(poll, SLOW); });
  }

  function reload() {
    try { sessionStorage.setItem(SCROLL, String(window.scrollY)); } catch (e) { /* no storage */ }
    location.reload();
  }

  function restoreScroll() {
    var saved = null;
    try {
      saved = sessionStorage.getItem(SCROLL);
      sessionStorage.removeItem(SCROLL);
    } catch (e) { return; }
    if (saved === null) { return; }
    var y = Number(saved) || 0;
    window.scrollTo(0, y);
    // Again once fonts and images are in: they change the height of what comes before.
    window.addEventListener("load", function () { window.scrollTo(0, y); });
  }

  function showErrors(errors, stale, pdf) {
    var key = JSON.stringify([errors, stale, pdf]);
    if (key === shown) { return; }
    shown = key;
    var old = document.getElementById(BANNER);
    if (old) { old.parentNode.removeChild(old); }
    if (!errors.length || key === hidden) { return; }

    var banner = element("section", "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;" +
      "max-height:40vh;overflow:auto;margin:0;padding:0.75em 1em;box-sizing:border-box;" +
      "background:#7a0000;color:#fff;font:15px/1.45 system-ui,sans-serif;text-align:left;" +
      "box-shadow:0 -2px 8px rgba(0,0,0,0.35)");
    banner.id = BANNER;
    banner.lang = "en";
    banner.setAttribute("role", "alert");
    banner.setAttribute("aria-label", "bookbuild: errors in the manuscript");

    var close = element("button", "float:right;margin:0 0 0.5em 1em;padding:0.2em 0.7em;" +
      "font:inherit;color:#7a0000;background:#fff;border:0;border-radius:3px;cursor:pointer");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", function () {
      hidden = key;
      banner.parentNode.removeChild(banner);
    });
    banner.appendChild(close);

    var count = errors.length + (errors.length === 1 ? " error" : " errors");
    var title = element("p", "margin:0 0 0.4em;font-weight:bold;color:inherit");
    title.textContent = stale
      ? "bookbuild: " + count + ", so the book was not rebuilt: this page is from the last " +
        "build that worked. Fix the manuscript and save."
      : "bookbuild: " + count + " in the manuscript. Fix and save; the page updates itself.";
    if (pdf) {      // the PDF proof page lists the same errors beside the last good PDF
      var link = element("a", "margin-left:0.6em;color:inherit;font-weight:normal");
      link.href = PDF_PAGE;
      link.textContent = "PDF proof";
      title.appendChild(link);
    }
    banner.appendChild(title);

    var list = element("ul", "margin:0;padding:0 0 0 1.2em;color:inherit");
    errors.forEach(function (error) {
      var item = element("li", "margin:0.15em 0;color:inherit");
      var where = element("code", "font:13px/1.45 ui-monospace,monospace;color:inherit");
      where.textContent = error.line ? error.file + ":" + error.line : error.file;
      item.appendChild(where);
      item.appendChild(document.createTextNode(": " + error.message));
      list.appendChild(item);
    });
    banner.appendChild(list);
    document.body.appendChild(banner);
  }

  function element(name, css) {
    var node = document.createElement(name);
    node.style.cssText = css;
    return node;
  }
})();
