// The options page: the server's address and its access token, kept in this browser only
// (storage.local, never synced), and a check that the server answers and takes the token.
"use strict";
const api = globalThis.browser || globalThis.chrome;
const DEFAULTS = { server: "http://127.0.0.1:8000", token: "" };
const form = document.getElementById("form");
const status = document.getElementById("status");

function say(message, kind) {
  status.textContent = message;
  status.className = kind;
}

// The server address as the extension uses it, or null when it is not an http(s) URL.
function serverOf(value) {
  try {
    const url = new URL(value.trim());
    return /^https?:$/.test(url.protocol) ? url.origin + url.pathname.replace(/\/+$/, "") : null;
  } catch {
    return null;
  }
}

async function save(event) {
  event.preventDefault();
  const server = serverOf(form.server.value);
  if (!server) {
    say("The server address must be an http:// or https:// URL, such as http://127.0.0.1:8000.", "bad");
    return;
  }
  form.server.value = server;
  await api.storage.local.set({ server, token: form.token.value.trim() });
  say("Saved.", "good");
}

async function check() {
  const server = serverOf(form.server.value);
  if (!server) { say("Give the server address first.", "bad"); return; }
  const token = form.token.value.trim();
  const headers = token ? { Authorization: `Bearer ${token}` } : {};
  try {
    const response = await fetch(`${server}/v1/techniques`,
      { headers, credentials: "omit", cache: "no-store" });
    if (response.status === 401) {
      say(token ? "The server refused this token." : "The server needs an access token.", "bad");
    } else if (response.ok) {
      say("The server answers and takes the token.", "good");
    } else {
      say(`The server answered ${response.status}: is it a propwatch server?`, "bad");
    }
  } catch {
    say(`Cannot reach ${server}: start it with “propwatch serve”, or correct the address.`, "bad");
  }
}

api.storage.local.get(DEFAULTS).then((stored) => {
  form.server.value = stored.server;
  form.token.value = stored.token;
});
form.addEventListener("submit", save);
document.getElementById("check").addEventListener("click", check);
