// site-builder serve only (never part of a built site): reload the page after a rebuild,
// and show a failed build's diagnostics over the page. Text is set with textContent, never
// parsed as HTML: diagnostics quote editors' files.
(() => {
  'use strict';

  const OVERLAY_ID = 'site-builder-overlay';
  const STYLESHEET = '/__site-builder/overlay.css';
  const events = new EventSource('/__site-builder/events');
  let lost = false;

  function addStylesheet() {
    if (document.querySelector(`link[href="${STYLESHEET}"]`)) return;
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLESHEET;
    document.head.append(link);
  }

  function hideOverlay() {
    document.getElementById(OVERLAY_ID)?.remove();
  }

  function showOverlay(text) {
    hideOverlay();
    addStylesheet();
    const overlay = document.createElement('section');
    overlay.id = OVERLAY_ID;
    overlay.setAttribute('role', 'alert');
    overlay.setAttribute('aria-label', 'site-builder: build failed');
    const title = document.createElement('h2');
    title.textContent = 'The site has errors: this page is the last good build';
    const details = document.createElement('pre');
    details.textContent = text;
    const close = document.createElement('button');
    close.type = 'button';
    close.textContent = 'Close';
    close.addEventListener('click', hideOverlay);
    overlay.append(title, details, close);
    document.body.append(overlay);
  }

  events.addEventListener('reload', () => window.location.reload());

  // What search finds changed (an overlay of the last edit, or the index rebuilt after the
  // pages): only a search page shows it. The event carries the count of such changes and is
  // sent on every connection too, so a page that missed one while it loaded still reloads.
  const searchState = (document.currentScript && document.currentScript.dataset.searchState) || '0';
  events.addEventListener('search', (event) => {
    if (event.data === searchState) return;
    if (document.querySelector('form[role="search"][data-bundle]')) window.location.reload();
  });

  // The server's "error" event shares its name with EventSource's own connection error;
  // only the server's carries data.
  events.addEventListener('error', (event) => {
    if (event instanceof MessageEvent) {
      showOverlay(event.data);
    } else {
      lost = true;
    }
  });

  // Back after serve was restarted: the site may have changed meanwhile.
  events.addEventListener('open', () => {
    if (lost) window.location.reload();
  });
})();
