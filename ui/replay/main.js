// The view's flow: handshake with the host, render the tool result at once,
// then ask for the full timeline and (web replays) the recording.
(() => {
  const MOBILE_SENTENCE = "Mobile replays are recorded as video; the video is not fetched. " +
    "The timeline shows what the SDK recorded beside it.";
  const TOOL_TIMEOUT_MS = 90000;
  const $ = (id) => document.getElementById(id);
  let context = {};
  let replayKey = null;
  let toolArguments = {};

  function status(text, isError) {
    const node = $("status");
    node.textContent = String(text || "").split("\n")[0];
    node.classList.toggle("error", Boolean(isError));
  }

  function applyTheme(hostContext) {
    const root = document.documentElement;
    if (hostContext.theme === "light" || hostContext.theme === "dark") {
      root.dataset.theme = hostContext.theme;
    }
    const variables = hostContext.styles && hostContext.styles.variables;
    if (variables && typeof variables === "object") {
      Object.keys(variables).forEach((name) => {
        const value = variables[name];
        if (/^--[a-z0-9-]+$/i.test(name) && typeof value === "string") root.style.setProperty(name, value);
      });
    }
    if (hostContext.displayMode) root.dataset.displayMode = String(hostContext.displayMode);
    const modes = Array.isArray(hostContext.availableDisplayModes) ? hostContext.availableDisplayModes : [];
    const button = $("fullscreen");
    button.hidden = !modes.includes("fullscreen");
    const full = hostContext.displayMode === "fullscreen";
    button.textContent = full ? "Exit full screen" : "Full screen";
    button.setAttribute("aria-pressed", String(full));
    const dims = hostContext.containerDimensions;
    if (dims && typeof dims.height === "number") root.classList.add("fixed-height");
  }

  function text(value) {
    return typeof value === "string" ? value : (typeof value === "number" ? String(value) : "");
  }

  function resultText(result) {
    const parts = (result && Array.isArray(result.content) ? result.content : [])
      .filter((c) => c && c.type === "text" && typeof c.text === "string")
      .map((c) => c.text);
    return parts.join(" ").replace(/\s+/g, " ").trim();
  }

  async function callTool(name, args) {
    let result;
    try {
      result = await Bridge.request("tools/call", { name, arguments: args }, TOOL_TIMEOUT_MS);
    } catch (error) {
      throw new Error("The host could not run " + name + ": " + ((error && error.message) || error));
    }
    if (!result || result.isError) {
      throw new Error(resultText(result) || name + " failed.");
    }
    return result;
  }

  function showFacts(replay) {
    const parts = [];
    if (replay.organization) parts.push(text(replay.organization) + (replay.project ? "/" + text(replay.project) : ""));
    if (replay.platform) parts.push(text(replay.platform));
    if (replay.started_at) parts.push("started " + text(replay.started_at));
    if (typeof replay.duration_ms === "number") parts.push(Timeline.clock(replay.duration_ms) + " long");
    ["browser", "os", "device", "user"].forEach((key) => { if (replay[key]) parts.push(text(replay[key])); });
    $("facts").textContent = parts.join(" · ");
    const id = text(replay.replay_id);
    $("title").textContent = id ? "Replay " + id : "Replay";
  }

  // What the tool result itself says: who the replay is and (summaries) a first timeline.
  function fromResult(result) {
    const sc = (result && result.structuredContent) || {};
    const seconds = typeof sc.duration_seconds === "number" ? sc.duration_seconds : null;
    const replay = {
      replay_id: sc.replay_id || sc.id || toolArguments.replay_id || null,
      organization: sc.organization || toolArguments.organization || null,
      project: sc.project || sc.project_id || toolArguments.project || null,
      platform: sc.platform || null,
      started_at: sc.started_at || null,
      duration_ms: seconds !== null ? seconds * 1000 : null,
    };
    showFacts(replay);
    if (Array.isArray(sc.timeline)) Timeline.render(Timeline.fromSummary(sc), (m) => Player.seek(m.at_ms));
    return replay;
  }

  async function loadPlayer(replay, args) {
    status("Loading the recording…");
    const loaded = await Player.fetchEvents(callTool, args, (page, count) => {
      const total = page.segments_total ? " of " + page.segments_total : "";
      status("Loading the recording: segments " + text(page.segments) + total + ", " + count + " events…");
    });
    Player.mount(loaded.events, replay.started_at);
    const notes = [];
    if (loaded.truncated) notes.push("Only the first part of the recording was loaded.");
    if (loaded.note) notes.push(loaded.note);
    $("player-note").textContent = notes.join(" ");
    status("");
  }

  async function loadTimeline(replay) {
    const args = {
      replay_id: replay.replay_id,
      organization: replay.organization,
      project: replay.project === null || replay.project === undefined ? null : String(replay.project),
    };
    status("Loading the timeline…");
    const result = await callTool("replay_timeline", args);
    const sc = result.structuredContent || {};
    const full = Object.assign({}, replay, sc.replay || {});
    showFacts(full);
    Timeline.render(sc, (m) => Player.seek(m.at_ms));
    status("");
    if (sc.replay && sc.replay.mobile) {
      Player.showNote(MOBILE_SENTENCE);
      return;
    }
    const recording = sc.recording || {};
    if (recording.player !== "rrweb") {
      if (recording.note) Player.showNote(text(recording.note));
      return;
    }
    await loadPlayer(full, Object.assign({}, args, { project: full.project === null || full.project === undefined ? args.project : String(full.project) }));
  }

  // The results of the view's own calls (replay_timeline, replay_events), which some hosts
  // echo as notifications, are not a new replay to show.
  function isOwnCall(result) {
    const sc = result && result.structuredContent;
    return Boolean(sc && (Array.isArray(sc.moments) || Array.isArray(sc.events)));
  }

  async function onResult(result) {
    if (isOwnCall(result)) return;
    $("app").setAttribute("aria-busy", "true");
    try {
      if (result && result.isError) {
        status(resultText(result) || "The tool failed.", true);
        return;
      }
      const replay = fromResult(result);
      const key = [replay.replay_id, replay.organization, replay.project].join("|");
      if (!replay.replay_id || key === replayKey) return;
      replayKey = key;
      await loadTimeline(replay);
    } catch (error) {
      status(String((error && error.message) || error), true);
    } finally {
      $("app").setAttribute("aria-busy", "false");
    }
  }

  async function toggleDisplayMode() {
    const mode = context.displayMode === "fullscreen" ? "inline" : "fullscreen";
    try {
      const result = await Bridge.request("ui/request-display-mode", { mode });
      if (result && typeof result.mode === "string") {
        context = Object.assign({}, context, { displayMode: result.mode });
        applyTheme(context);
        Player.resize();
      }
    } catch (error) {
      status(String((error && error.message) || error), true);
    }
  }

  $("fullscreen").addEventListener("click", toggleDisplayMode);

  Bridge.onNotification("ui/notifications/tool-input", (params) => {
    if (replayKey === null) toolArguments = (params && params.arguments) || {};
  });
  Bridge.onNotification("ui/notifications/tool-result", (params) => { onResult(params); });
  Bridge.onNotification("ui/notifications/tool-cancelled", (params) => {
    const reason = params && typeof params.reason === "string" && params.reason ? ": " + params.reason : ".";
    status("The tool call was cancelled" + reason, true);
  });
  Bridge.onNotification("ui/notifications/host-context-changed", (params) => {
    context = Object.assign({}, context, params || {});
    applyTheme(context);
    Player.resize();
  });
  Bridge.onRequest("ui/resource-teardown", () => {
    Player.destroy();
    return {};
  });

  async function start() {
    Bridge.start();
    Bridge.watchSize(document.documentElement);
    try {
      const result = await Bridge.initialize({ name: "sentry-replays-view", version: "1.0.0" });
      context = result.hostContext || {};
      applyTheme(context);
      status("Waiting for the replay…");
    } catch (error) {
      status(String((error && error.message) || error), true);
    }
  }

  start();
})();
