// The story editor's tiny toolbar: wraps the selection of the body textarea in the allow-listed tags
// (the server sanitizes whatever is sent, this only saves typing).
(function () {
  "use strict";

  function surround(area, before, after) {
    var start = area.selectionStart, end = area.selectionEnd, text = area.value;
    var selected = text.slice(start, end);
    area.value = text.slice(0, start) + before + selected + after + text.slice(end);
    area.focus();
    area.selectionStart = start + before.length;
    area.selectionEnd = start + before.length + selected.length;
  }

  function insert(area, snippet) {
    surround(area, snippet, "");
  }

  document.querySelectorAll("[data-editor-toolbar]").forEach(function (toolbar) {
    var area = document.getElementById(toolbar.getAttribute("data-editor-toolbar"));
    if (!area) return;
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var tag = button.getAttribute("data-wrap");
      if (tag) {
        surround(area, "<" + tag + ">", "</" + tag + ">");
      } else if (button.hasAttribute("data-list")) {
        var lines = area.value.slice(area.selectionStart, area.selectionEnd).split("\n").filter(Boolean);
        var items = (lines.length ? lines : [""]).map(function (l) { return "  <li>" + l + "</li>"; }).join("\n");
        var start = area.selectionStart, end = area.selectionEnd;
        area.value = area.value.slice(0, start) + "<ul>\n" + items + "\n</ul>" + area.value.slice(end);
        area.focus();
      } else if (button.hasAttribute("data-link")) {
        var href = window.prompt(button.getAttribute("data-prompt") || "https://", "https://");
        if (href) surround(area, '<a href="' + href.replace(/"/g, "%22") + '">', "</a>");
      }
    });
  });

  document.querySelectorAll("[data-insert-image]").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = document.getElementById(button.getAttribute("data-target"));
      if (area) insert(area, '<img src="' + button.getAttribute("data-insert-image") + '" alt="">');
    });
  });
})();
