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

  // The phone's position, when the resident asks for it: fills the form's
  // hidden latitude and longitude (staff see them; the public never does).
  for (const box of document.querySelectorAll("[data-geolocation]")) {
    if (!("geolocation" in navigator)) continue;
    const latitude = box.querySelector("input[name=latitude]");
    const longitude = box.querySelector("input[name=longitude]");
    const use = box.querySelector("[data-geolocate]");
    const clear = box.querySelector("[data-geolocate-clear]");
    const status = box.querySelector("[data-geolocate-status]");
    const show = () => { clear.hidden = latitude.value === ""; };
    box.hidden = false;
    show();
    use.addEventListener("click", () => {
      use.disabled = true;
      navigator.geolocation.getCurrentPosition(
        (position) => {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          status.textContent = status.dataset.done;
          use.disabled = false;
          show();
        },
        () => {
          status.textContent = status.dataset.failed;
          use.disabled = false;
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    });
    clear.addEventListener("click", () => {
      latitude.value = "";
      longitude.value = "";
      status.textContent = "";
      show();
    });
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
