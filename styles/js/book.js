/* bookbuild web edition: read a note in place.
 *
 * A note call is a link to the note (on the notes page, or at the end of the chapter); that is
 * all a reader without JavaScript gets, and it works. With JavaScript, following the call opens
 * the note's text in a popover beside it instead; Escape, a click elsewhere or the close button
 * shuts it and gives the focus back to the call. The popover is the platform's own (the HTML
 * popover attribute): browsers without it simply follow the link.
 */
(function () {
  "use strict";

  if (!HTMLElement.prototype.hasOwnProperty("popover")) {
    return;
  }

  var popover = null;
  var body = null;
  var title = null;
  var more = null;
  var caller = null;

  function build() {
    popover = document.createElement("div");
    popover.id = "note-popover";
    popover.className = "note-popover";
    popover.setAttribute("popover", "auto");
    popover.setAttribute("role", "dialog");
    popover.setAttribute("aria-labelledby", "note-popover-title");
    popover.tabIndex = -1;

    var head = document.createElement("div");
    head.className = "note-popover-head";
    title = document.createElement("p");
    title.id = "note-popover-title";
    title.className = "note-popover-title";
    var close = document.createElement("button");
    close.type = "button";
    close.className = "note-popover-close";
    close.setAttribute("aria-label", "Close the note");
    close.textContent = "\u00d7";
    close.addEventListener("click", function () { popover.hidePopover(); });
    head.appendChild(title);
    head.appendChild(close);

    body = document.createElement("div");
    body.className = "note-popover-body";
    more = document.createElement("a");
    more.className = "note-popover-more";

    popover.appendChild(head);
    popover.appendChild(body);
    popover.appendChild(more);
    popover.addEventListener("toggle", function (event) {
      /* Not when the popover was shut only to open again on another note. */
      if (event.newState === "closed" && caller && !popover.matches(":popover-open")) {
        caller.focus({ preventScroll: true });
        caller = null;
      }
    });
    document.body.appendChild(popover);
  }

  /* The note's markup: at the end of this chapter, or carried in the page for this purpose. */
  function noteContent(seq) {
    var inPage = document.getElementById("note-" + seq);
    if (inPage) {
      return { node: inPage, number: inPage.getAttribute("value") };
    }
    var texts = document.getElementById("note-texts");
    if (!texts) {
      return null;
    }
    var held = texts.content.querySelector('[data-note="' + seq + '"]');
    return held ? { node: held, number: held.getAttribute("data-number") } : null;
  }

  function place(call) {
    if (window.matchMedia("(max-width: 40em)").matches) {
      popover.style.left = "";
      popover.style.top = "";
      return;                         /* a sheet along the bottom of a phone's screen (CSS) */
    }
    var box = call.getBoundingClientRect();
    var width = popover.offsetWidth;
    var height = popover.offsetHeight;
    var left = Math.min(Math.max(8, box.left - width / 2), window.innerWidth - width - 8);
    var below = box.bottom + 8;
    var top = below + height <= window.innerHeight - 8 ? below : Math.max(8, box.top - height - 8);
    popover.style.left = left + "px";
    popover.style.top = top + "px";
  }

  function open(call, seq) {
    var found = noteContent(seq);
    if (!found) {
      return false;
    }
    if (!popover) {
      build();
    }
    var copy = found.node.cloneNode(true);
    copy.querySelectorAll('.backlink, [role="doc-backlink"], [role~="doc-pagebreak"]').forEach(
      function (element) { element.remove(); });
    copy.removeAttribute("id");
    body.replaceChildren.apply(body, Array.prototype.slice.call(copy.childNodes));
    title.textContent = "Note " + found.number;
    more.href = call.getAttribute("href");
    more.textContent = "Read it among the notes";
    if (popover.matches(":popover-open")) {
      popover.hidePopover();
    }
    caller = call;
    popover.showPopover();
    place(call);
    popover.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var call = event.target.closest && event.target.closest("a.noteref");
    if (!call || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    var match = /note-(\d+)$/.exec(call.getAttribute("href") || "");
    if (match && open(call, match[1])) {
      event.preventDefault();
    }
  });

  function follow() {
    if (popover && caller && popover.matches(":popover-open")) {
      place(caller);
    }
  }
  window.addEventListener("resize", follow);
  window.addEventListener("scroll", follow, { passive: true });
})();
