// The search page: asks Pagefind's index (built by `site-builder build`) and lists the
// results. A module loaded from this site only, no inline code, no eval: it runs under
// a Content Security Policy of script-src 'self' 'wasm-unsafe-eval'. The form names its
// state in the address (?q=…&typ=…), so a search can be bookmarked and shared, and the
// search box in every page's header lands here with the term filled in.

const PAGE_SIZE = 20;
const DELAY_MS = 200;

const form = document.getElementById("suche");
if (form) {
  start(form);
}

async function start(form) {
  const view = {
    input: form.elements.namedItem("q"),
    status: document.getElementById("suche-status"),
    list: document.getElementById("suche-treffer"),
    more: document.getElementById("suche-mehr"),
  };
  const controls = ["q", "typ", "thema", "medium", "ordnung"].map((name) =>
    form.elements.namedItem(name),
  );
  restore(controls, new URLSearchParams(window.location.search));

  let pagefind;
  try {
    pagefind = await import(form.dataset.bundle);
    await pagefind.options({ baseUrl: "/", excerptLength: 28 });
    await pagefind.init();
  } catch (error) {
    view.status.textContent =
      "Die Suche ist hier nicht verfügbar: Der Suchindex fehlt (gebaut mit --no-search?).";
    return;
  }

  let latest = 0;
  let timer;
  const run = async () => {
    const query = currentQuery(controls);
    remember(query);
    const ticket = ++latest;
    const results = await find(pagefind, query);
    if (ticket === latest) {
      show(view, query, results);
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
  const options = { filters: query.filters };
  if (query.sort) options.sort = query.sort;
  const search = await pagefind.search(query.term || null, options);
  return search.results;
}

// The count is announced (role=status) once the first results stand on the page.
async function show(view, query, results) {
  view.shown = (view.shown || 0) + 1;
  const shown = view.shown;
  view.list.replaceChildren();
  view.pending = results ? [...results] : []; // showMore takes from the front
  view.more.hidden = true;
  if (results === null) {
    view.status.textContent = "";
    return;
  }
  await showMore(view);
  if (shown !== view.shown) return;
  const about = query.term ? ` für „${query.term}“` : "";
  view.status.textContent =
    results.length === 0 ? `Keine Treffer${about}.` : `${results.length} Treffer${about}.`;
}

async function showMore(view) {
  const shown = view.shown;
  const next = view.pending.splice(0, PAGE_SIZE);
  const data = await Promise.all(next.map((result) => result.data()));
  if (shown !== view.shown) return; // a newer search replaced the list meanwhile
  for (const item of data) {
    view.list.append(resultItem(item));
  }
  view.more.hidden = view.pending.length === 0;
}

// What a result shows besides its title comes from its filter values (search_records.py:
// Pagefind would search metadata, and "Februar" must not find every February record).
function resultItem(item) {
  const meta = item.meta || {};
  const filters = item.filters || {};
  const first = (name) => (filters[name] || [])[0];
  const url = safeUrl(item.url);
  const paragraph = /#p(\d+)$/.exec(url);
  const li = element("li", "search-result");
  const kind = element("p", "kicker");
  const source = first("type") === "Quelle";
  kind.textContent = [
    first("type"),
    source ? first("outlet") : "",
    paragraph ? `Absatz ${paragraph[1]}` : "",
    first("published"),
  ]
    .filter(Boolean)
    .join(" · ");
  const heading = element("h2");
  const link = element("a");
  link.href = url;
  const title = meta.title || first("source") || item.url;
  link.textContent = title;
  heading.append(link);
  li.append(kind, heading);
  if (meta.summary) {
    const summary = element("p", "summary");
    summary.textContent = meta.summary;
    li.append(summary);
  }
  const excerpt = highlighted(item.excerpt || "");
  if (excerpt.map((node) => node.textContent).join("").trim() !== title) {
    const text = element(paragraph ? "blockquote" : "p", "excerpt");
    text.append(...excerpt);
    li.append(text);
  }
  return li;
}

// Pagefind's excerpt is HTML with <mark> around the matched words. It is parsed in an
// inert document and rebuilt from its text and <mark>s only: source text is third-party
// text, and nothing else of it may become markup here.
function highlighted(excerpt) {
  const parsed = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html");
  const nodes = [];
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
      const mark = element("mark");
      mark.textContent = node.textContent;
      nodes.push(mark);
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

function element(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}
