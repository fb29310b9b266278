// The card page's service worker (scope /c/): shows the shop's messages as notifications while
// the page is closed, and opens the card on a tap. The payload arrives decrypted by the browser.
self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {body: event.data ? event.data.text() : ""};
  }
  event.waitUntil(self.registration.showNotification(data.title || "", {
    body: data.body || "",
    tag: data.tag,
    data: {url: data.url || "/"},
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  // Only a page of this site: the payload names the card by its path.
  const url = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  const target = url.origin === self.location.origin ? url.href : self.location.origin + "/";
  event.waitUntil(self.clients.matchAll({type: "window", includeUncontrolled: true}).then((windows) => {
    for (const client of windows) {
      if (client.url.split("#")[0] === target.split("#")[0] && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(target);
  }));
});
