// The scanner and kiosk without a server: USB-scanner scans go into a queue in IndexedDB (code,
// a fresh idempotency key, the seat, the time it was scanned) and are sent, oldest first, to one
// endpoint when the server answers again; the verdicts are listed as they come back. While the
// connection is down the NiceGUI page cannot draw, so the banner, the queue and the verdict list
// are this script's own elements. Also: the service worker (the page opens without a server)
// and the "Install app" hint.
(() => {
  "use strict";

  const DB_NAME = "stamphub-offline";
  const STORE = "scans";
  const DAY_MS = 24 * 3600 * 1000; // older scans wait for the staff to send or discard them
  const GRACE_MS = 10000; // a page still connecting after this is offline, even without an error
  const TICK_MS = 250;
  const MAX_VERDICTS = 30;
  const VERDICTS = "stamphub-offline-verdicts";

  const config = { surface: "scanner", seat: null, seatName: "", syncUrl: "/scanner/sync" };
  const state = {
    loadedAt: Date.now(),
    everConnected: false,
    connectFailed: false, // the live connection's last attempt failed (no server, no network)
    watched: null,
    offline: false,
    entries: [], // as last read from IndexedDB, oldest first
    verdicts: loadVerdicts(),
    sending: false,
    retryAt: 0,
    notice: "",
    closed: false,
  };
  let memory = null; // the queue, when this browser gives no IndexedDB (private mode)
  let dbPromise = null;
  let installPrompt = null;
  let ui = null;

  function loadVerdicts() {
    try {
      return JSON.parse(sessionStorage.getItem(VERDICTS) || "[]");
    } catch (err) {
      return [];
    }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 14);
  }

  function hhmm(ms) {
    const d = new Date(ms);
    return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
  }

  // ---- the queue, in IndexedDB: shared by the tabs, kept over reloads and browser restarts
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function run(mode, action) {
    if (memory) return action(null);
    let database;
    try {
      database = await db();
    } catch (err) {
      memory = new Map();
      return action(null);
    }
    return new Promise((resolve, reject) => {
      const tx = database.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  const queue = {
    async all() {
      const items = memory ? [...memory.values()] : await run("readonly", (s) => s.getAll());
      return (items || []).sort((a, b) => a.scannedAt - b.scannedAt);
    },
    put(entry) {
      if (memory) return memory.set(entry.key, entry);
      return run("readwrite", (s) => s.put(entry));
    },
    drop(key) {
      if (memory) return memory.delete(key);
      return run("readwrite", (s) => s.delete(key));
    },
  };

  // ---- connection state
  function socketUp() {
    return window.did_handshake === true && !!window.socket && window.socket.connected;
  }

  function watchSocket() {
    const socket = window.socket;
    if (!socket || state.watched === socket || !socket.on) return;
    state.watched = socket;
    socket.on("connect_error", () => (state.connectFailed = true));
    socket.on("connect", () => (state.connectFailed = false));
  }

  function updateOffline() {
    watchSocket();
    const up = socketUp();
    if (up) state.everConnected = true;
    const waited = Date.now() - state.loadedAt > GRACE_MS;
    const was = state.offline;
    state.offline = !up && (state.everConnected || state.connectFailed || waited || navigator.onLine === false);
    if (state.offline && !was) state.closed = false;
  }

  // ---- taking scans
  function isVoucher(code) {
    return /^\s*V\./i.test(code);
  }

  function addVerdict(line, tone) {
    state.verdicts.unshift({ line, tone });
    state.verdicts.length = Math.min(state.verdicts.length, MAX_VERDICTS);
    try {
      sessionStorage.setItem(VERDICTS, JSON.stringify(state.verdicts));
    } catch (err) {
      /* kept in memory */
    }
    state.closed = false;
  }

  async function enqueue(code, scannedAt) {
    if (isVoucher(code)) {
      // Whether a voucher may still be redeemed is decided by the server as it is shown.
      addVerdict(`${hhmm(scannedAt)} Redeeming needs the connection`, "rejected");
      signal("error");
      render();
      return;
    }
    const entry = {
      key: newKey(),
      code,
      seat: config.seat,
      seatName: config.seatName,
      surface: config.surface,
      scannedAt,
      held: "",
    };
    try {
      await queue.put(entry);
    } catch (err) {
      memory = memory || new Map();
      memory.set(entry.key, entry);
    }
    signal("ok");
    await refresh();
  }

  function signal(kind) {
    try {
      if (window.StamphubFeedback) StamphubFeedback.signal(kind);
    } catch (err) {
      /* no sound */
    }
  }

  // ---- sending
  // Sent on its own: a scan of the last day not held back. Older ones (and those the server
  // would not take) wait for the staff's "Send anyway" or "Discard".
  function due(entry) {
    return !entry.held && (entry.forced || Date.now() - entry.scannedAt <= DAY_MS);
  }

  async function refresh() {
    try {
      state.entries = await queue.all();
    } catch (err) {
      /* keep the last reading */
    }
    render();
  }

  async function hold(key, why) {
    const entry = state.entries.find((e) => e.key === key);
    if (!entry) return;
    entry.held = why;
    await queue.put(entry);
  }

  async function sendNext() {
    const entry = state.entries.find(due);
    if (!entry || state.sending || Date.now() < state.retryAt) return;
    state.sending = true;
    try {
      const response = await fetch(config.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          sent_at: Date.now(),
          scans: [{ key: entry.key, code: entry.code, seat: entry.seat, scanned_at: entry.scannedAt }],
        }),
      });
      const body = await response.json().catch(() => ({}));
      if (response.ok && Array.isArray(body.verdicts)) {
        state.notice = "";
        for (const verdict of body.verdicts) {
          addVerdict(verdict.line, verdict.tone);
          if (!verdict.keep) await queue.drop(verdict.key);
          else if (verdict.reason === "error") state.retryAt = Date.now() + 3000;
          else await hold(verdict.key, verdict.detail);
        }
      } else if (body.error === "seat_revoked") {
        // Not applied, and not dropped either: the staff sees them and discards them.
        state.notice = body.message;
        for (const e of state.entries) if (e.seat === entry.seat) await hold(e.key, body.message);
      } else if (response.status === 401) {
        state.notice = body.message || "Signed out: sign in again to send the waiting scans.";
        state.retryAt = Date.now() + 10000;
      } else {
        state.retryAt = Date.now() + 3000;
      }
    } catch (err) {
      state.retryAt = Date.now() + 2000; // no server yet
    } finally {
      state.sending = false;
    }
    await refresh();
  }

  async function sendHeld() {
    for (const e of state.entries.filter((x) => !due(x))) {
      e.held = "";
      e.forced = true; // the server takes a scan this old as read when it arrives
      await queue.put(e);
    }
    state.notice = "";
    state.retryAt = 0;
    await refresh();
  }

  async function discardHeld() {
    for (const e of state.entries.filter((x) => !due(x))) await queue.drop(e.key);
    state.notice = "";
    await refresh();
  }

  // ---- the banner: plain DOM over the page, alive while the page's own UI is not
  function build() {
    const root = document.createElement("div");
    root.id = "stamphub-offline";
    root.setAttribute("role", "status");
    root.innerHTML =
      '<div class="so-head"><strong class="so-title"></strong>' +
      '<button type="button" class="so-close" aria-label="Close">×</button></div>' +
      '<div class="so-sub"></div><div class="so-notice"></div>' +
      '<div class="so-held"><span class="so-held-text"></span>' +
      '<button type="button" class="so-send">Send anyway</button>' +
      '<button type="button" class="so-discard">Discard</button></div>' +
      '<ol class="so-verdicts"></ol>';
    document.body.appendChild(root);
    root.querySelector(".so-close").addEventListener("click", () => {
      state.closed = true;
      state.verdicts = [];
      sessionStorage.removeItem(VERDICTS);
      render();
    });
    root.querySelector(".so-send").addEventListener("click", sendHeld);
    root.querySelector(".so-discard").addEventListener("click", discardHeld);
    const install = document.createElement("button");
    install.id = "stamphub-install";
    install.type = "button";
    install.textContent = "Install app";
    install.hidden = true;
    install.addEventListener("click", async () => {
      if (!installPrompt) return;
      install.hidden = true;
      installPrompt.prompt();
      try {
        await installPrompt.userChoice;
      } catch (err) {
        /* dismissed */
      }
      installPrompt = null;
    });
    document.body.appendChild(install);
    ui = {
      root,
      title: root.querySelector(".so-title"),
      sub: root.querySelector(".so-sub"),
      notice: root.querySelector(".so-notice"),
      held: root.querySelector(".so-held"),
      heldText: root.querySelector(".so-held-text"),
      send: root.querySelector(".so-send"),
      verdicts: root.querySelector(".so-verdicts"),
      close: root.querySelector(".so-close"),
      install,
    };
  }

  function plural(n) {
    return `${n} scan${n === 1 ? "" : "s"}`;
  }

  function render() {
    if (!ui) return;
    const waiting = state.entries.filter(due).length;
    const held = state.entries.filter((e) => !due(e));
    const show = state.offline || state.entries.length > 0 || (state.verdicts.length > 0 && !state.closed);
    ui.root.hidden = !show;
    ui.root.dataset.waiting = String(waiting);
    ui.root.dataset.offline = String(state.offline);
    ui.root.className = state.offline ? "so-offline" : waiting ? "so-sending" : "so-done";
    if (state.offline) ui.title.textContent = `Offline — ${plural(waiting)} waiting`;
    else if (waiting) ui.title.textContent = `Sending — ${plural(waiting)} waiting`;
    else ui.title.textContent = "Back online — 0 scans waiting";
    const camera = config.surface === "kiosk" || !(window.StamphubWedge && StamphubWedge.enabled);
    ui.sub.textContent =
      state.offline && camera ? "Camera scans need the connection; a USB scanner keeps working." : "";
    ui.sub.hidden = !ui.sub.textContent;
    ui.notice.textContent = state.notice;
    ui.notice.hidden = !state.notice;
    ui.held.hidden = !held.length;
    ui.heldText.textContent = "";
    if (held.length) {
      const old = held.filter((e) => !e.held).length;
      const why = held.find((e) => e.held);
      ui.heldText.textContent =
        `${plural(held.length)} kept on this device` +
        (old ? `: ${plural(old)} scanned more than a day ago` : "") +
        (why ? ` — ${why.held}` : "");
    }
    ui.close.hidden = state.offline || waiting > 0;
    const lines = state.verdicts.map((v) => `<li class="so-${v.tone}"></li>`).join("");
    if (ui.verdicts.childElementCount !== state.verdicts.length || ui.verdicts.dataset.top !== (state.verdicts[0] || {}).line) {
      ui.verdicts.innerHTML = lines;
      [...ui.verdicts.children].forEach((li, i) => (li.textContent = state.verdicts[i].line));
      ui.verdicts.dataset.top = (state.verdicts[0] || {}).line || "";
    }
  }

  async function tick() {
    updateOffline();
    if (!state.sending && state.entries.some(due)) await sendNext();
    render();
  }

  // ---- installable: the service worker and the install hint
  function registerWorker() {
    if (!("serviceWorker" in navigator) || !config.worker) return;
    navigator.serviceWorker
      .register(config.worker, { scope: config.scope })
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => {
        const keep = () => {
          const urls = [location.pathname, ...performance.getEntriesByType("resource").map((e) => e.name)];
          if (registration.active) registration.active.postMessage({ type: "keep", urls });
        };
        keep();
        setTimeout(keep, 5000); // components the page loads once it is connected
      })
      .catch(() => {
        /* no worker: the page still queues scans while it stays open */
      });
  }

  window.addEventListener("beforeinstallprompt", (event) => {
    event.preventDefault();
    installPrompt = event;
    if (ui) ui.install.hidden = false;
  });
  window.addEventListener("appinstalled", () => {
    installPrompt = null;
    if (ui) ui.install.hidden = true;
  });
  window.addEventListener("online", () => (state.retryAt = 0));

  window.StamphubOffline = {
    configure(options) {
      Object.assign(config, options || {});
    },
    // The wedge hands a finished scan here first; true when it was taken offline.
    take(code, scannedAt) {
      updateOffline();
      if (!state.offline || !config.seat) return false;
      enqueue(code, scannedAt || Date.now());
      return true;
    },
    // Offline, a USB scanner is the only way to scan, whatever mode the page was in.
    capturing() {
      return state.offline && !!config.seat;
    },
    get offline() {
      return state.offline;
    },
    refresh,
  };

  function start() {
    build();
    registerWorker();
    refresh();
    setInterval(tick, TICK_MS);
    // Another tab may have sent (or queued) scans: read the shared queue now and then.
    setInterval(refresh, 1000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
