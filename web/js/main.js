// Entry point of the full page.
import { App } from './app.js';

window.addEventListener('DOMContentLoaded', () => {
  window.nopeApp = new App();
  window.nopeApp.start();
});
