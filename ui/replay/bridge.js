// The postMessage JSON-RPC link with the host (MCP Apps, protocol 2026-01-26).
// Only messages from window.parent are read; requests to the host time out.
const Bridge = (() => {
  const PROTOCOL = "2026-01-26";
  const TIMEOUT_MS = 20000;
  const pending = new Map();
  const notificationHandlers = new Map();
  const requestHandlers = new Map();
  let nextId = 1;

  function post(message) {
    window.parent.postMessage(Object.assign({ jsonrpc: "2.0" }, message), "*");
  }

  function request(method, params, timeoutMs) {
    const id = nextId++;
    const bound = timeoutMs || TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(method + " got no answer from the host within " + Math.round(bound / 1000) + " s."));
      }, bound);
      pending.set(id, { resolve, reject, timer });
      post({ id, method, params: params || {} });
    });
  }

  function notify(method, params) {
    post({ method, params: params || {} });
  }

  function onNotification(method, handler) {
    notificationHandlers.set(method, handler);
  }

  function onRequest(method, handler) {
    requestHandlers.set(method, handler);
  }

  function errorText(error) {
    if (error && typeof error.message === "string" && error.message) return error.message;
    return "The host answered with an error.";
  }

  function settle(data) {
    const entry = pending.get(data.id);
    if (!entry) return;
    pending.delete(data.id);
    clearTimeout(entry.timer);
    if ("error" in data && data.error) entry.reject(new Error(errorText(data.error)));
    else entry.resolve(data.result);
  }

  async function answer(data) {
    const handler = requestHandlers.get(data.method);
    if (!handler) {
      post({ id: data.id, error: { code: -32601, message: "Method not found" } });
      return;
    }
    try {
      const result = await handler(data.params || {});
      post({ id: data.id, result: result || {} });
    } catch (error) {
      post({ id: data.id, error: { code: -32000, message: String((error && error.message) || error) } });
    }
  }

  function receive(event) {
    if (event.source !== window.parent) return;
    const data = event.data;
    if (!data || typeof data !== "object" || data.jsonrpc !== "2.0") return;
    const hasId = typeof data.id === "number" || typeof data.id === "string";
    if (typeof data.method === "string") {
      if (hasId) {
        answer(data);
        return;
      }
      const handler = notificationHandlers.get(data.method);
      if (handler) handler(data.params || {});
      return;
    }
    if (hasId) settle(data);
  }

  onRequest("ping", () => ({}));

  function start() {
    window.addEventListener("message", receive);
  }

  async function initialize(appInfo) {
    const result = await request("ui/initialize", {
      protocolVersion: PROTOCOL,
      appInfo,
      appCapabilities: { availableDisplayModes: ["inline", "fullscreen"] },
    });
    notify("ui/notifications/initialized", {});
    return result || {};
  }

  function watchSize(element) {
    let last = "";
    const send = () => {
      const rect = element.getBoundingClientRect();
      const width = Math.ceil(rect.width);
      const height = Math.ceil(rect.height);
      const key = width + "x" + height;
      if (key === last) return;
      last = key;
      notify("ui/notifications/size-changed", { width, height });
    };
    new ResizeObserver(send).observe(element);
    send();
  }

  return { start, initialize, request, notify, onNotification, onRequest, watchSize };
})();
