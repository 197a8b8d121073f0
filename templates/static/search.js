// The search page: asks Pagefind's index (built by `site-builder build`) and lists the
// results. A module loaded from this site only, no inline code, no eval: it runs under
// a Content Security Policy of script-src 'self' 'wasm-unsafe-eval'. The form names its
// state in the address (?q=…&typ=…), so a search can be bookmarked and shared, and the
// search box in every page's header lands here with the term filled in.
//
// A source's paragraph hits are listed under the source (search_records.py gives each
// paragraph the filter `paragraph_of` and each source record `source_page`, both holding
// the source id): one entry per brief and per source, so "Quelle" does not list one entry
// per paragraph. Links to a paragraph or a brief carry the searched words as
// ?markiert=… for the landing page to mark them (landing.js); they exist in the browser
// only, so the built site's link check never sees them.
//
// Under `site-builder serve` an edit is searchable before the index is rebuilt: serve
// names a second, small index (the overlay, search_overlay.py) on its reload script, and
// this page merges it and leaves out what the overlay says is stale or only there to
// hold words. A built site never has one.

// Entries (briefs and sources) per "Weitere Treffer zeigen"; the form's data-page-size,
// if set, overrides it (the browser tests page through the small embedded site with it).
const DEFAULT_PAGE_SIZE = 20;
const PARAGRAPHS_SHOWN = 3; // paragraph hits per source until "Alle … zeigen"
const DELAY_MS = 200;
const MARK_PARAMETER = "markiert";
const FILTER_NAMES = ["typ", "thema", "medium"];
const PAGEFIND_OPTIONS = { baseUrl: "/", excerptLength: 24 };
// Pagefind counts hits per filter value only for filters it has loaded, and tally() needs
// these two: each search first preloads them with its term's index (by name: the value
// does not matter). Only these: every search counts every loaded filter's values against
// its hits, so loading all of them (filters(): 1.3 MB at 20,000 pages) made each search
// several times slower. A filter the reader sets is loaded by the search that uses it.
const TALLIED_FILTERS = { paragraph_of: "", source_page: "" };

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

  let pagefind;
  try {
    const bundle = await import(form.dataset.bundle);
    await bundle.options(PAGEFIND_OPTIONS);
    await bundle.init();
    pagefind = await withOverlay(bundle);
  } catch (error) {
    view.status.textContent =
      "Die Suche ist hier nicht verfügbar: Der Suchindex fehlt (gebaut mit --no-search?).";
    return;
  }
  view.pagefind = pagefind;

  let latest = 0;
  let timer;
  const run = async () => {
    const query = currentQuery(controls);
    remember(query);
    describeFilters(view, query);
    const ticket = ++latest;
    const search = await find(pagefind, query);
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
// page names one. Hits the overlay marks are left out, and so are their filter counts.
async function withOverlay(bundle) {
  const holder = document.querySelector("script[data-search-overlay]");
  if (!holder) return bundle;
  const folder = holder.dataset.searchOverlay;
  let overlay;
  try {
    const response = await fetch(`${folder}overlay.json`);
    if (!response.ok) return bundle;
    overlay = await response.json();
    await bundle.mergeIndex(folder, PAGEFIND_OPTIONS);
  } catch (error) {
    return bundle; // replaced meanwhile: serve's "search" event reloads the page
  }
  const hidden = new Set(overlay.hidden);
  const stale = new Map(overlay.stale.map((record) => [record.id, record.filters]));
  const places = new Map(Object.entries(overlay.places));
  const records = new Map(Object.entries(overlay.records));
  return {
    preload: (term, options) => bundle.preload(term, options),
    search: async (term, options) => {
      let search = withoutStale(await bundle.search(term, options), hidden, stale);
      if (term && lackedByBase(term, overlay.fresh)) search = overlayOnly(search, records);
      return options.sort ? placedByDate(search, options.sort, places) : search;
    },
  };
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

// Only the overlay's hits, with their filter counts (the overlay knows their values).
function overlayOnly(search, records) {
  const results = search.results.filter((result) => records.has(result.id));
  const filters = {};
  for (const result of results) {
    for (const [name, values] of Object.entries(records.get(result.id))) {
      filters[name] = filters[name] || {};
      for (const value of values) filters[name][value] = (filters[name][value] || 0) + 1;
    }
  }
  return { ...search, results, filters };
}

// Sorted by date, Pagefind scores a hit by its position in its own bundle's order (the
// newest highest, or the oldest when ascending): an overlay hit is scored by its place in
// the base's order instead, which the overlay gives.
function placedByDate(search, sort, places) {
  const ascending = Object.values(sort)[0] === "asc";
  const scored = search.results.map((result) => {
    const place = places.get(result.id);
    if (place === undefined) return result;
    return { ...result, score: ascending ? -place : place };
  });
  scored.sort((a, b) => b.score - a.score);
  return { ...search, results: scored };
}

function withoutStale(search, hidden, stale) {
  const filters = structuredClone(search.filters || {});
  for (const result of search.results) {
    for (const [name, values] of Object.entries(stale.get(result.id) || {})) {
      for (const value of values) {
        if (filters[name] && filters[name][value]) filters[name][value] -= 1;
      }
    }
  }
  const results = search.results.filter((r) => !hidden.has(r.id) && !stale.has(r.id));
  return { ...search, results, filters };
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

async function find(pagefind, query) {
  if (!query.active) return null;
  await pagefind.preload(query.term || null, { filters: TALLIED_FILTERS });
  const options = { filters: query.filters };
  if (query.sort) options.sort = query.sort;
  return pagefind.search(query.term || null, options);
}

// The old list stays until the new one is ready; list and count then change in one
// step, so nothing on screen moves twice (the results block reserves a screen's height
// in the stylesheet, so the footer below never jumps either).
async function show(view, query, search) {
  const shown = ++view.shown;
  if (search === null) {
    view.walk = null;
    view.list.replaceChildren();
    view.more.hidden = true;
    view.status.textContent = "";
    return;
  }
  view.walk = { query, results: search.results, next: 0, seen: new Set(), sources: new Set() };
  const items = await nextEntries(view.pagefind, view.walk);
  if (shown !== view.shown) return; // a newer search replaced this one meanwhile
  view.list.replaceChildren(...items);
  view.more.hidden = !hasMore(view.walk);
  view.status.textContent = summary(query, tally(search));
}

async function showMore(view) {
  const shown = view.shown;
  const items = await nextEntries(view.pagefind, view.walk);
  if (shown !== view.shown) return;
  view.list.append(...items);
  view.more.hidden = !hasMore(view.walk);
  const link = items[0] && items[0].querySelector("h2 a");
  if (link) link.focus(); // the button may vanish; the reader goes on where the new ones start
}

// How many briefs, sources and source paragraphs the search found, from Pagefind's
// counts per filter value: no result has to be loaded for it.
function tally(search) {
  const counts = search.filters || {};
  const sum = (name) => Object.values(counts[name] || {}).reduce((a, b) => a + b, 0);
  const found = (name) => Object.keys(counts[name] || {}).filter((id) => counts[name][id] > 0);
  const paragraphs = sum("paragraph_of");
  const sources = new Set([...found("paragraph_of"), ...found("source_page")]).size;
  const briefs = search.results.length - paragraphs - sum("source_page");
  return { briefs, sources, paragraphs };
}

function summary(query, { briefs, sources, paragraphs }) {
  const about = query.term ? ` für „${query.term}“` : "";
  const entries = briefs + sources;
  if (entries === 0) return `Keine Treffer${about}.`;
  if (sources === 0) return `${entries} Treffer${about}.`;
  const parts = [];
  if (briefs) parts.push(counted(briefs, "Meldung", "Meldungen"));
  let inSources = counted(sources, "Quelle", "Quellen");
  if (paragraphs) inSources += ` mit ${counted(paragraphs, "Absatz", "Absätzen")}`;
  parts.push(inSources);
  return `${entries} Treffer${about}: ${parts.join(", ")}.`;
}

function counted(number, one, many) {
  return `${number} ${number === 1 ? one : many}`;
}

function hasMore(walk) {
  return walk.results.slice(walk.next).some((result) => !walk.seen.has(result.id));
}

// The next PAGE_SIZE entries in the order of the results: a brief where its record
// stands, a source where its best hit stands. Records of a source already listed are
// skipped (its entry lists them); their ids are known from the source's own search, so
// most of them are never loaded.
async function nextEntries(pagefind, walk) {
  const entries = [];
  while (entries.length < PAGE_SIZE && walk.next < walk.results.length) {
    const batch = [];
    while (batch.length < PAGE_SIZE - entries.length && walk.next < walk.results.length) {
      const result = walk.results[walk.next++];
      if (!walk.seen.has(result.id)) batch.push(result);
    }
    const data = await Promise.all(batch.map((result) => result.data()));
    const pending = [];
    data.forEach((item, i) => {
      walk.seen.add(batch[i].id);
      const source = sourceOf(item);
      if (source === null) {
        pending.push(briefEntry(item, walk.query));
      } else if (!walk.sources.has(source)) {
        walk.sources.add(source);
        pending.push(sourceEntry(pagefind, walk, source, item));
      }
    });
    entries.push(...(await Promise.all(pending)));
  }
  return entries;
}

function sourceOf(item) {
  const filters = item.filters || {};
  const id = (filters.paragraph_of || filters.source_page || [])[0];
  return id === undefined ? null : id;
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
// of its paragraphs match and the best of them, each linking to the paragraph.
async function sourceEntry(pagefind, walk, source, item) {
  const query = walk.query;
  const filters = { ...query.filters, paragraph_of: source };
  const search = await pagefind.search(query.term || null, { filters });
  for (const result of search.results) walk.seen.add(result.id);
  const page = safeUrl(item.url).split("#")[0];
  const title = (item.meta || {}).title || first(item, "source") || page;
  const li = element("li", "search-result search-source");
  li.append(
    kicker([first(item, "type"), first(item, "outlet"), first(item, "published")]),
    heading(page, title),
  );
  const hits = search.results;
  if (hits.length === 0) {
    li.append(text("p", "search-hits", "Treffer im Titel"));
    return li;
  }
  li.append(text("p", "search-hits", counted(hits.length, "Absatz", "Absätze")));
  const list = element("ol", "search-paragraphs");
  list.append(...(await paragraphItems(hits.slice(0, PARAGRAPHS_SHOWN), query)));
  li.append(list);
  if (hits.length > PARAGRAPHS_SHOWN) {
    const all = text("button", "search-all", `Alle ${hits.length} Absätze zeigen`);
    all.type = "button";
    all.addEventListener("click", async () => {
      all.disabled = true;
      const items = await paragraphItems(hits, query);
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

// The paragraphs in the order they stand in the article, which is how they are read.
async function paragraphItems(hits, query) {
  const data = await Promise.all(hits.map((hit) => hit.data()));
  const numbered = data.map((item) => {
    const url = safeUrl(item.url);
    const match = /#p(\d+)$/.exec(url);
    return { item, url, number: match ? Number(match[1]) : 0 };
  });
  numbered.sort((a, b) => a.number - b.number);
  return numbered.map(({ item, url, number }) => {
    const li = element("li", "search-paragraph");
    const link = text("a", "", `Absatz ${number}`);
    link.href = marked(url, query.term);
    const excerpt = element("blockquote", "excerpt");
    excerpt.append(...highlighted(item.excerpt || ""));
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
