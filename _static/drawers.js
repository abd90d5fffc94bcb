// SPDX-License-Identifier: MIT
// Keyboard use of furo's drawers on a narrow screen (custom.css says more).
// Each drawer opens with a checkbox; custom.css lets it take the focus, and
// here it becomes a toggle button: Space or Enter opens and closes it, its
// state is announced (aria-pressed), and Escape closes an open drawer.
"use strict";
(() => {
  const toggles = [...document.querySelectorAll("input.sidebar-toggle")];
  for (const toggle of toggles) {
    toggle.setAttribute("role", "button");
    const announce = () => toggle.setAttribute("aria-pressed", String(toggle.checked));
    announce();
    toggle.addEventListener("change", announce);
    toggle.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        toggle.click();
      }
    });
  }
  document.addEventListener("keydown", (event) => {
    const open = toggles.find((toggle) => toggle.checked);
    if (event.key !== "Escape" || !open) return;
    open.click();
    open.focus();
  });
})();
