// The sandbox proxy of MCP Apps (2026-01-26): served from an origin other than the host's,
// under the view's Content-Security-Policy (an HTTP header, which the view's document inherits),
// it loads the view's HTML into an inner iframe once the host sends it, and relays every other
// message between the host and the view.
"use strict";

const HOST_ORIGIN = new URL(document.referrer).origin;
const OWN_ORIGIN = location.origin;
const inner = document.createElement("iframe");
inner.title = "view";
inner.setAttribute("sandbox", "allow-scripts allow-same-origin");
document.body.appendChild(inner);

window.addEventListener("message", (event) => {
  const message = event.data;
  if (event.source === window.parent) {
    if (event.origin !== HOST_ORIGIN) return;
    if (message && message.method === "ui/notifications/sandbox-resource-ready") {
      const params = message.params || {};
      if (typeof params.sandbox === "string") inner.setAttribute("sandbox", params.sandbox);
      inner.srcdoc = params.html;
    } else if (inner.contentWindow) {
      inner.contentWindow.postMessage(message, "*");
    }
  } else if (event.source === inner.contentWindow) {
    if (event.origin !== OWN_ORIGIN && event.origin !== "null") return;
    if (message && typeof message.method === "string" && message.method.startsWith("ui/notifications/sandbox-")) return;
    window.parent.postMessage(message, HOST_ORIGIN);
  }
});

window.parent.postMessage({ jsonrpc: "2.0", method: "ui/notifications/sandbox-proxy-ready", params: {} }, HOST_ORIGIN);
