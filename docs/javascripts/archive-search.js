/* The archive's search page: Pagefind full-text search with filters for type, actor,
   topic, place and year. Only the index chunks a query needs are fetched. Query and
   filters live in the URL (?q=…&actor=…), so every search can be linked to. */
(function () {
  "use strict";
  const script = document.currentScript;
  const root = document.getElementById("archive-search");
  if (!root || !script) return;

  const bundle = new URL("../pagefind/", script.src);
  const siteRoot = new URL("../", script.src).pathname;
  const GROUPS = [
    ["type", "Type", "any"],
    ["topic", "Topics", "all"],
    ["actor", "Actors", "all"],
    ["place", "Places", "all"],
    ["year", "Year", "any"],
  ];
  const PAGE = 10;
  const VISIBLE_OPTIONS = 8;
  const input = document.getElementById("archive-search-input");
  const filtersEl = document.getElementById("archive-search-filters");
  const filterBox = document.getElementById("archive-search-filterbox");
  const resultsEl = document.getElementById("archive-search-results");
  const statusEl = document.getElementById("archive-search-status");
  const moreEl = document.getElementById("archive-search-more");
  const params = new URLSearchParams(location.search);
  const selected = Object.fromEntries(GROUPS.map(([key]) => [key, new Set(params.getAll(key))]));
  let pagefind = null;
  let current = [];
  let shown = 0;
  let generation = 0;

  input.value = params.get("q") || "";

  function searchOptions() {
    try {
      return JSON.parse(root.dataset.pagefindOptions || "{}");
    } catch (error) {
      return {}; // the page's own markup; a typo there must not take search down
    }
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function safeExcerpt(html) {
    // Pagefind marks matches with <mark>; keep only those, everything else as text.
    const text = el("div");
    text.textContent = html;
    return text.innerHTML.replace(/&lt;mark&gt;/g, "<mark>").replace(/&lt;\/mark&gt;/g, "</mark>");
  }

  function buildFilters(available) {
    filtersEl.replaceChildren();
    for (const [key, label] of GROUPS) {
      const values = Object.entries(available[key] || {});
      if (!values.length) continue;
      values.sort(key === "year" ? (a, b) => b[0].localeCompare(a[0]) : (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
      const box = el("fieldset", { class: "archive-search__group" });
      box.append(el("legend", {}, label));
      let narrow = null;
      if (values.length > VISIBLE_OPTIONS) {
        narrow = el("input", { type: "search", class: "archive-search__narrow", "aria-label": `Find ${label.toLowerCase()}`, placeholder: `Find ${label.toLowerCase()}…` });
        box.append(narrow);
      }
      const list = el("ul", { class: "archive-search__options" });
      values.forEach(([value, count], index) => {
        const id = `f-${key}-${index}`;
        const item = el("li");
        const check = el("input", { type: "checkbox", id, value });
        check.checked = selected[key].has(value);
        check.addEventListener("change", () => {
          check.checked ? selected[key].add(value) : selected[key].delete(value);
          run();
        });
        const name = el("label", { for: id });
        name.append(document.createTextNode(value + " "), el("span", { class: "archive-search__count" }, `(${count})`));
        item.append(check, name);
        item.hidden = index >= VISIBLE_OPTIONS && !check.checked;
        list.append(item);
      });
      box.append(list);
      if (narrow) {
        const toggle = el("button", { type: "button", class: "archive-search__all", "aria-expanded": "false" }, `Show all ${values.length}`);
        toggle.addEventListener("click", () => {
          const open = toggle.getAttribute("aria-expanded") !== "true";
          toggle.setAttribute("aria-expanded", String(open));
          toggle.textContent = open ? "Show fewer" : `Show all ${values.length}`;
          [...list.children].forEach((li, i) => { li.hidden = !open && i >= VISIBLE_OPTIONS && !li.querySelector("input").checked; });
        });
        narrow.addEventListener("input", () => {
          const needle = narrow.value.trim().toLowerCase();
          [...list.children].forEach((li, i) => {
            const match = li.textContent.toLowerCase().includes(needle);
            li.hidden = needle ? !match : i >= VISIBLE_OPTIONS && !li.querySelector("input").checked;
          });
        });
        box.append(toggle);
      }
      filtersEl.append(box);
    }
  }

  function longDate(iso) {
    const day = new Date(`${iso}T00:00:00Z`);
    if (Number.isNaN(day.getTime())) return iso;
    return day.toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
  }

  function filterQuery() {
    const filters = {};
    for (const [key, , mode] of GROUPS) {
      const values = [...selected[key]];
      if (values.length) filters[key] = mode === "any" ? { any: values } : values;
    }
    return filters;
  }

  function updateUrl() {
    const next = new URLSearchParams();
    if (input.value.trim()) next.set("q", input.value.trim());
    for (const [key] of GROUPS) for (const value of selected[key]) next.append(key, value);
    const query = next.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  }

  function renderTags(filters) {
    const list = el("ul", { class: "archive-search__tags", "aria-label": "Tags" });
    for (const key of ["topic", "actor", "place"]) {
      for (const value of (filters && filters[key]) || []) {
        list.append(el("li", { class: `md-tag archive-tag archive-tag--${key}` }, value));
      }
    }
    return list;
  }

  async function showMore(mine) {
    const slice = current.slice(shown, shown + PAGE);
    const data = await Promise.all(slice.map((r) => r.data()));
    if (mine !== generation) return;
    for (const item of data) {
      const li = el("li", { class: "archive-search__result" });
      const heading = el("h2", { class: "archive-search__title" });
      heading.append(el("a", { href: item.url }, item.meta.title || item.url));
      li.append(heading);
      const facts = [];
      if (item.filters && item.filters.type) facts.push(item.filters.type[0]);
      if (item.meta.date) facts.push(longDate(item.meta.date));
      if (facts.length) li.append(el("p", { class: "archive-search__meta" }, facts.join(" · ")));
      if (item.meta.summary) li.append(el("p", { class: "archive-search__summary" }, item.meta.summary));
      if (input.value.trim() && item.excerpt) {
        const excerpt = el("p", { class: "archive-search__excerpt" });
        excerpt.innerHTML = safeExcerpt(item.excerpt);
        li.append(excerpt);
      }
      li.append(renderTags(item.filters));
      resultsEl.append(li);
    }
    shown += slice.length;
    moreEl.hidden = shown >= current.length;
  }

  async function run() {
    updateUrl();
    const mine = ++generation;
    const query = input.value.trim();
    const filters = filterQuery();
    if (!query && !Object.keys(filters).length) {
      resultsEl.replaceChildren();
      moreEl.hidden = true;
      statusEl.textContent = "Type words to search, or pick a filter to browse.";
      return;
    }
    const search = await pagefind.search(query || null, { filters, sort: query ? undefined : { date: "desc" } });
    if (mine !== generation || !search) return;
    current = search.results;
    shown = 0;
    resultsEl.replaceChildren();
    statusEl.textContent = current.length === 1 ? "1 result" : `${current.length} results`;
    await showMore(mine);
  }

  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  moreEl.addEventListener("click", () => showMore(generation));

  import(new URL("pagefind.js", bundle).href)
    .then(async (module) => {
      pagefind = module;
      // Ranking (docs/search.md, data-pagefind-options): an entity page's names fields (every
      // name and alias it goes by, build_tools/search_terms.py) outweigh an article's title, so
      // "Bibi Netanyahu" finds his page. Filters and sorting are unchanged.
      await pagefind.options({ ...searchOptions(), baseUrl: siteRoot, excerptLength: 24 });
      await pagefind.init();
      // The filter lists are loaded only when asked for: on a large archive they weigh more
      // than a whole search, and most searches do not use them.
      let filtersLoaded = false;
      const loadFilters = async () => {
        if (filtersLoaded) return;
        filtersLoaded = true;
        buildFilters(await pagefind.filters());
      };
      filterBox.addEventListener("toggle", () => { if (filterBox.open) loadFilters(); });
      if (GROUPS.some(([key]) => selected[key].size)) {
        filterBox.open = true;
        await loadFilters();
      }
      await run();
      input.focus();
    })
    .catch(() => {
      statusEl.textContent = "The search index could not be loaded. Browse by topic, actor, place or year instead.";
    });
})();
