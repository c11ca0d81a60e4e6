'use strict';
// The analytics page in headless Chromium:
//   node analytics-page.js PORT SCREENSHOT [KEY]
// Without a key it first streams through the test page (an answer to its end on one role, another
// stopped part way on another role), then opens /analytics, waits until every chart has drawn its
// points and saves a screenshot. With a key (a server with VCTT_AUTH=keys) it enters the key on
// /analytics first. Prints one JSON line per step; console errors and page errors are collected.
const { port, print, deadline } = require('./lib');
const { STEP, within, send, waitForEnd, withChromium } = require('./chromium');

const PORT = port();
const [SCREENSHOT, KEY] = process.argv.slice(3);

deadline(180000, 'the analytics browser run');

async function chartsState(page) {
  return page.evaluate(() => [...document.querySelectorAll('section.chart')].map((section) => ({
    id: section.id,
    title: section.querySelector('h2').textContent,
    points: Number(section.dataset.points),
    canvas: Boolean(section.querySelector('canvas')),
    groups: [...section.querySelectorAll('.u-legend .u-series .u-label')].map((label) => label.textContent)
      .filter((text) => text.length > 0),
  })));
}

async function run(context) {
  const pageErrors = [];
  const consoleErrors = [];
  if (!KEY) {
    const client = await context.newPage();
    client.on('pageerror', (error) => pageErrors.push(String(error)));
    await client.goto(`http://127.0.0.1:${PORT}/`);
    await client.waitForSelector('#connection-state[data-state="connected"]', { timeout: STEP });
    await send(client, 'a', 'Explain streaming analytics', 'analyst');
    const done = await waitForEnd(client, 'a');
    await send(client, 'b', 'Tell me a long story about tokens', 'ethics');
    await within(STEP, 'the second answer starting', async () => client.evaluate(() => {
      const answers = document.querySelectorAll('.pane[data-pane="b"] .answer-text');
      return answers.length > 0 && answers[answers.length - 1].textContent.length > 0;
    }));
    await client.click('.pane[data-pane="b"] button.stop');
    const stopped = await waitForEnd(client, 'b');
    print({ step: 'streamed', done: done.state, stopped: stopped.state });
    await client.close();
  }

  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.setViewportSize({ width: 1440, height: 1500 });
  await page.goto(`http://127.0.0.1:${PORT}/analytics`);
  if (KEY) {
    await page.waitForSelector('#api-key', { state: 'visible', timeout: STEP });
    const asks = await page.textContent('#page-error');
    await page.fill('#api-key', KEY);
    await page.press('#api-key', 'Enter');
    print({ step: 'asks', notice: asks });
  }
  await page.waitForSelector('body[data-loaded="true"]', { timeout: STEP });
  // every chart drawn with points (a live refresh may land in between: read until all are there)
  const charts = await within(STEP, 'every chart drawing points', async () => {
    const state = await chartsState(page);
    return state.every((chart) => chart.points > 0 && chart.canvas) ? state : null;
  }).catch(async () => chartsState(page));
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  print({ step: 'charts', title: await page.title(), charts, text: await page.textContent('#charts') });
  print({ step: 'end', pageErrors, consoleErrors });
}

withChromium(run);
