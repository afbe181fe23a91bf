// The extension's background: the toolbar button and the context menu start an analysis of the
// tab; the page's script sends the text here, and only this script talks to the network, and
// only to the server set in the options.
"use strict";
const api = globalThis.browser || globalThis.chrome;
const DEFAULTS = { server: "http://127.0.0.1:8000", token: "" };
const CONTENT_SCRIPTS = ["content/textmap.js", "content/article.js", "content/highlight.js",
  "content/panel.js", "content/main.js"];
const MENU = { "propwatch-page": "page", "propwatch-selection": "selection" };

async function settings() {
  const stored = await api.storage.local.get(DEFAULTS);
  return { server: stored.server.replace(/\/+$/, ""), token: stored.token.trim() };
}

// Draw the panel and the highlights in tab `tabId`; resolves to what the page reports.
async function analyseTab(tabId, scope) {
  const target = { tabId };
  const [loaded] = await api.scripting.executeScript({
    target, func: () => typeof globalThis.propwatchExt?.run === "function" });
  if (!loaded.result) {  // once per page: the scripts keep the page's highlights between runs
    await api.scripting.insertCSS({ target, files: ["content/highlight.css"] });
    await api.scripting.executeScript({ target, files: CONTENT_SCRIPTS });
  }
  const [injection] = await api.scripting.executeScript({
    target,
    func: (how) => globalThis.propwatchExt.run(how),
    args: [scope],
  });
  return injection.result;
}

function failure(message) { return { ok: false, message }; }

async function fetchJson(url, init, server) {
  let response;
  try {
    response = await fetch(url, { ...init, credentials: "omit", cache: "no-store",
      referrerPolicy: "no-referrer" });
  } catch {
    throw failure(`Cannot reach the propwatch server at ${server}: start it with ` +
      "“propwatch serve”, or correct the server address in the extension's options.");
  }
  const body = await response.json().catch(() => null);
  return { response, body };
}

function refusal(response, body, server, token) {
  if (response.status === 401) {
    return failure(token
      ? `The propwatch server at ${server} refused the access token: set the right one in ` +
        "the extension's options."
      : `The propwatch server at ${server} needs an access token: set it in the extension's ` +
        "options.");
  }
  if (body && typeof body.message === "string") return failure(body.message);
  return failure(`The server at ${server} answered ${response.status}, not as propwatch ` +
    "does: check the server address in the extension's options.");
}

const techniqueCache = new Map();  // server -> its techniques, asked once per server

async function techniques(server, headers) {
  if (!techniqueCache.has(server)) {
    const { response, body } = await fetchJson(`${server}/v1/techniques`, { headers }, server);
    if (!response.ok || !Array.isArray(body)) throw refusal(response, body, server, "");
    techniqueCache.set(server, body);
  }
  return techniqueCache.get(server);
}

function reportUrl(response, server) {
  const link = /<(\/[ar]\/[A-Za-z0-9_-]+)>/.exec(response.headers.get("Link") || "");
  return link ? server + link[1] : null;
}

async function analyse(text) {
  const { server, token } = await settings();
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    const { response, body } = await fetchJson(`${server}/v1/analyze`,
      { method: "POST", headers, body: JSON.stringify({ text }) }, server);
    if (!response.ok || !body || !Array.isArray(body.spans)) {
      return refusal(response, body, server, token);
    }
    return { ok: true, analysis: body, techniques: await techniques(server, headers),
      report: reportUrl(response, server), server };
  } catch (error) {
    if (error && error.ok === false) return error;  // a failure thrown by fetchJson
    throw error;
  }
}

api.runtime.onMessage.addListener((message, sender, reply) => {
  if (!sender.tab || sender.id !== api.runtime.id) return false;
  if (message.type === "propwatch/analyse") {
    analyse(String(message.text)).then(reply, (error) => reply(failure(String(error))));
    return true;  // the reply comes later
  }
  if (message.type === "propwatch/options") api.runtime.openOptionsPage();
  return false;
});

api.runtime.onInstalled.addListener(() => {
  api.contextMenus.create({ id: "propwatch-page", title: "Analyse this page",
    contexts: ["page"] });
  api.contextMenus.create({ id: "propwatch-selection", title: "Analyse the selection",
    contexts: ["selection"] });
});

api.contextMenus.onClicked.addListener((info, tab) => {
  if (tab && MENU[info.menuItemId]) analyseTab(tab.id, MENU[info.menuItemId]);
});

api.action.onClicked.addListener((tab) => analyseTab(tab.id, "page"));
