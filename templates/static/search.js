// The search page: asks Pagefind's index (built by `site-builder build`) and lists the
// results. A module loaded from this site only, no inline code, no eval: it runs under
// a Content Security Policy of script-src 'self' 'wasm-unsafe-eval'. The form names its
// state in the address (?q=…&typ=…), so a search can be bookmarked and shared, and the
// search box in every page's header lands here with the term filled in.
//
// One entry per brief and per source; a source lists the paragraphs its matched words
// stand in. A source is one record (search_records.py) whose content is its paragraphs;
// Pagefind gives each hit the positions of its matched words among the content's words,
// and the record's `paragraph_words` filter the number of words of each paragraph, so
// the page places each position in its paragraph. What a hit is and its place by date
// are in its id (search/page_names.py): `b<rank>` a brief, `q<rank>` a source, the rank
// (base 36) its place by date, oldest first. So the page counts and sorts by date
// without loading a hit, and the index needs no filter or sort for it. Links to a
// paragraph or a brief carry the searched words as ?markiert=… for the landing page to
// mark them (landing.js); they exist in the browser only, so the built site's link check
// never sees them.

// Under `site-builder serve` an edit is searchable before the index is rebuilt: serve
// names a second, small index (the overlay, search_overlay.py) on its reload script, and
// this page merges it and leaves out what the overlay says is stale or only there to
// hold words. A built site never has one.

// Entries (briefs and sources) per "Weitere Treffer zeigen"; the form's data-page-size,
// if set, overrides it (the browser tests page through the small embedded site with it).
// Ten: each entry loads its record first (about 1 KB), and ten fill several phone screens.
const DEFAULT_PAGE_SIZE = 10;
const PARAGRAPHS_SHOWN = 3; // paragraph hits per source until "Alle … zeigen"
const DELAY_MS = 200;
const MARK_PARAMETER = "markiert";
const FILTER_NAMES = ["typ", "thema", "medium"];
const EXCERPT_WORDS = 24;
const PAGEFIND_OPTIONS = { baseUrl: "/", excerptLength: EXCERPT_WORDS };
const BRIEF = "b";

const form = document.getElementById("suche");
const PAGE_SIZE = (form && Number(form.dataset.pageSize)) || DEFAULT_PAGE_SIZE;
if (form) {
  start(form);
}

async function start(form) {
  const view = {
    status: document.getElementById("suche-status"),
    list: document.getElementById("suche-treffer"),
    more: document.getElementById("suche-mehr"),
    filterCount: document.getElementById("suche-filter-zahl"),
    shown: 0,
    walk: null,
  };
  const controls = ["q", "typ", "thema", "medium", "ordnung"].map((name) =>
    form.elements.namedItem(name),
  );
  restore(controls, new URLSearchParams(window.location.search));
  describeFilters(view, currentQuery(controls));

  let index;
  try {
    const bundle = await import(form.dataset.bundle);
    await bundle.options(PAGEFIND_OPTIONS);
    await bundle.init();
    index = await withOverlay(bundle);
  } catch (error) {
    view.status.textContent =
      "Die Suche ist hier nicht verfügbar: Der Suchindex fehlt (gebaut mit --no-search?).";
    return;
  }
  view.index = index;

  let latest = 0;
  let timer;
  const run = async () => {
    const query = currentQuery(controls);
    remember(query);
    describeFilters(view, query);
    const ticket = ++latest;
    const search = await find(index, query);
    if (ticket === latest) {
      await show(view, query, search);
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    run();
  });
  form.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, DELAY_MS);
  });
  view.more.addEventListener("click", () => showMore(view));
  if (currentQuery(controls).active) {
    run();
  }
}

// The index as this page asks it: Pagefind's bundle, merged with serve's overlay if the
// page names one, and what each hit is (`describe`). The overlay's own records are
// described by its overlay.json; hits it marks as stale or hidden are left out.
async function withOverlay(bundle) {
  const plain = { search: (term, options) => bundle.search(term, options), describe: pageName };
  const holder = document.querySelector("script[data-search-overlay]");
  if (!holder) return plain;
  const folder = holder.dataset.searchOverlay;
  let overlay;
  try {
    const response = await fetch(`${folder}overlay.json`);
    if (!response.ok) return plain;
    overlay = await response.json();
    await bundle.mergeIndex(folder, PAGEFIND_OPTIONS);
  } catch (error) {
    return plain; // replaced meanwhile: serve's "search" event reloads the page
  }
  const left = new Set([...overlay.hidden, ...overlay.stale]);
  const records = new Map(Object.entries(overlay.records));
  return {
    search: async (term, options) => {
      const search = await bundle.search(term, options);
      let results = search.results.filter((result) => !left.has(result.id));
      if (term && lackedByBase(term, overlay.fresh)) {
        results = results.filter((result) => records.has(result.id));
      }
      return { ...search, results };
    },
    describe: (id) => {
      const record = records.get(id);
      if (record === undefined) return pageName(id);
      const [kind, group, rank] = record;
      return { kind, group, rank };
    },
  };
}

