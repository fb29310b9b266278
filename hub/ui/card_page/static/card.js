// The live card: joins the card's Socket.IO room and, on every event and every (re)connect or
// wake, redraws from the server's state. The server decides everything shown; this script only
// swaps HTML, rotates the code, plays the lottery reel and shows campaign messages.
(() => {
  const root = document.getElementById("card");
  if (!root || !window.io) return;
  const token = root.dataset.token;
  // "Not you?" is asked once: a reload or a bookmark of this address must not ask again.
  const address = new URL(location.href);
  if (address.searchParams.has("back")) {
    address.searchParams.delete("back");
    history.replaceState(history.state, "", address);
  }
  const base = `/c/${encodeURIComponent(token)}`;
  const lang = root.dataset.lang;
  let shown = Number(root.dataset.stamps);
  let version = root.dataset.v;
  let refreshTimer = null;
  let fetching = false;
  let again = false;
  let retry = 1000;
  // One operation's events leave the server in one batch and arrive within a few milliseconds:
  // waiting this long draws them once, and keeps the new stamp on screen within 0.1 s.
  const COALESCE_MS = 15;

  async function refresh() {
    refreshTimer = null;
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      const response = await fetch(`${base}/state?shown=${shown}&v=${version}&lang=${encodeURIComponent(lang)}`, {cache: "no-store"});
      if (response.status === 404) { version = "gone"; stop(); return; }
      if (!response.ok) throw new Error(`state ${response.status}`);
      const state = await response.json();
      retry = 1000;
      // The same picture twice is not redrawn: a late event must not cut short a stamp's pop.
      if (state.v !== version && state.html !== undefined) {
        // What the customer has open (a message, the history) stays open across a redraw.
        const open = [...root.querySelectorAll("details[open][id]")].map((item) => item.id);
        root.innerHTML = state.html;
        for (const id of open) { const item = document.getElementById(id); if (item) item.open = true; }
        version = state.v;
        shown = state.stamps;
        showNotify();
      }
      if (state.deleted) stop();
      for (const draw of state.draws) enqueueDraw(draw);
    } catch (error) {
      // Offline or a busy server: try again, and at once when the network is back.
      soon(retry);
      retry = Math.min(retry * 2, 30000);
    } finally {
      fetching = false;
      if (again) { again = false; soon(COALESCE_MS); }
    }
  }

  function soon(delay) {
    if (refreshTimer === null) refreshTimer = setTimeout(refresh, delay);
  }

  function refreshNow() {
    if (refreshTimer !== null) { clearTimeout(refreshTimer); refreshTimer = null; }
    refresh();
  }

  // ---- the rotating code: the server says when the next window starts ----
  let codeRotatesIn = 30;
  let rotationTimer = null;
  function scheduleRotation(seconds) {
    if (rotationTimer !== null) clearTimeout(rotationTimer);
    // A little after the window turns, spread over a second: a crowd does not ask at one instant.
    rotationTimer = setTimeout(rotate, (seconds + 0.2 + Math.random()) * 1000);
  }
  async function rotate() {
    rotationTimer = null;
    try {
      const response = await fetch(`${base}/code`, {cache: "no-store"});
      if (!response.ok) return;
      const code = await response.json();
      const image = document.getElementById("card-qr");
      if (image) image.src = code.qr;
      codeRotatesIn = code.rotates_in;
      scheduleRotation(code.rotates_in);
    } catch (error) {
      scheduleRotation(5);
    }
  }
  fetch(`${base}/code`, {cache: "no-store"}).then((r) => r.ok && r.json()).then((code) => {
    if (code) { codeRotatesIn = code.rotates_in; scheduleRotation(code.rotates_in); }
  }).catch(() => scheduleRotation(5));

  // ---- the lottery reel ----
  const overlay = document.getElementById("draw");
  const box = document.getElementById("draw-box");
  const seen = new Set();
  const queue = [];
  let playing = false;
  function enqueueDraw(draw) {
    if (seen.has(draw.id)) return;
    seen.add(draw.id);
    queue.push(draw);
    if (!playing) playNext();
  }
  function playNext() {
    const draw = queue.shift();
    if (!draw) { playing = false; return; }
    playing = true;
    box.innerHTML = draw.html;
    overlay.hidden = false;
    const reel = box.querySelector(".reel-strip");
    const result = box.querySelector(".draw-result");
    setTimeout(() => { reel.style.transform = `translateY(-${reel.dataset.stop}px)`; }, 200);
    setTimeout(async () => {
      try {
        const response = await fetch(result.dataset.reveal, {method: "POST", cache: "no-store"});
        if (!response.ok) { closeDraw(); return; }
        result.innerHTML = (await response.json()).html;
      } catch (error) {
        seen.delete(draw.id);  // played again once the network is back
        closeDraw();
        return;
      }
      refreshNow();  // the prize joins the vouchers behind the dialog
    }, 3700);
  }
  function closeDraw() {
    overlay.hidden = true;
    box.innerHTML = "";
    playNext();
  }
  box.addEventListener("click", (event) => {
    if (event.target.closest("[data-close-draw]")) closeDraw();
  });

  // ---- messages from the shop (a campaign PUSH) ----
  const toasts = document.getElementById("toasts");
  function toast(text) {
    const item = document.createElement("div");
    item.className = "toast";
    item.textContent = text;
    item.addEventListener("click", () => item.remove());
    toasts.appendChild(item);
    setTimeout(() => item.remove(), 8000);
  }

  // ---- the inbox: opening a message marks it read ----
  function showUnread(count) {
    const head = root.querySelector(".inbox-head");
    if (!head) return;
    let badge = head.querySelector(".badge");
    if (count > 0) {
      if (!badge) {
        badge = document.createElement("span");
        badge.className = "badge";
        badge.dataset.mark = "unread-badge";
        head.append(" ", badge);
      }
      badge.textContent = String(count);
    } else if (badge) {
      badge.remove();
    }
  }
  root.addEventListener("toggle", async (event) => {
    const item = event.target;
    if (!(item instanceof HTMLDetailsElement) || !item.open || !item.classList.contains("unread")) return;
    item.classList.remove("unread");
    try {
      const response = await fetch(`${base}/inbox/${encodeURIComponent(item.dataset.message)}/read`, {method: "POST", cache: "no-store"});
      if (!response.ok) throw new Error(`read ${response.status}`);
      showUnread((await response.json()).unread);
    } catch (error) {
      item.classList.add("unread");  // still unread on the server: opening it again tries again
    }
  }, true);
  root.addEventListener("click", (event) => {
    const spin = event.target.closest("[data-play-draw]");
    if (!spin) return;
    event.preventDefault();
    seen.delete(Number(spin.dataset.playDraw));
    refreshNow();  // the waiting draw comes with the state and is played
  });

  // ---- "Notify me": Web Push for this card in this browser ----
  const pushKey = root.dataset.pushKey;
  const pushable = Boolean(pushKey) && "serviceWorker" in navigator && "PushManager" in window && "Notification" in window;
  const remembered = `stamphub:push:${token}`;
  let notifying = false;
  async function pushOn() {
    if (!pushable || Notification.permission !== "granted" || localStorage.getItem(remembered) !== "on") return false;
    const registration = await navigator.serviceWorker.getRegistration("/c/");
    return Boolean(registration && await registration.pushManager.getSubscription());
  }
  async function showNotify() {
    const button = root.querySelector("[data-notify]");
    const on = root.querySelector("[data-notify-on]");
    if (!button || !on) return;
    const enabled = await pushOn().catch(() => false);
    on.hidden = !enabled;
    button.hidden = enabled || !pushable || Notification.permission === "denied";
  }
  function keyBytes(text) {
    const raw = atob((text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(raw, (c) => c.charCodeAt(0));
  }
  async function enablePush() {
    if (notifying) return;
    notifying = true;
    try {
      if (await Notification.requestPermission() !== "granted") return;
      const registration = await navigator.serviceWorker.register("/card-sw.js", {scope: "/c/"});
      await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.getSubscription()
        || await registration.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: keyBytes(pushKey)});
      const response = await fetch(`${base}/push`, {
        method: "POST",
        headers: {"Content-Type": "application/json"},
        body: JSON.stringify(subscription),
      });
      if (response.ok) localStorage.setItem(remembered, "on");
    } catch (error) {
      // No push service in this browser (or it refused): the inbox still has every message.
    } finally {
      notifying = false;
      showNotify();
    }
  }
  root.addEventListener("click", (event) => {
    if (event.target.closest("[data-notify]")) enablePush();
  });
  showNotify();

  // ---- the live connection ----
  const socket = io({
    path: "/rt/socket.io",
    auth: {card_token: token},
    transports: ["websocket", "polling"],
    reconnectionDelayMax: 10000,
  });
  window.cardSocket = socket;
  socket.on("connect", () => {
    window.cardConnected = true;
    refreshNow();  // whatever happened before the room was joined, or while away
  });
  socket.on("disconnect", () => { window.cardConnected = false; });
  // The hub refuses a deleted card's room: the state says why, and the page stops trying.
  socket.on("connect_error", () => soon(1000));
  let stopped = false;
  function stop() {
    stopped = true;
    socket.io.reconnection(false);
    socket.disconnect();
  }
  socket.onAny((type, event) => {
    if (type === "card.message") {
      toast(event.title ? `${event.title}: ${event.body}` : event.body);
      soon(COALESCE_MS);  // the message joins the inbox
      return;
    }
    soon(COALESCE_MS);
  });

  // A phone waking up, a tab coming back, the network returning: redraw from the server and
  // make sure the socket is up (a socket that slept may not know yet that it is dead).
  function wake() {
    if (stopped) return;
    if (!socket.connected) socket.connect();
    refreshNow();
  }
  window.addEventListener("online", wake);
  window.addEventListener("pageshow", (event) => { if (event.persisted) wake(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") wake(); });
})();
