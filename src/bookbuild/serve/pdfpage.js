// bookbuild serve: the PDF proof page. Polls the status of the builds, shows it in the header,
// and loads each new PDF into the browser's own viewer at the page the reader asked for.
// The viewer (Chromium's, Firefox's) does not tell the page which page it shows, so "Reopen at
// page" is kept by the reader, in the address (#page=N), which survives a reload of this page.
(function () {
  "use strict";
  var FAST = 400;              // ms between polls
  var SLOW = 2000;             // ms between polls while the server does not answer
  var script = document.currentScript;
  var server = script.getAttribute("data-server");
  var STATUS = script.getAttribute("data-status");
  var PDF = script.getAttribute("data-pdf");
  var frame = document.getElementById("bookbuild-pdf");
  var waiting = document.getElementById("bookbuild-waiting");
  var line = document.getElementById("bookbuild-status");
  var errorList = document.getElementById("bookbuild-errors");
  var pageInput = document.getElementById("bookbuild-page");
  var shown = null;            // the build number of the PDF in the viewer
  var jumps = 0;               // page changes asked for in the header
  var listed = "";             // the errors in the list, to redraw it only when they change

  pageInput.value = String(pageFromAddress());
  pageInput.addEventListener("change", function () {
    var page = Math.max(1, Math.floor(Number(pageInput.value)) || 1);
    pageInput.value = String(page);
    history.replaceState(null, "", "#page=" + page);
    // A new address: the viewer ignores a change of the #page fragment alone.
    if (shown !== null) { jumps += 1; load(shown, "&jump=" + jumps); }
  });
  poll();

  function poll() {
    fetch(STATUS, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (status) {
        // Another server (restarted since this page was loaded), or one that builds no PDF.
        if (status.server !== server || !status.pdf) { location.reload(); return; }
        var pdf = status.pdf;
        if (pdf.build > 0 && pdf.build !== shown) { load(pdf.build); }
        if (pdf.title !== document.getElementById("bookbuild-title").textContent) {
          document.getElementById("bookbuild-title").textContent = pdf.title;
          document.title = "PDF proof: " + pdf.title;
        }
        describe(status.building, pdf);
        listErrors(pdf.errors || []);
        setTimeout(poll, FAST);
      })
      .catch(function () {
        line.textContent = "the server does not answer (stopped?)";
        line.className = "failed";
        setTimeout(poll, SLOW);
      });
  }

  function load(build, extra) {
    shown = build;
    // The build number makes a new address for each PDF: the viewer cannot show a cached one.
    frame.src = PDF + "?build=" + build + (extra || "") + "#page=" + pageInput.value;
    frame.hidden = false;
    waiting.hidden = true;
  }

  function describe(building, pdf) {
    var errors = (pdf.errors || []).length;
    var count = errors + (errors === 1 ? " error" : " errors");
    var text, state = "";
    if (building) {
      text = "building " + (building === "pdf" ? "the PDF" : "the HTML, then the PDF") + "…";
      state = "building";
    } else if (pdf.stale) {
      text = count + ": not rebuilt" + (pdf.built ? "; showing the PDF built at " + pdf.built : "");
      state = "failed";
    } else if (!pdf.built) {
      text = "no PDF yet";
    } else if (errors) {
      text = "built at " + pdf.built + " with " + count + " (a draft)";
      state = "failed";
    } else {
      text = "built at " + pdf.built;
    }
    if (line.textContent !== text) { line.textContent = text; }
    line.className = state;
  }

  function listErrors(errors) {
    var key = JSON.stringify(errors);
    if (key === listed) { return; }
    listed = key;
    errorList.textContent = "";
    errors.forEach(function (error) {
      var item = document.createElement("li");
      var where = document.createElement("code");
      where.textContent = error.line ? error.file + ":" + error.line : error.file;
      item.appendChild(where);
      item.appendChild(document.createTextNode(": " + error.message));
      errorList.appendChild(item);
    });
    errorList.hidden = errors.length === 0;
  }

  function pageFromAddress() {
    var match = /^#page=(\d+)$/.exec(location.hash);
    return match ? Math.max(1, Number(match[1])) : 1;
  }
})();
