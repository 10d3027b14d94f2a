// Demonstration-post assessment: the running total and the outcome it would give, while scoring.
// The pass mark and the outcome labels come from data- attributes of the form (no inline script: CSP).
(function () {
  "use strict";
  var form = document.querySelector("form[data-post-assessment]");
  if (!form) { return; }
  var totalEl = document.querySelector("[data-total]");
  var outcomeEl = document.querySelector("[data-outcome]");
  var inputs = form.querySelectorAll("input[data-score]");
  var passMark = parseFloat(form.getAttribute("data-pass"));
  var passLabel = form.getAttribute("data-label-pass");
  var failLabel = form.getAttribute("data-label-fail");

  function update() {
    var tenths = 0;
    var complete = true;
    inputs.forEach(function (input) {
      var raw = input.value.trim();
      var max = parseFloat(input.getAttribute("data-score"));
      if (raw === "") { complete = false; input.classList.remove("is-invalid"); return; }
      var value = Number(raw);
      var bad = isNaN(value) || value < 0 || value > max || Math.abs(Math.round(value * 10) - value * 10) > 1e-9;
      input.classList.toggle("is-invalid", bad);
      if (bad) { complete = false; return; }
      tenths += Math.round(value * 10);
    });
    var total = tenths / 10;
    if (totalEl) { totalEl.textContent = total.toString(); }
    if (outcomeEl) { outcomeEl.textContent = (total >= passMark ? passLabel : failLabel) + (complete ? "" : " …"); }
  }

  form.addEventListener("input", update);
  update();
})();
