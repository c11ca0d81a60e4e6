'use strict';
// The test page in Band Jam mode: node browser-band.js PORT
// One question to three members; one pane per member streams side by side, then the synthesiser
// and the verifier join, and band_complete fills in the summary. Prints one JSON line per step.
const { port, print, deadline } = require('./lib');
const { STEP, within, withChromium } = require('./chromium');

const PORT = port();

deadline(120000, 'the browser band run');

async function bandState(page) {
  return page.evaluate(() => {
    const root = document.querySelector('#band');
    const members = [...root.querySelectorAll('.band-member')].map((pane) => ({
      role: pane.dataset.role,
      text: pane.querySelector('.member-text').textContent,
      status: pane.querySelector('[data-member="status"]').textContent,
    }));
    const summary = {};
    for (const dd of root.querySelectorAll('dd[data-band]')) summary[dd.dataset.band] = dd.textContent;
    return { state: root.dataset.state || 'idle', members, summary };
  });
}

async function run(context) {
  const pageErrors = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.waitForSelector('#connection-state[data-state="connected"]', { timeout: STEP });

  await page.fill('#band-form textarea[name="message"]', 'Should we ship on Friday?');
  await page.click('#band-form button.send');
  const streaming = await within(STEP, 'three members streaming', async () => {
    const state = await bandState(page);
    return state.members.filter((m) => m.text.length > 0).length >= 3 ? state : null;
  });
  print({ step: 'streaming', members: streaming.members.map((m) => m.role) });

  const done = await within(STEP, 'the band completing', async () => {
    const state = await bandState(page);
    return state.state === 'complete' ? state : null;
  });
  print({ step: 'complete', members: done.members, summary: done.summary });
  print({ step: 'end', pageErrors });
}

withChromium(run);
