// Landing on a page from a link: the way back to the brief a reader came from
// (?von=<brief-slug>) and the searched words marked (?markiert=<words>). A module from this
// site only (script-src 'self'); it builds every node with createElement and textContent,
// never innerHTML, keeps nothing (no cookies, no storage) and sends nothing. Without it the
// page works as before: the link still lands on the paragraph, which CSS highlights.
// It looks for its containers by class and does nothing on a page without them, so
// source and brief pages can both load it.

const MAX_WORDS = 10;
const MIN_LENGTH = 2;

const params = new URLSearchParams(window.location.search);
const target = targetElement(window.location.hash);
showWayBack(params.get("von"));
markSearched(params.get("markiert"), target);

// The element the address's #fragment names, or null.
function targetElement(hash) {
  if (hash.length < 2) return null;
  try {
    return document.getElementById(decodeURIComponent(hash.slice(1)));
  } catch {
    return null; // a malformed %-escape names nothing
  }
}

// "← zurück zur Meldung: <title>", only for a slug this page's "Zitiert in" lists link to:
// the link is that list's own link (its href and title), never anything built from `von`.
// A paragraph cited by more briefs than its list shows names only the newest: for an older
// brief, "← zurück zur Meldung" leads to the page the reader came from, when that is the
// brief's page on this site (`cameFromBrief`).
function showWayBack(slug) {
  const article = document.querySelector("article.source");
  if (!slug || !article) return;
  const citing = [...document.querySelectorAll(".cited-in a[data-brief]")].find(
    (link) => link.dataset.brief === slug,
  );
  const link = document.createElement("a");
  if (citing) {
    link.href = citing.getAttribute("href");
    link.textContent = `← zurück zur Meldung: ${citing.textContent}`;
  } else {
    const from = cameFromBrief(slug);
    if (!from) return;
    link.href = from;
    link.textContent = "← zurück zur Meldung";
  }
  // Straight from that brief (the previous page of this tab), going back is the browser's
  // own Back: the reader returns to the sentence they left, not to the brief's top.
  link.addEventListener("click", (event) => {
    if (cameFrom(link.href) && history.length > 1) {
      event.preventDefault();
      history.back();
    }
  });
  const bar = document.createElement("p");
  bar.className = "back-to-brief";
  bar.append(link);
  // First in the article: read first by a screen reader, reached first by Tab. The
  // stylesheet fixes it to the bottom of the window, so nothing on the page moves.
  article.prepend(bar);
}

// The path of the page the reader came from, if it is this site's page of the brief
// `slug` (same origin, a path ending in /briefs/<slug>/), else null.
function cameFromBrief(slug) {
  try {
    const from = new URL(document.referrer);
    const brief = `/briefs/${encodeURIComponent(slug)}/`;
    return from.origin === window.location.origin && from.pathname.endsWith(brief)
      ? from.pathname
      : null;
  } catch {
    return null; // no referrer, or not an address
  }
}

// Did the reader come here from `href`? The referrer tells (same site: the full address).
function cameFrom(href) {
  try {
    return document.referrer !== "" && new URL(document.referrer).pathname === new URL(href).pathname;
  } catch {
    return false;
  }
}

// Wraps the searched words in <mark>: in the paragraph the address lands on (a source),
// or else in the brief's text. Whole words starting with a searched word, any case.
function markSearched(query, landed) {
  const words = searchedWords(query || "");
  const paragraph = landed && landed.closest(".source-body p");
  const container = paragraph || document.querySelector(".brief-body");
  if (words.length === 0 || !container) return;
  const escaped = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(
    `(?<![\\p{L}\\p{M}\\p{N}])(?:${escaped.join("|")})[\\p{L}\\p{M}\\p{N}]*`,
    "giu",
  );
  for (const node of textNodes(container)) {
    markIn(node, pattern);
  }
}

function searchedWords(query) {
  const words = query
    .normalize("NFC")
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((word) => word.length >= MIN_LENGTH);
  return [...new Set(words)].slice(0, MAX_WORDS);
}

// The text of `container` a reader reads: not the brief's citation numbers and previews.
function textNodes(container) {
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.parentElement.closest(".citations, mark")
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

function markIn(node, pattern) {
  const text = node.data;
  const parts = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parts.append(text.slice(last, match.index));
    const mark = document.createElement("mark");
    mark.className = "searched";
    mark.textContent = match[0];
    parts.append(mark);
    last = match.index + match[0].length;
  }
  if (last === 0) return;
  parts.append(text.slice(last));
  node.replaceWith(parts);
}
