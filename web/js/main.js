// Entry point of the full page.
import { App } from './app.js';
import { renderToolbar } from './toolbar.js';

window.addEventListener('DOMContentLoaded', () => {
  renderToolbar(document.getElementById('toolbar'));
  window.nopeApp = new App();
  window.nopeApp.start();
});
