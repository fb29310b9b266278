// Staff scanner and kiosk: camera frames for the server-side decoder, and the beep (the
// keyboard wedge is in wedge.js). The server drives the camera loop (it pulls frames), so there
// is always at most one frame in flight per device and a slow connection lowers the frame rate.
(() => {
  "use strict";

  const camera = {
    stream: null,
    video: null,
    canvas: document.createElement("canvas"),
    error: null,

    async start(videoId, facing) {
      this.stop();
      this.video = document.getElementById(videoId);
      if (!this.video) return { ok: false, error: "no video element" };
      if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
        this.error = "This browser gives no camera access here (it needs HTTPS).";
        return { ok: false, error: this.error };
      }
      try {
        this.stream = await navigator.mediaDevices.getUserMedia({
          audio: false,
          // "ideal", spelled out: a phone without a back camera still gets its front one.
          video: { facingMode: { ideal: facing || "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        });
      } catch (err) {
        this.error = err && err.name === "NotAllowedError"
          ? "Camera access was refused. Allow it in the browser settings."
          : "No camera found.";
        return { ok: false, error: this.error };
      }
      this.error = null;
      this.video.srcObject = this.stream;
      this.video.muted = true;
      this.video.setAttribute("playsinline", "");
      // A camera facing the person shows them as in a mirror; frames are sent unmirrored.
      this.video.style.transform = facing === "user" ? "scaleX(-1)" : "";
      try { await this.video.play(); } catch (err) { /* autoplay of a muted stream is allowed */ }
      return { ok: true };
    },

    stop() {
      if (this.stream) this.stream.getTracks().forEach((track) => track.stop());
      this.stream = null;
      if (this.video) this.video.srcObject = null;
    },

    // One frame, downscaled so its longer side is at most `maxSide`, in grayscale, as a base64
    // JPEG: about a tenth of the raw bytes, and QR codes survive the compression.
    grab(maxSide) {
      const video = this.video;
      if (!this.stream || !video || video.readyState < 2 || !video.videoWidth) return null;
      const scale = Math.min(1, (maxSide || 640) / Math.max(video.videoWidth, video.videoHeight));
      const w = Math.max(1, Math.round(video.videoWidth * scale));
      const h = Math.max(1, Math.round(video.videoHeight * scale));
      this.canvas.width = w;
      this.canvas.height = h;
      const ctx = this.canvas.getContext("2d", { willReadFrequently: true });
      ctx.drawImage(video, 0, 0, w, h);
      const image = ctx.getImageData(0, 0, w, h);
      const px = image.data;
      for (let i = 0; i < px.length; i += 4) {
        const gray = (px[i] * 77 + px[i + 1] * 150 + px[i + 2] * 29) >> 8;
        px[i] = px[i + 1] = px[i + 2] = gray;
      }
      ctx.putImageData(image, 0, 0);
      const url = this.canvas.toDataURL("image/jpeg", 0.85);
      return { w, h, jpeg: url.slice(url.indexOf(",") + 1) };
    },
  };

  const feedback = {
    audio: null,
    unlock() {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (!Ctx) return;
      // Runs inside the first key's handler: whatever the audio stack does, it must not throw
      // there, or that key (the first of a scan) would be lost.
      try {
        if (!this.audio) this.audio = new Ctx();
        if (this.audio.state === "suspended") this.audio.resume().catch(() => {});
      } catch (err) {
        this.audio = null;
      }
    },
    tone(freq, start, length) {
      const ctx = this.audio;
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      osc.type = "sine";
      gain.gain.setValueAtTime(0.0001, ctx.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.3, ctx.currentTime + start + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + start + length);
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + start);
      osc.stop(ctx.currentTime + start + length + 0.02);
    },
    // ok: one high beep; reward: a rising triple; error: two low buzzes.
    signal(kind) {
      this.unlock();
      if (!this.audio) return;
      if (kind === "error") {
        this.tone(220, 0, 0.18);
        this.tone(220, 0.25, 0.18);
      } else if (kind === "reward") {
        this.tone(660, 0, 0.12);
        this.tone(880, 0.14, 0.12);
        this.tone(1100, 0.28, 0.2);
      } else {
        this.tone(1000, 0, 0.15);
      }
      if (navigator.vibrate) navigator.vibrate(kind === "error" ? [80, 60, 80] : 60);
    },
  };

  // Browsers only start audio after a user gesture; the first tap or key unlocks it.
  ["pointerdown", "keydown"].forEach((type) =>
    document.addEventListener(type, () => feedback.unlock(), { once: true, capture: true }),
  );

  window.StamphubCamera = camera;
  window.StamphubFeedback = feedback;
  // A kiosk tablet must not dim and lock while it waits for the next customer. The lock is
  // released whenever the page is hidden, so it is taken again when the page shows.
  window.StamphubKeepAwake = () => {
    if (!("wakeLock" in navigator)) return;
    const lock = () => navigator.wakeLock.request("screen").catch(() => {});
    lock();
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") lock();
    });
  };
  window.StamphubFullscreen = () => {
    const el = document.documentElement;
    if (!document.fullscreenElement && el.requestFullscreen) el.requestFullscreen().catch(() => {});
  };
})();
