// The host side of MCP Apps (io.modelcontextprotocol/ui, 2026-01-26) for the browser tests:
// calls the tool named in the page's query through the loopback bridge (a real MCP client
// session on the server), reads the tool's UI resource, renders it in a sandboxed iframe under
// the restrictive default CSP, and speaks JSON-RPC with the view over postMessage.
"use strict";

const PROTOCOL_VERSION = "2026-01-26";
const VIEW_CSP = [
  "default-src 'none'", "script-src 'self' 'unsafe-inline'", "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:", "media-src 'self' data:", "connect-src 'none'", "frame-src 'none'",
  "object-src 'none'", "base-uri 'self'",
].join("; ");
// As the specification's example: light-dark() values, resolved by the view's color-scheme.
const STYLE_VARIABLES = {
  "--color-background-primary": "light-dark(#ffffff, #171717)",
  "--color-background-secondary": "light-dark(#f5f5f4, #262626)",
  "--color-text-primary": "light-dark(#171717, #fafafa)",
  "--color-text-secondary": "light-dark(#57534e, #a8a29e)",
  "--color-border-primary": "light-dark(#d6d3d1, #44403c)",
  "--font-sans": "system-ui, sans-serif",
  "--font-mono": "ui-monospace, monospace",
  "--border-radius-md": "6px",
};

const query = new URLSearchParams(location.search);
const theme = query.get("theme") === "dark" ? "dark" : "light";
const width = Number(query.get("width") || 1200);
const maxHeight = Number(query.get("maxHeight") || 2000);
// "proxy" (the specification's way for web hosts): the view runs inside a sandbox proxy on
// another origin, in an iframe with allow-scripts and allow-same-origin. "direct": the view's
// HTML straight in an iframe with allow-scripts only (an opaque origin).
const sandboxOrigin = query.get("sandbox");
const isolation = sandboxOrigin ? "proxy" : "direct";
const VIEW_SANDBOX = "allow-scripts allow-same-origin";

// What the tests read: the state of the conversation with the view.
const host = window.host = {
  phase: "starting", error: null, initialized: false, initializeParams: null,
  sent: [], received: [], refused: [], sizes: [], tool: null, resource: null,
};

function status(text) {
  host.phase = text;
  document.getElementById("host-status").textContent = text;
}

async function rpc(method, params) {
  const response = await fetch("/rpc", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ method, params }),
  });
  const answer = await response.json();
  if (answer.error) throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
  return answer.result;
}

function visibility(tool) {
  const ui = (tool && tool._meta && tool._meta.ui) || {};
  return Array.isArray(ui.visibility) ? ui.visibility : ["model", "app"];
}

function withCsp(html) {
  const meta = `<meta http-equiv="Content-Security-Policy" content="${VIEW_CSP}">`;
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + meta + html.slice(head.index + head[0].length);
  return meta + html;
}

