// Evaluation form: the running total and the grade it would give, while scoring.
// Thresholds and grade labels come from data- attributes of the form (no inline script: CSP).
(function () {
  "use strict";
  var form = document.querySelector("form[data-evaluation]");
  if (!form) { return; }
  var totalEl = document.querySelector("[data-total]");
  var gradeEl = document.querySelector("[data-grade]");
  var inputs = form.querySelectorAll("input[data-score]");
  var thresholds = [
    [parseFloat(form.getAttribute("data-excellent")), form.getAttribute("data-label-excellent")],
    [parseFloat(form.getAttribute("data-good")), form.getAttribute("data-label-good")],
    [parseFloat(form.getAttribute("data-pass")), form.getAttribute("data-label-pass")]
  ];
  var failLabel = form.getAttribute("data-label-fail");

  function gradeFor(total) {
    for (var i = 0; i < thresholds.length; i++) {
      if (total >= thresholds[i][0]) { return thresholds[i][1]; }
    }
    return failLabel;
  }

  function update() {
    var total = 0;
    var complete = true;
    inputs.forEach(function (input) {
      var raw = input.value.trim();
      var max = parseFloat(input.getAttribute("data-score"));
      if (raw === "") { complete = false; input.classList.remove("is-invalid"); return; }
      var value = Number(raw);
      var bad = isNaN(value) || value < 0 || value > max || Math.round(value * 2) !== value * 2;
      input.classList.toggle("is-invalid", bad);
      if (bad) { complete = false; return; }
      total += value;
    });
    totalEl.textContent = (Math.round(total * 10) / 10).toString();
    gradeEl.textContent = gradeFor(total) + (complete ? "" : " …");
  }

  form.addEventListener("input", update);
  update();
})();