// What a page name says (search/page_names.py): `q1x` → the source ranked 69 by date.
function pageName(id) {
  return { kind: id[0], group: id, rank: parseInt(id.slice(1), 36) };
}

// Whether a searched word is one only the overlay has (`fresh`: such words with the
// shortest start the base lacks). The base then answers it with the longest word of its
// own that the searched one starts with („Ankara“ → „an“), hits the site would not give.
function lackedByBase(term, fresh) {
  return term
    .split(/\s+/)
    .map(indexedForm)
    .filter(Boolean)
    .some((word) =>
      fresh.some(
        ([whole, start]) =>
          (whole.startsWith(word) || word.startsWith(whole)) && word.startsWith(start),
      ),
    );
}

// A word as Pagefind indexes it, short of stemming: lower case, no diacritics, letters
// and digits only.
function indexedForm(word) {
  return word
    .toLowerCase()
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .replace(/[^\p{L}\p{N}]/gu, "");
}

function restore(controls, params) {
  for (const control of controls) {
    const value = params.get(control.name);
    if (value === null) continue;
    if (control.tagName === "SELECT" && ![...control.options].some((o) => o.value === value)) {
      continue;
    }
    control.value = value;
  }
}

function currentQuery(controls) {
  const values = Object.fromEntries(controls.map((c) => [c.name, c.value]));
  const term = values.q.trim();
  const filters = {};
  if (values.typ) filters.type = values.typ;
  if (values.thema) filters.tag = values.thema;
  if (values.medium) filters.outlet = values.medium;
  const sort = { neu: { date: "desc" }, alt: { date: "asc" } }[values.ordnung];
  const active = term !== "" || Object.keys(filters).length > 0;
  return { values, term, filters, sort, active };
}

// The closed "Filter" disclosure says what is set, so a narrowed search is never a surprise.
function describeFilters(view, query) {
  const set = FILTER_NAMES.filter((name) => query.values[name]).length;
  const parts = set ? [`${set} aktiv`] : [];
  if (query.sort) parts.push(query.values.ordnung === "neu" ? "neueste zuerst" : "älteste zuerst");
  view.filterCount.textContent = parts.length ? ` (${parts.join(", ")})` : "";
}

function remember(query) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query.values)) {
    if (value) params.set(name, value);
  }
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : window.location.pathname);
}

// The hits in the order shown: by relevance, or by date when asked.
async function find(index, query) {
  if (!query.active) return null;
  const search = await index.search(query.term || null, { filters: query.filters });
  const hits = search.results.map((result) => ({ result, what: index.describe(result.id) }));
  if (query.sort) byDate(hits, query.sort.date);
  return hits;
}

// Oldest first by rank, or exactly the other way round.
function byDate(hits, direction) {
  const sign = direction === "asc" ? 1 : -1;
  hits.sort((a, b) => sign * (a.what.rank - b.what.rank));
}

// The old list stays until the new one is ready; list and count then change in one
// step, so nothing on screen moves twice (the results block reserves a screen's height
// in the stylesheet, so the footer below never jumps either).
async function show(view, query, hits) {
  const shown = ++view.shown;
  if (hits === null) {
    view.walk = null;
    view.list.replaceChildren();
    view.more.hidden = true;
    view.status.textContent = "";
    return;
  }
  view.walk = { query, hits, next: 0, listed: new Set() };
  const items = await nextEntries(view.walk);
  if (shown !== view.shown) return; // a newer search replaced this one meanwhile
  view.list.replaceChildren(...items);
  view.more.hidden = !hasMore(view.walk);
  view.status.textContent = summary(query, tally(view.walk));
}

async function showMore(view) {
  const shown = view.shown;
  const items = await nextEntries(view.walk);
  if (shown !== view.shown) return;
  view.list.append(...items);
  view.more.hidden = !hasMore(view.walk);
  const link = items[0] && items[0].querySelector("h2 a");
  if (link) link.focus(); // the button may vanish; the reader goes on where the new ones start
}

