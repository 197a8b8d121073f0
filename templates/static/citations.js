// Citation previews, enhanced. Without this file a marker is a popover button: tap,
// click or Enter open its preview (centred on a wide screen, a sheet at the bottom of a
// narrow one), Escape, the close button or a tap elsewhere close it. A preview is the
// paragraph's entry in the source list, shown there while closed. This module
// - places the preview under its marker on a wide screen (above it when there is no room
//   below), kept inside the viewport; CSS anchor positioning would do it without script,
//   but the HTML checker's CSS validator does not know its properties yet;
// - opens it when a mouse rests on the marker and closes it when the mouse leaves both.
//   A preview opened by hovering is "on loan": a click on its marker keeps it open (the
//   click must not toggle it shut), and from then on it ignores the pointer leaving.

const OPEN_DELAY = 150; // ms: passing over a marker on the way elsewhere opens nothing
const CLOSE_DELAY = 300; // ms: time to move from the marker into the preview (WCAG 1.4.13)
const GAP = 6; // px between marker and preview
const EDGE = 8; // px the preview keeps from the viewport's edges

const hovering = window.matchMedia("(hover: hover) and (pointer: fine)");
const sheet = window.matchMedia("(max-width: 40rem)"); // as in style.css
let lent = null; // the preview opened by hovering, while the pointer decides
let shown = null; // [marker, preview] of the open preview, to follow scrolling
let timer = 0;

function previewOf(marker) {
  return document.getElementById(marker.getAttribute("popovertarget"));
}

function later(action, delay) {
  window.clearTimeout(timer);
  timer = window.setTimeout(action, delay);
}

function unplace(preview) {
  for (const side of ["top", "left", "inset", "margin"]) {
    preview.style.removeProperty(side);
  }
}

function place(marker, preview) {
  unplace(preview);
  if (sheet.matches) {
    return; // the stylesheet's bottom sheet
  }
  const anchor = marker.getBoundingClientRect();
  const size = preview.getBoundingClientRect();
  const below = anchor.bottom + GAP;
  const above = anchor.top - GAP - size.height;
  const fits = below + size.height <= window.innerHeight - EDGE;
  const top = fits || above < EDGE ? Math.min(below, window.innerHeight - EDGE - size.height) : above;
  const left = Math.min(anchor.left, window.innerWidth - EDGE - size.width);
  preview.style.inset = "auto";
  preview.style.margin = "0";
  preview.style.top = `${Math.max(EDGE, top)}px`;
  preview.style.left = `${Math.max(EDGE, left)}px`;
}

function show(marker, preview) {
  // ``source`` makes the marker the preview's invoker, as popovertarget would: a click on
  // it is no "click outside", and focus returns to it when the preview closes.
  preview.showPopover({ source: marker });
  place(marker, preview);
  shown = [marker, preview];
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
  const preview = previewOf(marker);
  if (preview === null) {
    continue;
  }
  marker.addEventListener("pointerenter", (event) => {
    if (isMouse(event)) {
      later(() => {
        if (!preview.matches(":popover-open")) {
          show(marker, preview);
          lent = preview;
        }
      }, OPEN_DELAY);
    }
  });
  marker.addEventListener("pointerleave", (event) => {
    if (isMouse(event)) {
      later(closeLent, CLOSE_DELAY);
    }
  });
  // Instead of popovertarget's toggle (so the preview can be placed as it opens).
  marker.addEventListener("click", (event) => {
    event.preventDefault();
    window.clearTimeout(timer);
    if (!preview.matches(":popover-open")) {
      show(marker, preview);
    } else if (preview === lent) {
      lent = null; // opened by hovering: the click keeps it open
    } else {
      preview.hidePopover();
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
    if (event.newState === "closed") {
      unplace(preview); // closed, it is an entry of the source list again
      lent = lent === preview ? null : lent;
      shown = shown !== null && shown[1] === preview ? null : shown;
    }
  });
  // "in der Quellenliste" scrolls this page: the preview would cover the entry.
  for (const link of preview.querySelectorAll("a[href^='#']")) {
    link.addEventListener("click", () => preview.hidePopover());
  }
}

function follow() {
  if (shown !== null && shown[1].matches(":popover-open")) {
    place(shown[0], shown[1]);
  }
}
window.addEventListener("scroll", follow, { passive: true });
window.addEventListener("resize", follow);
