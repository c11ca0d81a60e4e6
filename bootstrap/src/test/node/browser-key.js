'use strict';
// The test client page on a server that asks for API keys (VCTT_AUTH=keys):
//   node browser-key.js PORT WRONG_KEY RIGHT_KEY
// The page shows a key field and does not connect by itself; a wrong key is refused and said so;
// the right key connects (as ?token=) and an answer streams. Prints one JSON line per step.
const { port, print, deadline } = require('./lib');
const { STEP, within, paneState, send, waitForEnd, withChromium } = require('./chromium');

const PORT = port();
const [WRONG_KEY, RIGHT_KEY] = process.argv.slice(3);

deadline(120000, 'the browser run');

async function run(context) {
  const pageErrors = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  // 1. the page asks for a key instead of connecting
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.waitForSelector('#api-key', { state: 'visible', timeout: STEP });
  print({ step: 'asks', connection: await page.textContent('#connection-state'),
    notice: await page.textContent('#page-error') });

  // 2. a wrong key is refused at the handshake, and the page says it could not connect
  await page.fill('#api-key', WRONG_KEY);
  await page.press('#api-key', 'Enter');
  const refused = await within(STEP, 'the refusal', async () => {
    const text = await page.textContent('#page-error');
    return text.startsWith('cannot connect') ? text : null;
  });
  print({ step: 'refused', connection: await page.textContent('#connection-state'), error: refused });

  // 3. the right key connects, and an answer streams to its end
  await page.fill('#api-key', RIGHT_KEY);
  await page.click('#connect');
  await page.waitForSelector('#connection-state[data-state="connected"]', { timeout: STEP });
  await send(page, 'a', 'Hello with a key', 'analyst');
  await within(STEP, 'the answer starting', async () => (await paneState(page, 'a')).text.length > 0);
  const answer = await waitForEnd(page, 'a');
  print({ step: 'streamed', endState: answer.state, text: answer.text, meta: answer.meta, error: answer.error });
  print({ step: 'end', pageErrors });
}

withChromium(run);
