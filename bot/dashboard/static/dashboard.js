// Homeward dashboard: progressive enhancements only; every page works without this script.
"use strict";

// The queue refreshes its counts and rows every few seconds without reloading the page.
function refreshQueue(region) {
  const url = region.dataset.refreshUrl;
  const seconds = Math.max(1, Number(region.dataset.refreshSeconds) || 30);
  const tick = async () => {
    if (document.hidden) return;
    try {
      const response = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      if (response.redirected || !response.ok) {
        window.location.reload(); // signed out or expired: the page shows the sign-in form
        return;
      }
      region.innerHTML = await response.text();
    } catch (error) {
      // offline for a moment: try again at the next tick
    }
  };
  window.setInterval(tick, seconds * 1000);
}

// The close reason only matters when closing; hide it otherwise.
function toggleCloseReason(form) {
  const select = form.querySelector("select[name=to]");
  const box = form.querySelector("[data-show-when]");
  if (!select || !box) return;
  const update = () => { box.hidden = select.value !== box.dataset.showWhen; };
  select.addEventListener("change", update);
  update();
}

// On a phone the filters start folded away (unless some are set), so the tips come first.
function foldOnPhone(details) {
  if (details.dataset.collapseOnPhone === "1" && window.matchMedia("(max-width: 720px)").matches) {
    details.open = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("details[data-collapse-on-phone]").forEach(foldOnPhone);
  document.querySelectorAll("[data-refresh-url]").forEach(refreshQueue);
  document.querySelectorAll("#status-form").forEach(toggleCloseReason);
});
