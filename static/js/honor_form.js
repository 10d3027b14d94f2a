// External honour form: show only the recipient list of the chosen kind.
// Without JavaScript every list is shown and the server uses the one of the chosen kind.
(function () {
  function update(select) {
    var form = select.form;
    form.querySelectorAll("[data-recipient-kind]").forEach(function (box) {
      box.hidden = box.getAttribute("data-recipient-kind") !== select.value;
    });
    form.querySelectorAll("[data-recipient-hint]").forEach(function (hint) { hint.hidden = true; });
  }
  document.querySelectorAll("[data-recipient-switch]").forEach(function (select) {
    update(select);
    select.addEventListener("change", function () { update(select); });
  });
})();
