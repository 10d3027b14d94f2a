// Innovation projects: the team picker of the application form, and small helpers. No inline script (CSP).
(function () {
  "use strict";

  function teamTable() { return document.querySelector("[data-team-table]"); }

  function message(text) {
    var box = document.querySelector("[data-team-message]");
    if (box) { box.textContent = text || ""; }
  }

  function chosenIds(table) {
    var ids = [];
    table.querySelectorAll("tbody tr[data-team-row]").forEach(function (row) {
      var input = row.querySelector("input[name$='-member']");
      var del = row.querySelector("input[name$='-DELETE']");
      if (input && input.value && !(del && del.checked)) { ids.push(input.value); }
    });
    return ids;
  }

  function refreshEmpty(table) {
    var empty = document.querySelector("[data-team-empty]");
    if (empty) { empty.hidden = table.querySelectorAll("tbody tr[data-team-row]").length > 0; }
  }

  function addPerson(button) {
    var table = teamTable();
    if (!table) { return; }
    var prefix = table.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var maxNum = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById("team-empty-row");
    var id = button.getAttribute("data-member-id");
    var name = button.getAttribute("data-member-name");
    var leader = document.getElementById("id_leader");
    if (!total || !template) { return; }
    if (leader && leader.value === id) { message(name + " — " + (table.getAttribute("data-msg-leader") || "is the leader.")); return; }
    if (chosenIds(table).indexOf(id) !== -1) { message(name + " — " + (table.getAttribute("data-msg-twice") || "is already in the team.")); return; }
    var index = parseInt(total.value, 10) || 0;
    if (maxNum && index >= parseInt(maxNum.value, 10)) { message(table.getAttribute("data-msg-full") || "The team is full."); return; }
    var tbody = table.querySelector("tbody");
    tbody.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    var row = tbody.lastElementChild;
    row.querySelector("input[name$='-member']").value = id;
    var label = row.querySelector("[data-person-label]");
    label.textContent = name + " ";
    var detail = document.createElement("span");
    detail.className = "text-muted small";
    detail.textContent = button.getAttribute("data-member-detail") || "";
    label.appendChild(detail);
    total.value = String(index + 1);
    button.disabled = true;
    button.textContent = button.getAttribute("data-added-label") || "✓";
    message("");
    refreshEmpty(table);
    var duty = row.querySelector("input[name$='-duty']");
    if (duty) { duty.focus(); }
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-team-add]");
    if (add) { event.preventDefault(); addPerson(add); return; }
    var print = event.target.closest("[data-print]");
    if (print) { event.preventDefault(); window.print(); return; }
    var confirmButton = event.target.closest("[data-confirm-click]");
    if (confirmButton && !window.confirm(confirmButton.getAttribute("data-confirm-click"))) { event.preventDefault(); }
  });

  // Forms marked data-once are sent once: a double click does not post them twice (the server copes anyway).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-once]") || event.defaultPrevented) { return; }
    if (form.getAttribute("data-sent") === "1") { event.preventDefault(); return; }
    form.setAttribute("data-sent", "1");
    window.setTimeout(function () { form.removeAttribute("data-sent"); }, 8000);
  });

  // "Remove" ticks a row's DELETE box: grey the row out (it is dropped when the form is saved).
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches("[data-team-table] input[name$='-DELETE']")) {
      var row = box.closest("tr");
      if (row) { row.classList.toggle("re-removed", box.checked); }
    }
    if (box.matches("select[data-needs-reference]")) { syncReference(box); }
  });

  // Results: say when a number or journal is required for the chosen type.
  function syncReference(select) {
    var needs = (select.getAttribute("data-needs-reference") || "").split(",");
    var field = document.getElementById("id_reference");
    if (field) { field.required = needs.indexOf(select.value) !== -1; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-js-only]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("[data-team-table] input[name$='-DELETE']:checked").forEach(function (box) {
      var row = box.closest("tr");
      if (row) { row.classList.add("re-removed"); }
    });
    document.querySelectorAll("select[data-needs-reference]").forEach(syncReference);
  });
})();
