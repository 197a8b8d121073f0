// The search page: asks Pagefind's index (built by `site-builder build`) and lists the
// results. A module loaded from this site only, no inline code, no eval: it runs under
// a Content Security Policy of script-src 'self' 'wasm-unsafe-eval'. The form names its
// state in the address (?q=…&typ=…), so a search can be bookmarked and shared, and the
// search box in every page's header lands here with the term filled in.
//
// A source's paragraph hits are listed under the source: one entry per brief and per
// source, so "Quelle" does not list one entry per paragraph. What a hit is, which source
// it belongs to and its place by date are in its id (search/page_names.py): `b<rank>` a
// brief, `q<rank>` a source's own record, `q<rank>.<n>` its n-th paragraph, the rank (base
// 36) its brief's or source's place by date, oldest first. So the page groups, counts and
// sorts by date without loading a hit, and the index needs no filter or sort for it. Links to a paragraph or a brief carry the searched words as
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
const BRIEF = "b";
const SOURCE = "q";
const PARAGRAPH = "p";

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
      const [kind, group, rank, n] = record;
      return { kind, group, rank, n };
    },
  };
}

// What a page name says (search/page_names.py): `q1x.3` → the 3rd paragraph record of
// the source ranked 69 by date.
function pageName(id) {
  const [group, n] = id.split(".");
  const kind = group[0] === BRIEF ? BRIEF : n === undefined ? SOURCE : PARAGRAPH;
  return { kind, group, rank: parseInt(group.slice(1), 36), n: n === undefined ? 0 : Number(n) };
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

// The hits in the order shown (`results`: by relevance, or by date when asked) and by
// relevance (`ranked`, which picks a source's best paragraphs).
async function find(index, query) {
  if (!query.active) return null;
  const search = await index.search(query.term || null, { filters: query.filters });
  const ranked = search.results;
  const results = query.sort ? byDate(ranked, query.sort.date, index.describe) : ranked;
  return { results, ranked };
}

// Oldest first by rank (a source's records: its own first, then its paragraphs in
// order), or exactly the other way round; equal places keep their order by relevance.
function byDate(results, direction, describe) {
  const sign = direction === "asc" ? 1 : -1;
  const keyed = results.map((result) => ({ result, what: describe(result.id) }));
  keyed.sort((a, b) => sign * (a.what.rank - b.what.rank || a.what.n - b.what.n));
  return keyed.map(({ result }) => result);
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
  view.walk = walkOf(query, search, view.index.describe);
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

// A search as the list walks it: each hit with what it is, each source's paragraph
// hits by relevance (its entry shows the best), and the sources listed so far.
function walkOf(query, search, describe) {
  const hits = search.results.map((result) => ({ result, what: describe(result.id) }));
  const paragraphs = new Map();
  for (const result of search.ranked) {
    const what = describe(result.id);
    if (what.kind !== PARAGRAPH) continue;
    if (!paragraphs.has(what.group)) paragraphs.set(what.group, []);
    paragraphs.get(what.group).push(result);
  }
  return { query, hits, paragraphs, next: 0, sources: new Set() };
}

// How many briefs, sources and source paragraphs the search found, from the hits' ids:
// no hit has to be loaded for it.
function tally(walk) {
  let briefs = 0;
  let paragraphs = 0;
  const sources = new Set();
  for (const { what } of walk.hits) {
    if (what.kind === BRIEF) {
      briefs += 1;
    } else {
      sources.add(what.group);
      if (what.kind === PARAGRAPH) paragraphs += 1;
    }
  }
  return { briefs, sources: sources.size, paragraphs };
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
  return walk.hits.slice(walk.next).some(({ what }) => !listed(walk, what));
}

function listed(walk, what) {
  return what.kind !== BRIEF && walk.sources.has(what.group);
}

// The next PAGE_SIZE entries in the order of the results: a brief where its record
// stands, a source where its best hit stands. Later hits of a source already listed are
// skipped without loading them: its entry lists them.
async function nextEntries(walk) {
  const entries = [];
  while (entries.length < PAGE_SIZE && walk.next < walk.hits.length) {
    const batch = [];
    while (batch.length < PAGE_SIZE - entries.length && walk.next < walk.hits.length) {
      const hit = walk.hits[walk.next++];
      if (listed(walk, hit.what)) continue;
      if (hit.what.kind !== BRIEF) walk.sources.add(hit.what.group);
      batch.push(hit);
    }
    const data = await Promise.all(batch.map(({ result }) => result.data()));
    const made = data.map((item, i) =>
      batch[i].what.kind === BRIEF
        ? briefEntry(item, walk.query)
        : sourceEntry(walk, batch[i].what.group, item),
    );
    entries.push(...(await Promise.all(made)));
  }
  return entries;
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
async function sourceEntry(walk, group, item) {
  const query = walk.query;
  const page = safeUrl(item.url).split("#")[0];
  const title = (item.meta || {}).title || first(item, "source") || page;
  const li = element("li", "search-result search-source");
  li.append(
    kicker([first(item, "type"), first(item, "outlet"), first(item, "published")]),
    heading(page, title),
  );
  const hits = walk.paragraphs.get(group) || [];
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
