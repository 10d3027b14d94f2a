// Member form: non-party staff hold no party post and no joining date (the server checks it too).
// The two fields are disabled while "non-party staff" is chosen: disabled fields are not sent,
// so they arrive empty; switching back restores what was typed.
(function () {
  function sync(select) {
    var form = select.form;
    if (!form) { return; }
    var none = select.value === "none";
    ["party_post", "joined_party_on"].forEach(function (name) {
      var field = form.elements[name];
      if (field) { field.disabled = none; }
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-party-status]")) { sync(event.target); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-party-status]").forEach(sync);
  });
})();
