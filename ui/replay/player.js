// The rrweb player for web replays: events fetched page by page through the host,
// sorted by timestamp, then replayed as recorded (masked text stays masked).
const Player = (() => {
  const MAX_CALLS = 40;
  let player = null;
  let firstTimestamp = null;
  let startedAt = null;
  const $ = (id) => document.getElementById(id);

  // One page's events: a JSON text (`events_json`) parsed as data, or a list as it came.
  function pageEvents(page) {
    if (typeof page.events_json === "string") {
      let parsed;
      try {
        parsed = JSON.parse(page.events_json);
      } catch (error) {
        throw new Error("The recording's events could not be read: " + error.message);
      }
      return Array.isArray(parsed) ? parsed : [];
    }
    return Array.isArray(page.events) ? page.events : [];
  }

  async function fetchEvents(callTool, args, progress) {
    const events = [];
    let cursor = null;
    let calls = 0;
    let note = null;
    do {
      const result = await callTool("replay_events", Object.assign({}, args, { cursor }));
      calls += 1;
      const page = result.structuredContent || {};
      pageEvents(page).forEach((event) => { if (event && typeof event === "object") events.push(event); });
      if (typeof page.note === "string" && page.note) note = page.note;
      cursor = typeof page.next_cursor === "string" && page.next_cursor ? page.next_cursor : null;
      progress(page, events.length);
    } while (cursor && calls < MAX_CALLS);
    const stable = events.map((event, i) => [event, i]);
    stable.sort((a, b) => (Number(a[0].timestamp) - Number(b[0].timestamp)) || (a[1] - b[1]));
    return { events: stable.map((pair) => pair[0]), truncated: Boolean(cursor), note };
  }

  function size() {
    const box = $("player-box");
    const width = Math.max(240, Math.floor(box.clientWidth || 640));
    const height = Math.max(160, Math.min(480, Math.round(width * 0.56)));
    return { width, height };
  }

  // The replayer writes the recording into an iframe of its own (sandbox="allow-same-origin",
  // no scripts) and needs to reach its document: not possible when the host runs this view
  // with an opaque origin (a sandbox without allow-same-origin).
  function canReachFrames() {
    const probe = document.createElement("iframe");
    probe.setAttribute("sandbox", "allow-same-origin");
    probe.hidden = true;
    document.body.appendChild(probe);
    const reachable = Boolean(probe.contentDocument);
    probe.remove();
    return reachable;
  }

  function mount(events, startedAtIso) {
    $("player-box").hidden = false;
    const target = $("player");
    target.replaceChildren();
    if (!canReachFrames()) {
      throw new Error("This host runs the view without same-origin access, which the replay player needs; the timeline works without it.");
    }
    const factory = window.rrwebPlayer && (window.rrwebPlayer.default || window.rrwebPlayer);
    if (typeof factory !== "function") throw new Error("The replay player is missing from this page.");
    if (events.length < 2) throw new Error("The recording has too few events to replay.");
    firstTimestamp = Number(events[0].timestamp);
    const parsed = Date.parse(startedAtIso || "");
    startedAt = isFinite(parsed) ? parsed : null;
    const { width, height } = size();
    player = new factory({
      target,
      props: { events, width, height, autoPlay: false, showController: true, skipInactive: true },
    });
    return player;
  }

  // A timeline offset (from the replay's start) as an offset into the recording.
  function seek(atMs) {
    if (!player) return;
    let offset = atMs;
    if (startedAt !== null && isFinite(firstTimestamp)) offset = atMs - (firstTimestamp - startedAt);
    player.goto(Math.max(0, offset), false);
  }

  function resize() {
    if (!player) return;
    const { width, height } = size();
    player.$set({ width, height });
    if (player.triggerResize) player.triggerResize();
  }

  // No player: a sentence in its place (mobile replays, or a recording that cannot be played).
  function showNote(sentence) {
    const box = $("player-box");
    box.hidden = false;
    $("player").replaceChildren();
    $("player-note").textContent = sentence;
  }

  function destroy() {
    if (player && player.$destroy) player.$destroy();
    player = null;
  }

  return { fetchEvents, mount, seek, resize, showNote, destroy, get ready() { return player !== null; } };
})();
