// Citation previews for mouse users: resting the pointer on a marker opens its preview,
// leaving marker and preview closes it again. Everything else works without this file:
// a marker is a popover button (tap, click, Enter open the preview; Escape, the close
// button or a tap elsewhere close it).
//
// A preview opened by hovering is "on loan": a click on its marker makes it stay (the
// click must not toggle it shut), and only then does it ignore the pointer leaving.

const OPEN_DELAY = 150; // ms: passing over a marker on the way elsewhere opens nothing
const CLOSE_DELAY = 300; // ms: time to move from the marker into the preview (WCAG 1.4.13)

const hovering = window.matchMedia("(hover: hover) and (pointer: fine)");
let lent = null; // the preview opened by hovering, while the pointer decides
let timer = 0;

function previewOf(marker) {
  return document.getElementById(marker.getAttribute("popovertarget"));
}

function later(action, delay) {
  window.clearTimeout(timer);
  timer = window.setTimeout(action, delay);
}

function open(marker) {
  const preview = previewOf(marker);
  if (preview === null || preview.matches(":popover-open")) {
    return;
  }
  // ``source`` anchors the preview to this marker (CSS anchor positioning).
  preview.showPopover({ source: marker });
  lent = preview;
}

function closeLent() {
  if (lent !== null && lent.matches(":popover-open")) {
    lent.hidePopover();
  }
  lent = null;
}

function isMouse(event) {
  return event.pointerType === "mouse" && hovering.matches;
}

for (const marker of document.querySelectorAll(".citation[popovertarget]")) {
  marker.addEventListener("pointerenter", (event) => {
    if (isMouse(event)) {
      later(() => open(marker), OPEN_DELAY);
    }
  });
  marker.addEventListener("pointerleave", (event) => {
    if (isMouse(event)) {
      later(closeLent, CLOSE_DELAY);
    }
  });
  marker.addEventListener("click", (event) => {
    window.clearTimeout(timer);
    const preview = previewOf(marker);
    if (preview !== null && preview === lent && preview.matches(":popover-open")) {
      // Opened by hovering: the click keeps it open instead of toggling it shut.
      event.preventDefault();
      lent = null;
    }
  });
}

for (const preview of document.querySelectorAll(".citation-preview[popover]")) {
  preview.addEventListener("pointerenter", (event) => {
    if (isMouse(event) && preview === lent) {
      window.clearTimeout(timer);
    }
  });
  preview.addEventListener("pointerleave", (event) => {
    if (isMouse(event) && preview === lent) {
      later(closeLent, CLOSE_DELAY);
    }
  });
  preview.addEventListener("toggle", (event) => {
    if (event.newState === "closed" && preview === lent) {
      lent = null;
    }
  });
  // "in der Quellenliste" scrolls this page: the preview would cover the entry.
  for (const link of preview.querySelectorAll("a[href^='#']")) {
    link.addEventListener("click", () => preview.hidePopover());
  }
}
