// Keyboard-wedge scanners (USB or Bluetooth) type a code a few milliseconds per key and end it
// with Enter or Tab. The wedge listens from the first paint, before the page's connection to the
// server is up: the server renders whether Auto-stamp is on into the page, and finished scans
// wait here until the connection can take them. Waiting for a round trip before listening lost
// the leading keys of the first scan after every page load.
(() => {
  "use strict";

  const MAX_GAP_MS = 50; // a person needs far more between two keys
  const MIN_LENGTH = 8; // shorter than any card or voucher code
  const MAX_LENGTH = 200;
  const KEEP_MS = 60_000; // a scan still queued after a reload is sent only if this recent
  const STORE = "stamphub-wedge-queue";

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }

  // A scan read just before a reload (the page was reconnecting) is sent by the next page,
  // with its own idempotency key, so it counts once.
  function loadQueue() {
    try {
      const items = JSON.parse(sessionStorage.getItem(STORE) || "[]");
      return items.filter((item) => item && typeof item.code === "string" && Date.now() - item.at < KEEP_MS);
    } catch (err) {
      return [];
    }
  }

  function saveQueue(items) {
    try {
      sessionStorage.setItem(STORE, JSON.stringify(items));
    } catch (err) {
      /* private mode: the queue lives in memory only */
    }
  }

  // static/offline.js: once the page is offline, scans go into its lasting queue instead.
  function offline() {
    return window.StamphubOffline || null;
  }

  function connected() {
    return window.did_handshake === true && !!window.socket && window.socket.connected && typeof emitEvent === "function";
  }

  function textBox(el) {
    return !!el && (el.tagName === "TEXTAREA" || (el.tagName === "INPUT" && typeof el.value === "string"));
  }

  function editing() {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
  }

  const wedge = {
    enabled: false,
    bursts: 0,
    buffer: "",
    last: -Infinity,
    box: null, // the text box the burst is typed into, if the cursor is in one
    before: null, // that box's text and selection before the burst's first key
    queue: loadQueue(),
    timer: null,

    enable(on) {
      this.enabled = !!on;
      this.reset();
      if (this.enabled) this.release();
    },

    reset() {
      this.buffer = "";
      this.box = null;
      this.before = null;
    },

    // A focused button or toggle would take the scanner's Enter as a press (the Auto-stamp
    // switch itself, right after it was turned on), so focus goes back to the page.
    release() {
      const el = document.activeElement;
      if (el && el !== document.body && !editing() && el.blur) el.blur();
    },

    // A burst's first key: remember where it is typed, to take it back out if it is a scan.
    start() {
      this.reset();
      const el = document.activeElement;
      if (textBox(el)) {
        this.box = el;
        this.before = { value: el.value, start: el.selectionStart, end: el.selectionEnd };
      }
    },

    onKey(event) {
      const capturing = this.enabled || (offline() !== null && offline().capturing());
    if (!capturing || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
      // The key's own time, not the handler's: a page busy loading handles queued keys in a
      // rush, which must not make slow typing look like a burst.
      const now = event.timeStamp;
      const gap = now - this.last;
      if (event.key === "Enter" || event.key === "Tab") {
        const code = this.buffer;
        const box = this.box;
        const before = this.before;
        this.reset();
        if (code.length >= MIN_LENGTH && gap <= MAX_GAP_MS * 2) {
          // A scan wherever the cursor is: the box it was typed into gets its text back and
          // never sees the Enter (which would submit the code there as a typo).
          event.preventDefault();
          event.stopImmediatePropagation();
          if (box) this.restore(box, before);
          this.bursts += 1;
          this.send(code);
        }
        return;
      }
      if (event.key.length !== 1) return; // Shift and friends come between a scanner's keys
      if (event.repeat) {
        this.reset(); // a held key repeats fast, but it is a person
        return;
      }
      if (gap > MAX_GAP_MS || !this.buffer) this.start();
      // The first printable key frees the focus of a button; Space and Enter on their own
      // still press a focused button for keyboard users.
      if (!this.box && event.key !== " ") this.release();
      this.buffer += event.key;
      this.last = now;
      if (this.buffer.length > MAX_LENGTH) this.reset();
    },

    restore(box, before) {
      if (box.value === before.value) return;
      box.value = before.value;
      try {
        box.setSelectionRange(before.start, before.end);
      } catch (err) {
        /* inputs without a selection (email, number) */
      }
      box.dispatchEvent(new Event("input", { bubbles: true })); // tells the page's model too
    },

    send(code) {
      if (offline() && offline().take(code, Date.now())) return;
      this.queue.push({ code, key: newKey(), at: Date.now() });
      saveQueue(this.queue);
      this.flush();
    },

    // Hands queued scans to the server once the page is connected; until then it looks again
    // every few milliseconds, so a scan waits no longer than the connection does.
    flush() {
      clearTimeout(this.timer);
      // Waited for a connection that is not coming: into the offline queue, scan times kept.
      while (this.queue.length && offline() && offline().take(this.queue[0].code, this.queue[0].at)) {
        this.queue.shift();
        saveQueue(this.queue);
      }
      while (this.queue.length && connected()) {
        const scan = this.queue.shift();
        saveQueue(this.queue);
        emitEvent("stamphub_wedge", { code: scan.code, key: scan.key });
      }
      if (this.queue.length) this.timer = setTimeout(() => this.flush(), 20);
    },
  };

  // On the window and in the capture phase: the first listener any key meets, so no handler
  // of the page (or a box's own Enter) runs before the wedge has seen it.
  window.addEventListener("keydown", (event) => wedge.onKey(event), true);
  window.StamphubWedge = wedge;
  wedge.flush();
})();