// How many briefs and sources the search found, from the hits' ids: no hit has to be
// loaded for it. A brief or source in serve's overlay counts once with its base record.
function tally(walk) {
  const briefs = new Set();
  const sources = new Set();
  for (const { what } of walk.hits) (what.kind === BRIEF ? briefs : sources).add(what.group);
  return { briefs: briefs.size, sources: sources.size };
}

function summary(query, { briefs, sources }) {
  const about = query.term ? ` für „${query.term}“` : "";
  const entries = briefs + sources;
  if (entries === 0) return `Keine Treffer${about}.`;
  if (sources === 0) return `${entries} Treffer${about}.`;
  const parts = [];
  if (briefs) parts.push(counted(briefs, "Meldung", "Meldungen"));
  parts.push(counted(sources, "Quelle", "Quellen"));
  return `${entries} Treffer${about}: ${parts.join(", ")}.`;
}

function counted(number, one, many) {
  return `${number} ${number === 1 ? one : many}`;
}

function hasMore(walk) {
  return walk.hits.slice(walk.next).some(({ what }) => !walk.listed.has(what.group));
}

// The next PAGE_SIZE entries in the order of the hits.
async function nextEntries(walk) {
  const batch = [];
  while (batch.length < PAGE_SIZE && walk.next < walk.hits.length) {
    const hit = walk.hits[walk.next++];
    if (walk.listed.has(hit.what.group)) continue;
    walk.listed.add(hit.what.group);
    batch.push(hit);
  }
  const data = await Promise.all(batch.map(({ result }) => result.data()));
  return data.map((item, i) =>
    batch[i].what.kind === BRIEF ? briefEntry(item, walk.query) : sourceEntry(item, walk.query),
  );
}

function first(item, name) {
  return ((item.filters || {})[name] || [])[0];
}

function briefEntry(item, query) {
  const li = element("li", "search-result");
  li.append(
    kicker([first(item, "type"), first(item, "published")]),
    heading(marked(safeUrl(item.url), query.term), (item.meta || {}).title || item.url),
  );
  if ((item.meta || {}).summary) {
    li.append(text("p", "summary", item.meta.summary));
  }
  const excerpt = element("p", "excerpt");
  excerpt.append(...highlighted(item.excerpt || ""));
  li.append(excerpt);
  return li;
}

// One entry per source: where it is from, its title (linking to the article), how many
// of its paragraphs the matched words stand in and the best of them, each linking to the
// paragraph.
function sourceEntry(item, query) {
  const page = safeUrl(item.url);
  const li = element("li", "search-result search-source");
  li.append(
    kicker([first(item, "type"), first(item, "outlet"), first(item, "published")]),
    heading(page, (item.meta || {}).title || page),
  );
  const paragraphs = shownParagraphs(item, query);
  if (paragraphs.length === 0) {
    if (query.term) li.append(text("p", "search-hits", "Treffer im Titel"));
    return li;
  }
  li.append(text("p", "search-hits", counted(paragraphs.length, "Absatz", "Absätze")));
  const best = [...paragraphs]
    .sort((a, b) => b.score - a.score || a.number - b.number)
    .slice(0, PARAGRAPHS_SHOWN)
    .sort((a, b) => a.number - b.number); // in article order, as they are read
  const list = element("ol", "search-paragraphs");
  list.append(...paragraphItems(best, page, query));
  li.append(list);
  if (paragraphs.length > PARAGRAPHS_SHOWN) {
    const all = text("button", "search-all", `Alle ${paragraphs.length} Absätze zeigen`);
    all.type = "button";
    all.addEventListener("click", () => {
      const items = paragraphItems(paragraphs, page, query);
      list.replaceChildren(...items);
      all.parentElement.remove();
      items[0].querySelector("a").focus(); // the button is gone; focus stays in the list
    });
    const holder = element("p", "search-all-holder");
    holder.append(all);
    li.append(holder);
  }
  return li;
}

