'use strict';
// Headless Chromium for the page tests: Debian's binary driven by playwright-core (never a
// downloaded browser), a throw-away profile, and what the scripts read from the test page.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const { fail } = require('./lib');

const EXECUTABLE = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const STEP = 60000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function within(ms, what, check) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${ms} ms`);
    await sleep(20);
  }
}

/** What one pane shows: its last answer, whether the cursor blinks, and the metadata panel. */
async function paneState(page, pane) {
  return page.evaluate((id) => {
    const root = document.querySelector(`.pane[data-pane="${id}"]`);
    const answers = root.querySelectorAll('.answer');
    const answer = answers[answers.length - 1];
    const meta = {};
    for (const dd of root.querySelectorAll('dd[data-meta]')) meta[dd.dataset.meta] = dd.textContent;
    const cursor = answer ? answer.querySelector('.cursor') : null;
    const error = root.querySelector('.error');
    return {
      text: answer ? answer.querySelector('.answer-text').textContent : '',
      state: answer ? answer.dataset.state : 'none',
      cursorVisible: cursor ? getComputedStyle(cursor).display !== 'none' : false,
      turns: answers.length,
      meta,
      error: error.hidden ? null : error.textContent,
    };
  }, pane);
}

async function send(page, pane, message, role) {
  const root = `.pane[data-pane="${pane}"]`;
  if (role) await page.selectOption(`${root} select[name="agentRole"]`, role);
  await page.fill(`${root} textarea[name="message"]`, message);
  await page.click(`${root} button.send`);
}

async function waitForEnd(page, pane) {
  return within(STEP, `pane ${pane} finishing`, async () => {
    const state = await paneState(page, pane);
    return ['done', 'cancelled', 'error'].includes(state.state) ? state : null;
  });
}

/** Runs run(context) in a fresh headless Chromium, then exits: 0 when it returned, 1 when it threw. */
function withChromium(run) {
  (async () => {
    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vctt-chromium-'));
    let context;
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: EXECUTABLE,
        headless: true,
        viewport: { width: 1280, height: 1000 },
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
          '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
        timeout: STEP,
      });
      await run(context);
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
      process.exit(0);
    } catch (error) {
      if (context) await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
      fail(1, error && error.stack ? error.stack : String(error));
    }
  })();
}

module.exports = { STEP, sleep, within, paneState, send, waitForEnd, withChromium };
