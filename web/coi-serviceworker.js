// Cross-origin isolation for static hosts that cannot send HTTP headers
// (GitHub Pages): as a page script it registers itself as a service worker
// and reloads once; as the service worker it re-serves this site's own
// responses with the headers of _headers (COOP/COEP, so the page is
// cross-origin isolated and the worker runs the threaded wasm build; and the
// CSP). scripts/build-site adds it to site/index.html and fills in RULES;
// docs/hosting.md says when it is used and what it cannot do.
'use strict';

// [pattern, [[name, value], ...]] from _headers; patterns are relative to
// the site's root (this file's directory), '*' matches anything.
const RULES = [/* filled in by scripts/build-site */];

if (typeof window === 'undefined') {
  const root = new URL('./', self.location.href).pathname;
  const matches = (pattern, path) =>
    new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(path);

  self.addEventListener('install', () => self.skipWaiting());
  self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
  self.addEventListener('fetch', (event) => {
    const request = event.request;
    const url = new URL(request.url);
    // Only this site's files; anything else goes to the network untouched.
    if (url.origin !== self.location.origin || !url.pathname.startsWith(root)) return;
    if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
    let path = `/${url.pathname.slice(root.length)}`;
    if (path.endsWith('/')) path += 'index.html';
    event.respondWith(fetch(request).then((response) => {
      if (response.status === 0 || response.type === 'opaque') return response;
      const headers = new Headers(response.headers);
      for (const [pattern, list] of RULES) {
        if (matches(pattern, path)) for (const [name, value] of list) headers.set(name, value);
      }
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }));
  });
} else {
  // The page: register, and reload once the worker controls it. Only a
  // top-level page can become isolated (a frame depends on its parent), and
  // one reload per tab session is the limit: a browser that ignores the
  // worker's headers keeps the single-thread build instead of looping.
  (() => {
    const key = 'nopelab-coi-reloaded';
    let session = null;
    try {
      session = window.sessionStorage;
    } catch { /* storage blocked: no reload guard, so no reload */ }
    if (window.crossOriginIsolated) {
      session?.removeItem(key);
      return;
    }
    if (!session || !window.isSecureContext || !navigator.serviceWorker || window.top !== window) return;
    navigator.serviceWorker.register(document.currentScript.src)
      .then(() => navigator.serviceWorker.ready)
      .then(() => {
        if (session.getItem(key)) return;
        session.setItem(key, '1');
        window.location.reload();
      })
      .catch((err) => console.warn(`NoPE Lab: no service worker for cross-origin isolation (${err.message}); single thread`));
  })();
}