// The paragraphs a source's entry lists: those its matched words stand in; without a
// searched word but with a topic, those the topic's briefs cite (`cited_by_tag`:
// "Ukraine:1,5"), from their start: „Quelle“ + a topic shows what its briefs rest on.
function shownParagraphs(item, query) {
  if (query.term) return paragraphHits(item);
  const tag = query.filters.tag;
  if (!tag) return [];
  const cited = new Set();
  for (const entry of (item.filters || {}).cited_by_tag || []) {
    const at = entry.lastIndexOf(":"); // (a topic's name may hold a colon; numbers do not)
    if (entry.slice(0, at) !== tag) continue;
    for (const number of entry.slice(at + 1).split(",")) cited.add(Number(number));
  }
  return paragraphSpans(item).spans.filter((paragraph) => cited.has(paragraph.number));
}

// The paragraphs a source's matched words stand in, in article order. Pagefind gives
// each match's position among the words of the content (split at whitespace, as its own
// excerpts split it); the record's `paragraph_words` ("1:45 2:52 …": number and count
// of words of each paragraph) says where each paragraph starts. A paragraph's score is
// the sum of its matches' scores.
function paragraphHits(item) {
  const { spans } = paragraphSpans(item);
  for (const { location, balanced_score: score } of item.weighted_locations || []) {
    const span = spans.find((candidate) => location < candidate.end);
    if (span && location >= span.start) {
      span.locations.push(location);
      span.score += score;
    }
  }
  return spans.filter((span) => span.locations.length > 0);
}

// Each paragraph of a source as a span of the content's words, with its excerpt.
function paragraphSpans(item) {
  const words = (item.content || "").split(/[\r\n\s]+/g);
  const spans = [];
  let start = 0;
  for (const entry of (first(item, "paragraph_words") || "").split(" ").filter(Boolean)) {
    const [number, count] = entry.split(":").map(Number);
    const span = { number, start, end: start + count, locations: [], score: 0 };
    span.excerpt = () => excerptOf(words, span);
    spans.push(span);
    start += count;
  }
  return { words, spans };
}

// Up to EXCERPT_WORDS words of the paragraph, from a little before its first match (or
// from its start), the matched words marked. Text nodes only: source text is third-party.
function excerptOf(words, { start, end, locations }) {
  const length = Math.min(EXCERPT_WORDS, end - start);
  const lead = Math.floor(EXCERPT_WORDS / 3);
  const firstMatch = locations.length ? Math.min(...locations) : start + lead;
  const from = Math.max(start, Math.min(firstMatch - lead, end - length));
  const marks = new Set(locations);
  const nodes = [];
  for (let at = from; at < from + length; at++) {
    if (at > from) nodes.push(document.createTextNode(" "));
    const word = words[at] || "";
    nodes.push(marks.has(at) ? text("mark", "", word) : document.createTextNode(word));
  }
  return nodes;
}

function paragraphItems(paragraphs, page, query) {
  return paragraphs.map((paragraph) => {
    const li = element("li", "search-paragraph");
    const link = text("a", "", `Absatz ${paragraph.number}`);
    link.href = page === "#" ? page : marked(`${page}#p${paragraph.number}`, query.term);
    const excerpt = element("blockquote", "excerpt");
    excerpt.append(...paragraph.excerpt());
    li.append(link, excerpt);
    return li;
  });
}

function kicker(parts) {
  return text("p", "kicker", parts.filter(Boolean).join(" · "));
}

function heading(url, title) {
  const h2 = element("h2");
  const link = text("a", "", title);
  link.href = url;
  h2.append(link);
  return h2;
}

// `/sources/a/#p3` → `/sources/a/?markiert=Riad%20Gespr%C3%A4che#p3`: the landing page
// marks these words in the paragraph. Without a term (filters only) nothing is added.
function marked(url, term) {
  if (!term || url === "#") return url;
  const [path, hash] = url.split("#");
  const fragment = hash === undefined ? "" : `#${hash}`;
  return `${path}?${MARK_PARAMETER}=${encodeURIComponent(term)}${fragment}`;
}

// Pagefind's excerpt is HTML with <mark> around the matched words. It is parsed in an
// inert document and rebuilt from its text and <mark>s only: source text is third-party
// text, and nothing else of it may become markup here.
function highlighted(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      nodes.push(text("mark", "", node.textContent));
    } else {
      nodes.push(document.createTextNode(node.textContent));
    }
  }
  return nodes;
}

// Result addresses come from our own index; still, only this site's paths are links.
function safeUrl(url) {
  return typeof url === "string" && url.startsWith("/") && !url.startsWith("//") ? url : "#";
}

function text(tag, className, content) {
  const node = element(tag, className);
  node.textContent = content;
  return node;
}

function element(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}
