// Award judging: the running total of the rubric scores while a judge types (no inline script: CSP).
(function () {
  "use strict";
  var form = document.querySelector("form[data-judging]");
  var totalEl = document.querySelector("[data-total]");
  if (!form || !totalEl) { return; }
  var inputs = form.querySelectorAll("input[data-score]");

  function update() {
    var total = 0;
    inputs.forEach(function (input) {
      var raw = input.value.trim();
      var max = parseFloat(input.getAttribute("data-score"));
      if (raw === "") { input.classList.remove("is-invalid"); return; }
      var value = Number(raw);
      var bad = isNaN(value) || value < 0 || value > max || Math.abs(Math.round(value * 10) - value * 10) > 1e-9;
      input.classList.toggle("is-invalid", bad);
      if (!bad) { total += value; }
    });
    totalEl.textContent = (Math.round(total * 10) / 10).toString();
  }

  form.addEventListener("input", update);
  update();
})();
