'use strict';
// The test client page on a server with an MCP tool server and a model that calls a tool:
//   node browser-tools.js PORT
// The tool call shows inline in the answer, collapsed (a <details> element): the summary names the
// server, tool, outcome and time; opened, it shows the arguments and the result. Prints one JSON line per step.
const { port, print, deadline } = require('./lib');
const { STEP, within, send, waitForEnd, withChromium } = require('./chromium');

const PORT = port();

deadline(120000, 'the browser run');

async function run(context) {
  const pageErrors = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.waitForSelector('#connection-state[data-state="connected"]', { timeout: STEP });

  await send(page, 'a', 'What is 2 + 3?');
  const answer = await waitForEnd(page, 'a');
  const call = await within(STEP, 'the tool call', async () => page.evaluate(() => {
    const details = document.querySelector('.pane[data-pane="a"] .answer-text details.tool-call');
    if (!details || details.dataset.state === 'running') return null;
    return {
      state: details.dataset.state,
      open: details.open,
      summary: details.querySelector('summary').textContent,
      argumentsVisible: details.querySelector('.tool-arguments').checkVisibility(),
    };
  }));
  await page.click('.pane[data-pane="a"] details.tool-call summary');
  const opened = await page.evaluate(() => {
    const details = document.querySelector('.pane[data-pane="a"] details.tool-call');
    return {
      open: details.open,
      arguments: details.querySelector('.tool-arguments').textContent,
      argumentsVisible: details.querySelector('.tool-arguments').checkVisibility(),
      result: details.querySelector('.tool-result').textContent,
      textAround: details.parentElement.textContent,
    };
  });
  print({ step: 'tool', endState: answer.state, text: answer.text, meta: answer.meta, call, opened });
  print({ step: 'end', pageErrors });
}

withChromium(run);
