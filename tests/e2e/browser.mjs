// Shared browser-test plumbing: scripts/serve.py for web/ on a free port and
// Debian's Chromium driven by playwright-core (browsers cannot be downloaded
// here, so executablePath points at /usr/bin/chromium). Playwright gives each
// launch a fresh temporary profile.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const artifacts = path.join(repoRoot, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });

// scripts/serve.py: with the site's headers from <dir>/_headers (COOP/COEP,
// so the page is cross-origin isolated, and the CSP) unless isolation is
// false. dir: web/ (the default), or a site/ folder from scripts/build-site.
export async function startServer({ isolation = true, dir = 'web' } = {}) {
  const args = [path.join(repoRoot, 'scripts', 'serve.py'), '--port', '0', '--dir', path.resolve(repoRoot, dir)];
  if (!isolation) args.push('--no-isolation');
  const proc = spawn('python3', args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/localhost:(\d+)\//);
      if (m) resolve(`http://127.0.0.1:${m[1]}/`);
    });
    proc.on('exit', (code) => reject(new Error(`scripts/serve.py exited with ${code}`)));
  });
  proc.stdout.resume();
  return { base, stop: () => proc.kill() };
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

// Collects console errors and page errors so a test can assert there were none.
export function watchErrors(page) {
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  return errors;
}

// Fraction of non-blank pixels of a canvas (0 = empty).
export async function canvasInk(page, selector) {
  return page.$eval(selector, (c) => {
    const ctx = c.getContext('2d');
    const { data } = ctx.getImageData(0, 0, c.width, c.height);
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && (data[i] < 245 || data[i + 1] < 245 || data[i + 2] < 245)) ink++;
    return ink / (data.length / 4);
  });
}

// The pair every page test opens before its tests and closes after them:
// a static server (options as startServer's) and one headless Chromium.
export async function openLab(serverOptions) {
  return { server: await startServer(serverOptions), browser: await launch() };
}
export async function closeLab({ server, browser }) {
  await browser?.close();
  server?.stop();
}
