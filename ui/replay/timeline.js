// The time axis (pages/screens as bands, moments as markers in one lane per group),
// the list of moments that follows it, the filters and the details of the chosen moment.
// Every string from the data is written with textContent / createTextNode only.
const Timeline = (() => {
  const GROUPS = ["navigation", "clicks", "inputs", "console", "network", "frustration",
    "errors", "performance", "device", "other"];
  const KIND_GROUP = {
    page: "navigation", screen: "navigation", click: "clicks", multi_click: "clicks", tap: "clicks",
    swipe: "clicks", input: "inputs", key: "inputs", request: "network", request_failed: "network",
    request_slow: "network", console_error: "console", console_warning: "console",
    error_event: "errors", dead_click: "frustration", rage_click: "frustration",
    slow_click: "frustration", web_vital: "performance", memory_pressure: "performance",
    hydration_error: "errors", mutation_burst: "performance", recording_stopped: "other",
    feedback: "other", device: "device", app_state: "device",
  };
  const PROBLEMS = new Set(["request_failed", "console_error", "error_event", "dead_click",
    "rage_click", "hydration_error", "recording_stopped"]);

  let data = null;
  let chosen = -1;
  let onChoose = () => {};
  const hiddenGroups = new Set();
  const $ = (id) => document.getElementById(id);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Text with `code spans` marked by backticks: odd parts become <code>.
  function inlineText(parent, text) {
    String(text || "").split("`").forEach((part, i) => {
      if (!part) return;
      if (i % 2 === 1) parent.appendChild(el("code", null, part));
      else parent.appendChild(document.createTextNode(part));
    });
    return parent;
  }

  function clock(ms) {
    const total = Math.max(0, Math.floor((ms || 0) / 1000));
    const minutes = Math.floor(total / 60);
    const seconds = String(total % 60).padStart(2, "0");
    return minutes + ":" + seconds;
  }

  function kindLabel(kind) {
    return String(kind || "moment").replace(/_/g, " ");
  }

  function number(value) {
    return typeof value === "number" && isFinite(value) ? value : null;
  }

  // A moment as the contract gives it, with safe defaults for anything missing.
  function moment(raw, index) {
    const kind = typeof raw.kind === "string" ? raw.kind : "other";
    const atMs = number(raw.at_ms) !== null ? raw.at_ms : (number(raw.offset_ms) || 0);
    return {
      index: number(raw.index) !== null ? raw.index : index,
      at_ms: atMs,
      until_ms: number(raw.until_ms),
      kind,
      label: typeof raw.label === "string" ? raw.label : kindLabel(kind),
      group: GROUPS.includes(raw.group) ? raw.group : (KIND_GROUP[kind] || "other"),
      text: typeof raw.text === "string" ? raw.text : "",
      count: number(raw.count),
      status: raw.status === undefined ? null : raw.status,
      problem: typeof raw.problem === "boolean" ? raw.problem : PROBLEMS.has(kind),
      offset: typeof raw.offset === "string" ? raw.offset : clock(atMs),
    };
  }

  // Pages or screens as bands, when the data has none: each lasts until the next.
  function bandsFrom(moments, end) {
    const starts = moments.filter((m) => m.kind === "page" || m.kind === "screen");
    return starts.map((m, i) => ({
      name: m.text.replace(/`/g, ""),
      kind: m.kind,
      start_ms: m.at_ms,
      end_ms: i + 1 < starts.length ? starts[i + 1].at_ms : end,
    }));
  }

  function normalise(source) {
    const moments = (Array.isArray(source.moments) ? source.moments : []).map(moment);
    let end = number(source.replay && source.replay.duration_ms);
    if (end === null) {
      end = moments.reduce((most, m) => Math.max(most, m.at_ms, m.until_ms || 0), 0);
    }
    const bands = Array.isArray(source.bands) && source.bands.length ? source.bands : bandsFrom(moments, end);
    return {
      replay: source.replay || {},
      moments,
      bands,
      windows: Array.isArray(source.windows) ? source.windows : [],
      end: Math.max(end, 1),
      more: number(source.moments_more) || 0,
      offsetNote: typeof source.offset_note === "string" ? source.offset_note : "",
    };
  }

  function percent(ms) {
    return Math.min(100, Math.max(0, (ms / data.end) * 100)) + "%";
  }

  function renderBands() {
    const box = $("bands");
    box.replaceChildren();
    data.bands.forEach((band) => {
      const start = number(band.start_ms) || 0;
      const end = number(band.end_ms) !== null ? band.end_ms : data.end;
      const node = el("div", "band " + (band.kind === "screen" ? "band-screen" : "band-page"));
      node.style.left = percent(start);
      node.style.width = "calc(" + percent(Math.max(0, end - start)) + " - 1px)";
      node.appendChild(el("span", "band-name", band.name));
      node.title = String(band.name || "");
      box.appendChild(node);
    });
  }

  function renderTicks() {
    const box = $("ticks");
    box.replaceChildren();
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];
    const step = (steps.find((s) => data.end / (s * 1000) <= 8) || 14400) * 1000;
    for (let at = 0; at <= data.end; at += step) {
      const tick = el("span", "tick", clock(at));
      tick.style.left = percent(at);
      box.appendChild(tick);
    }
  }

  function markerLabel(m) {
    return m.offset + " " + m.label + (m.problem ? " (problem)" : "") + ": " + m.text.replace(/`/g, "");
  }

  function tag(node, m) {
    node.dataset.kind = m.kind;
    node.dataset.index = String(m.index);
    node.dataset.group = m.group;
    node.setAttribute("role", "option");
    node.setAttribute("aria-selected", "false");
    node.tabIndex = -1;
    if (m.problem) node.classList.add("problem");
  }

  function renderMarkers(lanes) {
    const box = $("markers");
    box.replaceChildren();
    box.style.setProperty("--lanes", String(Math.max(1, lanes.length)));
    data.moments.forEach((m) => {
      const node = el("button", "marker g-" + m.group);
      node.type = "button";
      tag(node, m);
      node.id = "marker-" + m.index;
      node.style.left = percent(m.at_ms);
      node.style.setProperty("--lane", String(Math.max(0, lanes.indexOf(m.group))));
      node.setAttribute("aria-label", markerLabel(m));
      node.title = markerLabel(m);
      box.appendChild(node);
    });
  }

  function renderRows() {
    const list = $("moments");
    list.replaceChildren();
    data.moments.forEach((m) => {
      const row = el("li", "row g-" + m.group);
      tag(row, m);
      row.id = "row-" + m.index;
      row.appendChild(el("span", "row-at", m.offset));
      row.appendChild(el("span", "row-kind", m.label));
      const text = inlineText(el("span", "row-text"), m.text);
      if (m.count && m.count > 1) text.appendChild(el("span", "row-count", " ×" + m.count));
      row.appendChild(text);
      list.appendChild(row);
    });
  }

  function renderFilters(lanes) {
    const box = $("filters");
    box.querySelectorAll("label").forEach((node) => node.remove());
    lanes.forEach((group) => {
      const label = el("label", "filter g-" + group);
      const box2 = el("input");
      box2.type = "checkbox";
      box2.value = group;
      box2.checked = !hiddenGroups.has(group);
      box2.dataset.group = group;
      box2.addEventListener("change", () => {
        if (box2.checked) hiddenGroups.delete(group);
        else hiddenGroups.add(group);
        applyFilters();
      });
      const count = data.moments.filter((m) => m.group === group).length;
      label.appendChild(box2);
      label.appendChild(el("span", "swatch", ""));
      label.appendChild(document.createTextNode(group + " (" + count + ")"));
      box.appendChild(label);
    });
    box.hidden = lanes.length === 0;
  }

  function applyFilters() {
    document.querySelectorAll(".marker, .row").forEach((node) => {
      node.hidden = hiddenGroups.has(node.dataset.group);
    });
  }

  function byIndex(index) {
    return data.moments.find((m) => m.index === index) || null;
  }

  function field(list, name, value) {
    if (value === null || value === undefined || value === "") return;
    list.appendChild(el("dt", null, name));
    list.appendChild(el("dd", null, value));
  }

  function renderWindow(box, m) {
    const win = data.windows.find((w) => w && w.moment === m.index);
    if (!win || !Array.isArray(win.moments)) return;
    box.appendChild(el("h3", null, "Evidence window " + clock(win.start_ms) + "–" + clock(win.end_ms)));
    const list = el("ol", "evidence");
    win.moments.forEach((i) => {
      const other = byIndex(i);
      if (!other) return;
      const item = el("li", other.problem ? "problem" : "");
      const link = el("button", "evidence-link");
      link.type = "button";
      link.dataset.kind = other.kind;
      link.dataset.index = String(other.index);
      link.appendChild(el("span", "row-at", other.offset));
      link.appendChild(el("span", "row-kind", other.label));
      inlineText(link, other.text);
      link.addEventListener("click", () => choose(other.index));
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  function renderDetails(m) {
    const box = $("details");
    box.replaceChildren();
    box.dataset.kind = m.kind;
    box.dataset.index = String(m.index);
    box.appendChild(el("h2", m.problem ? "problem" : "", m.label));
    const list = el("dl");
    field(list, "Offset", m.offset + (m.until_ms !== null ? " – " + clock(m.until_ms) : ""));
    field(list, "Kind", m.kind);
    field(list, "Group", m.group);
    if (m.count !== null) field(list, "Count", String(m.count));
    if (m.status !== null) field(list, "Status", String(m.status));
    field(list, "Problem", m.problem ? "yes" : "no");
    box.appendChild(list);
    box.appendChild(inlineText(el("p", "full-text"), m.text));
    renderWindow(box, m);
  }

  function mark(index) {
    document.querySelectorAll('[aria-selected="true"]').forEach((node) => {
      node.setAttribute("aria-selected", "false");
    });
    ["marker-", "row-"].forEach((prefix) => {
      const node = $(prefix + index);
      if (node) node.setAttribute("aria-selected", "true");
    });
  }

  function setRoving(index) {
    document.querySelectorAll(".marker, .row").forEach((node) => { node.tabIndex = -1; });
    ["marker-", "row-"].forEach((prefix) => {
      const node = $(prefix + index);
      if (node) node.tabIndex = 0;
    });
  }

  // Bring a row into view inside the list only (never scroll the host's page).
  function scrollWithin(list, row) {
    if (!row || row.hidden) return;
    const top = row.offsetTop - list.offsetTop;
    const bottom = top + row.offsetHeight;
    if (top < list.scrollTop) list.scrollTop = top;
    else if (bottom > list.scrollTop + list.clientHeight) list.scrollTop = bottom - list.clientHeight;
  }

  function choose(index) {
    const m = byIndex(index);
    if (!m) return;
    chosen = index;
    mark(index);
    setRoving(index);
    renderDetails(m);
    scrollWithin($("moments"), $("row-" + index));
    onChoose(m);
  }

  function visible(container) {
    return Array.from(container.querySelectorAll(".marker, .row")).filter((n) => !n.hidden);
  }

  function onKey(event) {
    const target = event.target.closest(".marker, .row");
    if (!target) return;
    const container = event.currentTarget;
    const items = visible(container);
    const at = items.indexOf(target);
    let next = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") next = items[at + 1];
    else if (event.key === "ArrowLeft" || event.key === "ArrowUp") next = items[at - 1];
    else if (event.key === "Home") next = items[0];
    else if (event.key === "End") next = items[items.length - 1];
    else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      choose(Number(target.dataset.index));
      return;
    } else return;
    event.preventDefault();
    if (!next) return;
    items.forEach((n) => { n.tabIndex = -1; });
    next.tabIndex = 0;
    next.focus({ preventScroll: true });
    if (next.classList.contains("row")) scrollWithin($("moments"), next);
  }

  function onClick(event) {
    const target = event.target.closest(".marker, .row");
    if (target) choose(Number(target.dataset.index));
  }

  function wire() {
    ["markers", "moments"].forEach((id) => {
      $(id).addEventListener("keydown", onKey);
      $(id).addEventListener("click", onClick);
    });
  }

  function render(source, handler) {
    data = normalise(source);
    chosen = -1;
    if (handler) onChoose = handler;
    const lanes = GROUPS.filter((g) => data.moments.some((m) => m.group === g));
    renderBands();
    renderTicks();
    renderMarkers(lanes);
    renderRows();
    renderFilters(lanes);
    applyFilters();
    $("offset-note").textContent = data.offsetNote;
    const more = $("more");
    more.hidden = data.more <= 0;
    more.textContent = data.more > 0 ? data.more + " more moments were left out." : "";
    const first = data.moments.find((m) => m.problem) || data.moments[0];
    if (first) setRoving(first.index);
    return data;
  }

  // summarize_replay's own timeline, shaped like replay_timeline's moments.
  function fromSummary(summary) {
    const moments = (Array.isArray(summary.timeline) ? summary.timeline : []).map((row, index) => ({
      index,
      at_ms: number(row.offset_ms) || 0,
      until_ms: number(row.until_ms),
      kind: row.kind,
      text: row.text,
      count: row.count,
      offset: row.offset,
    }));
    const seconds = number(summary.duration_seconds);
    return {
      replay: { duration_ms: seconds !== null ? seconds * 1000 : null },
      moments,
      bands: [],
      windows: [],
      moments_more: 0,
    };
  }

  wire();

  return { render, choose, fromSummary, inlineText, clock, get chosen() { return chosen; } };
})();
