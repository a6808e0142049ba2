// The phone's outbox: an entry logged while the journal cannot be reached is kept in
// this browser's IndexedDB and sent when it can be reached again (on load, when the
// device comes online, or with "Retry now"), in the order it was logged. Each entry
// carries an id drawn here; the journal takes it as the entry's idempotency key, so an
// entry sent twice (its answer lost on the way) is written once. An entry the journal
// refuses stays here with the journal's message until the person fixes or discards it.
// It also registers the service worker that keeps the pages for offline use.
(function () {
  "use strict";
  var DB_NAME = "kj-outbox";
  var STORE = "entries";
  var FORM_PATH = /^\/log\/(dose|substance|sleep|mood|side-effect)$/;
  var syncing = null;

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, {keyPath: "seq", autoIncrement: true});
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function withStore(mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var result = work(tx.objectStore(STORE));
        tx.oncomplete = function () { db.close(); resolve(result && result.result); };
        tx.onerror = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function allEntries() { return withStore("readonly", function (s) { return s.getAll(); }); }
  function putEntry(entry) { return withStore("readwrite", function (s) { return s.put(entry); }); }
  function dropEntry(seq) { return withStore("readwrite", function (s) { return s.delete(seq); }); }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function formValues(form) {
    // The time of logging is kept: an entry sent tomorrow still says when it was made.
    var values = {};
    var data = new FormData(form);
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrf_token") { values[name] = value; }
    });
    var now = new Date();
    var dateField = form.querySelector("input[name='date']");
    if ("at" in values && !values.at.trim()) {
      values.at = pad(now.getHours()) + ":" + pad(now.getMinutes());
      if (dateField && dateField.value === dateField.defaultValue) {
        values.date = now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
      }
    }
    return values;
  }

  function keep(form, formName) {
    var entry = {id: newId(), form: formName, values: formValues(form),
                 logged: new Date().toISOString(), error: null};
    return putEntry(entry).then(function () {
      form.reset();
      say("Saved on this phone; it will be sent to your journal when it can be reached.");
      return show();
    });
  }

  function send(entry) {
    return fetch("/api/v1/forms/" + entry.form, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Idempotency-Key": entry.id},
      body: JSON.stringify({values: entry.values})
    });
  }

  function refusal(response) {
    return response.json().then(function (body) {
      var first = Array.isArray(body.detail) ? body.detail[0] : {msg: String(body.detail)};
      var loc = first.loc || [];
      var field = loc.length ? loc[loc.length - 1] : "";
      return (field && field !== "values" ? field + ": " : "") + first.msg;
    }, function () { return "refused by the journal (" + response.status + ")"; });
  }

  function syncOnce() {
    return allEntries().then(function (entries) {
      var chain = Promise.resolve(false);
      entries.forEach(function (entry) {
        chain = chain.then(function (stopped) {
          if (stopped || entry.error) { return stopped; }
          return send(entry).then(function (response) {
            if (response.ok) { return dropEntry(entry.seq).then(function () { return false; }); }
            if (response.status >= 400 && response.status < 500) {
              return refusal(response).then(function (message) {
                entry.error = message;
                return putEntry(entry).then(function () { return false; });
              });
            }
            return true; // the journal is failing: try again later, in the same order
          }, function () { return true; });
        });
      });
      return chain;
    });
  }

  function sync() {
    if (!syncing) {
      syncing = syncOnce().catch(function () { /* kept for the next try */ })
        .then(function () { syncing = null; return show(); });
    }
    return syncing;
  }

  function retryAll() {
    // "Retry now" also sends refused entries again (after a fix on the journal's side).
    return allEntries().then(function (entries) {
      return Promise.all(entries.filter(function (e) { return e.error; }).map(function (e) {
        e.error = null;
        return putEntry(e);
      }));
    }).then(sync);
  }

  var message = "";
  function say(text) { message = text; }

  function problemItem(entry) {
    var item = document.createElement("li");
    var text = document.createElement("p");
    text.className = "error";
    text.textContent = "Not saved (" + entry.form.replace("-", " ") + "): " + entry.error;
    var fix = document.createElement("button");
    fix.type = "button";
    fix.className = "secondary";
    fix.textContent = "Put it back in the form";
    fix.addEventListener("click", function () { refill(entry); });
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "secondary danger";
    discard.textContent = "Discard it";
    discard.addEventListener("click", function () { dropEntry(entry.seq).then(show); });
    item.appendChild(text);
    item.appendChild(fix);
    item.appendChild(discard);
    return item;
  }

  function refill(entry) {
    var form = document.querySelector("form[action='/log/" + entry.form + "']:not(.quick)");
    if (!form) { window.location.assign("/#" + entry.form + "-title"); return; }
    Object.keys(entry.values).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name + "']");
      Array.prototype.forEach.call(fields, function (field) {
        if (field.type === "radio" || field.type === "checkbox") {
          field.checked = field.value === entry.values[name];
        } else if (field.type !== "hidden") {
          field.value = entry.values[name];
        }
      });
    });
    var details = form.closest("details");
    if (details) { details.open = true; }
    dropEntry(entry.seq).then(show).then(function () {
      var first = form.querySelector("input:not([type='hidden']), select, textarea");
      if (first) { first.focus(); }
    });
  }

  function show() {
    var box = document.getElementById("outbox");
    if (!box) { return Promise.resolve(); }
    return allEntries().then(function (entries) {
      var waiting = entries.length;
      var status = document.getElementById("outbox-status");
      var list = document.getElementById("outbox-problems");
      var words = waiting === 1 ? "1 entry waiting to sync" : waiting + " entries waiting to sync";
      status.textContent = waiting ? words + (message ? ". " + message : "") : message;
      list.textContent = "";
      entries.filter(function (e) { return e.error; }).forEach(function (e) {
        list.appendChild(problemItem(e));
      });
      document.getElementById("outbox-retry").hidden = !waiting;
      box.hidden = !waiting && !message;
      box.setAttribute("data-waiting", String(waiting));
      if (!waiting) { message = ""; }
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") { return; }
    var match = FORM_PATH.exec(new URL(form.action, location.href).pathname);
    if (!match || navigator.onLine) { return; }
    event.preventDefault();
    keep(form, match[1]);
  }

  function wire() {
    if (!window.indexedDB) { return; }
    document.addEventListener("submit", onSubmit);
    window.addEventListener("online", sync);
    var retry = document.getElementById("outbox-retry");
    if (retry) { retry.addEventListener("click", retryAll); }
    if (navigator.onLine) { sync(); } else { show(); }
  }

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {
      /* the pages still work online without it */
    });
  }
  window.kjOutbox = {entries: allEntries, sync: sync};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
