// Siang works without this file; it only adds conveniences where script runs.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The access key is shown as typed; a button hides it from onlookers.
  for (const input of document.querySelectorAll("input[data-reveal]")) {
    const toggle = input.parentElement.querySelector(".reveal-toggle");
    if (!toggle) continue;
    const update = () => {
      const hidden = input.type === "password";
      toggle.textContent = hidden ? toggle.dataset.show : toggle.dataset.hide;
    };
    toggle.hidden = false;
    toggle.addEventListener("click", () => {
      input.type = input.type === "password" ? "text" : "password";
      update();
    });
    update();
  }

  // A print button for the receipt.
  for (const button of document.querySelectorAll("[data-print]")) {
    button.hidden = false;
    button.addEventListener("click", () => window.print());
  }

  // Browsers without CSS :has() (Chrome before 105, iOS before 15.4) cannot
  // hide the service-feedback questions for other kinds; do it here.
  if (!CSS.supports("selector(:has(*))")) {
    for (const form of document.querySelectorAll(".submission-form")) {
      const section = form.querySelector(".only-feedback");
      if (!section) continue;
      const update = () => {
        const kind = form.querySelector("input[name=kind]:checked");
        section.hidden = !!kind && kind.value !== "service_feedback";
      };
      for (const radio of form.querySelectorAll("input[name=kind]")) radio.addEventListener("change", update);
      update();
    }
  }
});
