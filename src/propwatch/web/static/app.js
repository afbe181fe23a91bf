// The start page: pick how to give the article, send it to the API, show progress, open the
// report. Everything the server says is shown with textContent, never parsed as HTML.
(function () {
  "use strict";
  var form = document.getElementById("analyze");
  var button = document.getElementById("go");
  var text = document.getElementById("text");
  var url = document.getElementById("url");
  var file = document.getElementById("file");
  var threshold = document.getElementById("min-confidence");
  var keep = document.getElementById("keep");
  var tokenPane = document.getElementById("token-pane");
  var token = document.getElementById("token");
  var count = document.getElementById("count");
  var progress = document.getElementById("progress");
  var stage = document.getElementById("stage");
  var elapsed = document.getElementById("elapsed");
  var error = document.getElementById("error");
  var maxChars = Number(form.getAttribute("data-max-chars"));
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var timer = 0;
  var MAX_TRIES = 3;

  function mode() { return form.querySelector("input[name=mode]:checked").value; }

  function showPane() {
    Array.prototype.forEach.call(form.querySelectorAll(".pane"), function (pane) {
      pane.hidden = pane.getAttribute("data-mode") !== mode();
    });
    error.hidden = true;
  }

  function countChars() {
    var n = text.value.length;
    count.textContent = n ? n.toLocaleString("en") + " characters" : "";
  }

  function fail(message) {
    busy(false);
    error.textContent = message;
    error.hidden = false;
  }

  function busy(on, label) {
    clearInterval(timer);
    form.setAttribute("aria-busy", on ? "true" : "false");
    button.disabled = on;
    progress.hidden = !on;
    if (!on) return;
    error.hidden = true;
    stage.textContent = label;
    var started = Date.now();
    elapsed.textContent = "";
    timer = setInterval(function () {
      elapsed.textContent = ((Date.now() - started) / 1000).toFixed(1) + " s";
    }, 100);
  }

  // The chosen display threshold, when not the model's own; kept only when asked.
  function withThreshold(body) {
    if (threshold.value !== "") body.min_confidence = Number(threshold.value);
    body.save = keep.checked;
    return body;
  }

  // The request for the chosen mode, or a message saying what is missing.
  function request() {
    var kind = mode();
    if (kind === "text") {
      if (!text.value.trim()) return "Paste the article text first.";
      if (text.value.length > maxChars) {
        return "The text is longer than one article (" + maxChars.toLocaleString("en") +
          " characters); paste one article at a time.";
      }
      return { path: "/v1/analyze",
        body: JSON.stringify(withThreshold({ text: text.value, clean: true })),
        json: true,
        label: "Finding techniques…" };
    }
    if (kind === "url") {
      var address = url.value.trim();
      if (!/^https?:\/\/\S+$/i.test(address)) {
        return "Give the page's full address, starting with https://";
      }
      return { path: "/v1/analyze", body: JSON.stringify(withThreshold({ url: address })),
        json: true,
        label: "Fetching the page and finding techniques…" };
    }
    if (!file.files.length) return "Choose a .txt or .html file first.";
    if (file.files[0].size > maxBytes) return "The file is larger than the limit for one article.";
    var data = new FormData();
    data.append("file", file.files[0]);
    if (threshold.value !== "") data.append("min_confidence", threshold.value);
    data.append("save", keep.checked ? "true" : "false");
    return { path: "/v1/analyze/file", body: data, json: false,
      label: "Reading the file and finding techniques…" };
  }

  // --- the access token: asked for once, traded for a session cookie -------------------------

  function askToken(message) {
    tokenPane.hidden = false;
    token.focus();
    if (message) fail(message);
  }

  // Resolves true when the browser may go on: no token asked for, or the server took it.
  function signIn() {
    if (tokenPane.hidden) return Promise.resolve(true);
    if (!token.value.trim()) {
      askToken("Enter the access token of this server first.");
      return Promise.resolve(false);
    }
    return fetch("/v1/session", { method: "POST",
      headers: { "Authorization": "Bearer " + token.value.trim() } })
      .then(function (response) {
        if (response.ok) {
          token.value = "";
          tokenPane.hidden = true;
          return true;
        }
        askToken(response.status === 429 ?
          "Too many wrong tokens; wait a minute and try again." :
          "That access token is not right; ask whoever runs this server.");
        return false;
      }, function () {
        fail("Could not reach the propwatch server. Is it still running?");
        return false;
      });
  }

  function send(job, tries) {
    var headers = { "Accept": "application/json" };
    if (job.json) headers["Content-Type"] = "application/json";
    return fetch(job.path, { method: "POST", headers: headers, body: job.body })
      .then(function (response) {
        if (response.ok) return opened(response);
        if (response.status === 401) return askToken("Enter the access token of this server.");
        var wait = Number(response.headers.get("Retry-After") || 0);
        if (response.status === 503 && wait && tries < MAX_TRIES) {
          stage.textContent = "The server is busy; trying again in " + wait + " s…";
          return new Promise(function (resolve) { setTimeout(resolve, wait * 1000); })
            .then(function () {
              stage.textContent = job.label;
              return send(job, tries + 1);
            });
        }
        return response.json().then(function (body) {
          fail(body && body.message ? capitalise(body.message) : "The server answered " +
            response.status + ".");
        }, function () { fail("The server answered " + response.status + "."); });
      }, function () {
        fail("Could not reach the propwatch server. Is it still running?");
      });
  }

  // The report's page: the permalink of a kept analysis, else the one-time page of Link.
  function opened(response) {
    var id = response.headers.get("Analysis-Id");
    var held = /<(\/r\/[A-Za-z0-9_-]+)>/.exec(response.headers.get("Link") || "");
    if (!id && !held) return fail("The analysis worked but the server gave it no page.");
    stage.textContent = "Done: opening the report…";
    window.location.assign(id ? "/a/" + encodeURIComponent(id) : held[1]);
  }

  function capitalise(message) { return message.charAt(0).toUpperCase() + message.slice(1); }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (button.disabled) return;
    var job = request();
    if (typeof job === "string") return fail(job);
    busy(true, job.label);
    signIn().then(function (go) { if (go) send(job, 1); });
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  Array.prototype.forEach.call(form.querySelectorAll("input[name=mode]"), function (radio) {
    radio.addEventListener("change", showPane);
  });
  text.addEventListener("input", countChars);
  document.getElementById("sample").addEventListener("click", function () {
    text.value = document.getElementById("sample-text").content.textContent.trim();
    countChars();
    text.focus();
  });
  // Back from a report: the page may come from the back-forward cache with the progress showing.
  window.addEventListener("pageshow", function () { busy(false); showPane(); countChars(); });
  showPane();
  countChars();
  if (form.getAttribute("data-ask-token") === "true") tokenPane.hidden = false;
})();
