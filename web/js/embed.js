// Entry point of embed mode: one view, minimal chrome. Nothing loads until
// the frame scrolls into view; training pauses while it is off screen or the
// tab is hidden, and resumes when it comes back.
import { App } from './app.js';
import { el } from './dom.js';
import { renderToolbar } from './toolbar.js';

window.addEventListener('DOMContentLoaded', () => {
  renderToolbar(document.getElementById('toolbar'), [
    el('a', { id: 'open-full', class: 'note', target: '_blank', rel: 'noopener', href: `index.html${location.search}`, text: 'open in NoPE Lab' }),
    el('span', { id: 'version', class: 'note' }),
    el('span', { id: 'engine', class: 'note' }),
  ]);
  let app = null;
  let autoPaused = false;
  const visible = () => document.visibilityState === 'visible';
  const onVisibility = async (inView) => {
    if (!app) {
      if (!inView) return;
      app = window.nopeApp = new App({ embed: true });
      await app.start();
      return;
    }
    const show = inView && visible();
    if (!show && app.status.training && !app.status.paused) {
      autoPaused = true;
      await app.togglePause();
    } else if (show && autoPaused && app.status.paused) {
      autoPaused = false;
      await app.togglePause();
    }
  };
  let inView = false;
  new IntersectionObserver((entries) => {
    inView = entries.some((e) => e.isIntersecting);
    onVisibility(inView);
  }).observe(document.body);
  document.addEventListener('visibilitychange', () => onVisibility(inView));
});
