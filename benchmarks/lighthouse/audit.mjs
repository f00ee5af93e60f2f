// Lighthouse's accessibility category on pages of a Streamlit app, each audited once it has rendered.
//
//   CHROME_PATH=/usr/bin/chromium node audit.mjs OUT_DIR name=URL [name=URL ...]
//
// Writes OUT_DIR/<name>.json (Lighthouse's JSON result, as `lighthouse --output=json` writes it) and
// prints one JSON line per page: {"name", "file", "seen"}. A Streamlit page is an empty shell until its
// script has run over the WebSocket, which Lighthouse's own wait (load, then network and CPU quiet)
// does not see; so the navigation is driven here (Lighthouse's Node API with a navigation function it
// awaits before gathering): go to the URL, wait for Streamlit's own "run finished" state
// ([data-testid="stApp"][data-test-script-state="notRunning"] after the run), then for the network and
// the DOM to be quiet (charts and the map are drawn after the run's last message). "seen" is what the
// page held at that moment: the script state, the number of elements and of characters of text.
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';

import {navigation} from 'lighthouse';
import puppeteer from 'puppeteer-core';

const TIMEOUT_MS = 180_000;
const QUIET_MS = 1_000;

const [outDir, ...pages] = process.argv.slice(2);
if (!outDir || !pages.length || pages.some((arg) => !arg.includes('='))) {
  console.error('usage: node audit.mjs OUT_DIR name=URL [name=URL ...]');
  process.exit(2);
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
  headless: true, // puppeteer-core 23 starts Chromium with --headless=new
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

// Resolves once no element has been added, removed or changed for `quiet` ms.
const domQuiet = (quiet) => new Promise((resolve) => {
  let timer = setTimeout(done, quiet);
  const observer = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quiet); });
  observer.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  function done() { observer.disconnect(); resolve(); }
});

try {
  for (const arg of pages) {
    const name = arg.slice(0, arg.indexOf('='));
    const url = arg.slice(arg.indexOf('=') + 1);
    const page = await browser.newPage();
    let seen = null;
    const open = async () => {
      await page.goto(url, {waitUntil: 'domcontentloaded', timeout: TIMEOUT_MS});
      await page.waitForFunction(() => {
        const app = document.querySelector('[data-testid="stApp"]');
        return app && app.getAttribute('data-test-script-state') !== 'initial';
      }, {timeout: TIMEOUT_MS, polling: 100});
      await page.waitForSelector('[data-testid="stApp"][data-test-script-state="notRunning"]',
        {timeout: TIMEOUT_MS});
      await page.waitForNetworkIdle({idleTime: QUIET_MS, timeout: TIMEOUT_MS}).catch(() => {});
      await page.evaluate(domQuiet, QUIET_MS);
      seen = await page.evaluate(() => ({
        state: document.querySelector('[data-testid="stApp"]').getAttribute('data-test-script-state'),
        elements: document.querySelectorAll('*').length,
        text_chars: document.body.innerText.length,
        lang: document.documentElement.lang,
      }));
    };
    const runner = await navigation(page, open, {
      flags: {onlyCategories: ['accessibility'], output: 'json', maxWaitForLoad: TIMEOUT_MS, logLevel: 'error'},
    });
    const file = join(outDir, `${name}.json`);
    writeFileSync(file, runner.report);
    console.log(JSON.stringify({name, file, seen}));
    await page.close();
  }
} finally {
  await browser.close();
}
