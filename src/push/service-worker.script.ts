/**
 * The service worker served at /pns-sw.js: a classic script, so that an application's own
 * worker can `importScripts()` it from pns's origin (a worker only controls pages of the
 * origin that serves it; docs/push.md). It shows pns pushes, closes them on `clear`, and on
 * a click focuses a window of `display.url` or opens one.
 */
export const SERVICE_WORKER_SCRIPT = `/* pns service worker: shows pns pushes, takes them back when they are seen elsewhere. */
'use strict';
(() => {
  const GENERIC_TITLE = 'New notification';

  function payloadOf(event) {
    try {
      const payload = event.data ? event.data.json() : undefined;
      return payload && (payload.type === 'notification' || payload.type === 'clear') ? payload : undefined;
    } catch (error) {
      return undefined;
    }
  }

  // Only http(s) addresses, resolved against this worker's origin: a push cannot make a click run script.
  function safeUrl(url) {
    if (typeof url !== 'string') return undefined;
    try {
      const resolved = new URL(url, self.location.origin);
      return resolved.protocol === 'https:' || resolved.protocol === 'http:' ? resolved.href : undefined;
    } catch (error) {
      return undefined;
    }
  }

  async function show(payload) {
    const display = payload.display && typeof payload.display === 'object' ? payload.display : {};
    await self.registration.showNotification(typeof display.title === 'string' && display.title !== '' ? display.title : GENERIC_TITLE, {
      body: typeof display.body === 'string' ? display.body : undefined,
      // One notification per pns id: a second push of it replaces the first, a clear finds it.
      tag: String(payload.id),
      data: { pns: true, id: String(payload.id), url: safeUrl(display.url) },
    });
  }

  async function clear(payload) {
    for (const id of Array.isArray(payload.ids) ? payload.ids : []) {
      for (const notification of await self.registration.getNotifications({ tag: String(id) })) notification.close();
    }
  }

  async function focusOrOpen(url) {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find((client) => url === undefined || client.url === url);
    if (open) return open.focus();
    if (url !== undefined) return self.clients.openWindow(url);
  }

  self.addEventListener('push', (event) => {
    const payload = payloadOf(event);
    if (payload) event.waitUntil(payload.type === 'clear' ? clear(payload) : show(payload));
  });

  self.addEventListener('notificationclick', (event) => {
    const data = event.notification.data;
    if (!data || data.pns !== true) return;
    event.notification.close();
    event.waitUntil(focusOrOpen(data.url));
  });
})();
`;
