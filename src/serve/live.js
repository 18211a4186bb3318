// mandat serve: keeps this page in step with the files being edited. Only `mandat serve`
// adds this script; a built site has no trace of it.
//
// The page listens to the server's event stream while it is visible, and lets go of it
// while hidden, so that many open tabs do not use up the browser's few connections to
// the server. When it listens again it says which build it shows, and reloads if that
// build is out of date.
(function () {
  "use strict";
  var build = "__BUILD__";
  var here = location.pathname.replace(/index\.html$/, "");
  try {
    here = decodeURIComponent(here);
  } catch (e) {
    // Keep the address as it is.
  }
  // The server's own page of problems shows them itself, and is replaced on any change.
  var problemsPage = document.body && document.body.getAttribute("data-mandat") === "errors";
  var source = null;
  var stale = false;
  var box = null;
  var text = null;

  function show(message) {
    if (!box) {
      box = document.createElement("section");
      box.setAttribute("role", "alert");
      box.setAttribute("lang", "en");
      box.setAttribute("aria-label", "Build error");
      var s = box.style;
      s.position = "fixed";
      s.left = "0";
      s.right = "0";
      s.bottom = "0";
      s.maxHeight = "75vh";
      s.overflow = "auto";
      s.zIndex = "2147483647";
      s.background = "#ffffff";
      s.color = "#1a1a1a";
      s.borderTop = "6px solid #b00020";
      s.boxShadow = "0 -4px 18px rgba(0, 0, 0, 0.3)";
      s.padding = "1rem 1.25rem";
      s.font = "16px/1.5 system-ui, sans-serif";
      s.textAlign = "left";

      var title = document.createElement("h2");
      title.textContent = "The site could not be rebuilt";
      title.style.margin = "0 0 0.5rem";
      title.style.font = "bold 1.25rem/1.3 system-ui, sans-serif";
      title.style.color = "#b00020";

      var help = document.createElement("p");
      help.textContent =
        "This is the last version that built. Fix the file named below and save it: the page updates itself.";
      help.style.margin = "0 0 0.75rem";

      text = document.createElement("pre");
      var t = text.style;
      t.whiteSpace = "pre-wrap";
      t.overflowWrap = "anywhere";
      t.margin = "0 0 0.75rem";
      t.padding = "0.75rem";
      t.background = "#f4f4f4";
      t.color = "#1a1a1a";
      t.font = "14px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace";

      var actions = document.createElement("p");
      actions.style.margin = "0";
      var link = document.createElement("a");
      link.href = "__ERRORS__";
      link.textContent = "Open the problems as a page";
      link.style.color = "#0b57d0";
      link.style.marginRight = "1.5rem";
      var hide = document.createElement("button");
      hide.type = "button";
      hide.textContent = "Hide";
      hide.style.font = "inherit";
      hide.style.padding = "0.25rem 1rem";
      hide.addEventListener("click", function () {
        remove();
      });
      actions.appendChild(link);
      actions.appendChild(hide);

      box.appendChild(title);
      box.appendChild(help);
      box.appendChild(text);
      box.appendChild(actions);
    }
    text.textContent = message;
    if (!box.parentNode) {
      document.body.appendChild(box);
    }
  }

  function remove() {
    if (box && box.parentNode) {
      box.parentNode.removeChild(box);
    }
  }

  function swapStyles(swap) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var path = new URL(links[i].href, location.href).pathname;
      if (Object.prototype.hasOwnProperty.call(swap, path)) {
        links[i].href = swap[path];
      }
    }
  }

  function handle(m) {
    if (problemsPage) {
      if (m.type !== "hello" || m.reload) {
        location.reload();
      }
      return;
    }
    if (m.error) {
      stale = stale || (m.type === "hello" && m.reload);
      show(m.error);
      return;
    }
    remove();
    if (stale || (m.type === "hello" && m.reload)) {
      location.reload();
    } else if (m.type === "reload" && (!m.paths || m.paths.indexOf(here) >= 0)) {
      location.reload();
    } else if (m.type === "styles") {
      swapStyles(m.swap || {});
    }
    build = m.build;
  }

  function listen() {
    if (source || !window.EventSource) {
      return;
    }
    var url = "__EVENTS__?since=" + encodeURIComponent(build) + "&path=" + encodeURIComponent(here);
    source = new EventSource(url);
    source.onmessage = function (e) {
      var m;
      try {
        m = JSON.parse(e.data);
      } catch (err) {
        return;
      }
      handle(m);
    };
  }

  function rest() {
    if (source) {
      source.close();
      source = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      rest();
    } else {
      listen();
    }
  });
  window.addEventListener("pagehide", rest);
  window.addEventListener("pageshow", function () {
    if (document.visibilityState !== "hidden") {
      listen();
    }
  });
  if (document.visibilityState !== "hidden") {
    listen();
  }
})();