function resourceText(content) {
  if (typeof content.text === "string") return content.text;
  const bytes = Uint8Array.from(atob(content.blob), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

let frame = null;
let tools = [];

function post(message) {
  host.sent.push(message);
  frame.contentWindow.postMessage(message, isolation === "proxy" ? sandboxOrigin : "*");
}

function answer(id, result) { post({ jsonrpc: "2.0", id, result }); }
function fail(id, code, message) { post({ jsonrpc: "2.0", id, error: { code, message } }); }

function initializeResult() {
  return {
    protocolVersion: PROTOCOL_VERSION,
    hostInfo: { name: "sentry-replays-test-host", version: "1.0.0" },
    hostCapabilities: { serverTools: {}, serverResources: {}, logging: {} },
    hostContext: {
      toolInfo: { tool: host.tool },
      theme,
      styles: { variables: STYLE_VARIABLES },
      displayMode: "inline",
      availableDisplayModes: ["inline"],
      containerDimensions: { width, maxHeight },
      locale: "en-US",
      timeZone: "UTC",
      platform: "web",
    },
  };
}

async function proxyToolCall(id, params) {
  const tool = tools.find((t) => t.name === (params && params.name));
  if (!tool || !visibility(tool).includes("app")) {
    host.refused.push(params && params.name);
    fail(id, -32602, `Tool ${params && params.name} is not available to this app.`);
    return;
  }
  try {
    answer(id, await rpc("tools/call", { name: tool.name, arguments: params.arguments || {} }));
  } catch (error) {
    fail(id, -32603, String(error.message || error));
  }
}

async function proxyResourceRead(id, params) {
  try {
    answer(id, await rpc("resources/read", { uri: params.uri }));
  } catch (error) {
    fail(id, -32603, String(error.message || error));
  }
}

function onRequest(message) {
  const { id, method, params } = message;
  if (method === "ui/initialize") {
    host.initializeParams = params;
    answer(id, initializeResult());
  } else if (method === "ping") {
    answer(id, {});
  } else if (method === "tools/call") {
    proxyToolCall(id, params);
  } else if (method === "resources/read") {
    proxyResourceRead(id, params);
  } else {
    fail(id, -32601, `Method not found: ${method}`);
  }
}

function onNotification(message, toolInput, toolResult) {
  const { method, params } = message;
  if (method === "ui/notifications/initialized" && !host.initialized) {
    host.initialized = true;
    status("initialized");
    post({ jsonrpc: "2.0", method: "ui/notifications/tool-input", params: { arguments: toolInput } });
    post({ jsonrpc: "2.0", method: "ui/notifications/tool-result", params: toolResult });
    status("result sent");
  } else if (method === "ui/notifications/size-changed" && params) {
    host.sizes.push(params);
    if (typeof params.height === "number") frame.style.height = `${Math.min(params.height, maxHeight)}px`;
  }
}

async function main() {
  document.documentElement.dataset.theme = theme;
  const name = query.get("tool");
  const toolInput = JSON.parse(query.get("args") || "{}");
  tools = (await rpc("tools/list", {})).tools;
  host.tool = tools.find((t) => t.name === name) || null;
  const ui = (host.tool && host.tool._meta && host.tool._meta.ui) || {};
  const uri = ui.resourceUri || (host.tool && host.tool._meta && host.tool._meta["ui/resourceUri"]);
  if (!uri) throw new Error(`tool ${name} names no UI resource`);
  status("calling the tool");
  const toolResult = await rpc("tools/call", { name, arguments: toolInput });
  const read = await rpc("resources/read", { uri });
  const content = read.contents.find((c) => c.uri === uri) || read.contents[0];
  host.resource = { uri: content.uri, mimeType: content.mimeType };
  if (content.mimeType !== "text/html;profile=mcp-app") throw new Error(`unexpected mimeType ${content.mimeType}`);

  const html = withCsp(resourceText(content));
  frame = document.createElement("iframe");
  frame.id = "view";
  frame.title = "replay view";
  frame.style.width = `${width}px`;
  host.isolation = isolation;
  window.addEventListener("message", (event) => {
    if (!frame || event.source !== frame.contentWindow) return;
    if (isolation === "proxy" && event.origin !== sandboxOrigin) return;
    const message = event.data;
    if (!message || message.jsonrpc !== "2.0") return;
    host.received.push(message);
    if (message.method === "ui/notifications/sandbox-proxy-ready") {
      post({ jsonrpc: "2.0", method: "ui/notifications/sandbox-resource-ready", params: { html, sandbox: VIEW_SANDBOX } });
    } else if (message.method && message.id !== undefined) onRequest(message);
    else if (message.method) onNotification(message, toolInput, toolResult);
  });
  if (isolation === "proxy") {
    frame.setAttribute("sandbox", VIEW_SANDBOX);
    frame.src = `${sandboxOrigin}/sandbox.html`;
  } else {
    frame.setAttribute("sandbox", "allow-scripts");
    frame.srcdoc = html;
  }
  document.getElementById("stage").appendChild(frame);
  status("view loading");
}

main().catch((error) => { host.error = String(error.message || error); status(`failed: ${host.error}`); });
