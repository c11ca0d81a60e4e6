'use strict';
// Drives the test client page in headless Chromium (Debian's; never a downloaded browser):
//   node browser-page.js PORT SCREENSHOT.png
// It types messages, watches the answer grow token by token, stops a stream, runs both panes at
// once, saves a screenshot mid-stream, runs the Socket.IO snippet inside the page's origin, and
// cuts the page's TCP connection mid-stream (the page is loaded through a proxy the script owns)
// to see it reconnect and resume by itself.
// Prints one JSON line per step; the Java test asserts on them.
const fs = require('fs');
const net = require('net');
const path = require('path');
const { port, print, deadline } = require('./lib');
const { STEP, within, paneState, send, waitForEnd, withChromium } = require('./chromium');

const PORT = port();
const SCREENSHOT = process.argv[3];
const BASE = `http://127.0.0.1:${PORT}`;
const SOCKET_IO_BUNDLE = path.join(__dirname, 'node_modules', 'socket.io-client', 'dist', 'socket.io.min.js');

deadline(240000, 'the browser run');

/** A TCP proxy to the server whose connections the script can cut, as a network change does. */
function cuttableProxy(target) {
  const sockets = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on('error', end);
      socket.on('close', end);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port,
    cut() {
      const cut = sockets.size;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      return cut;
    },
  })));
}

async function run(context) {
  const pageErrors = [];
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  // 1. the page loads, connects, and says whether it runs on the offline demo model
  await page.goto(`${BASE}/`);
  await page.waitForSelector('#connection-state[data-state="connected"]', { timeout: STEP });
  await page.waitForSelector('body[data-offline-demo]', { timeout: STEP });
  print({
    step: 'loaded',
    title: await page.title(),
    connection: await page.textContent('#connection-state'),
    offlineDemo: await page.getAttribute('body', 'data-offline-demo'),
    banner: await page.isVisible('#demo-banner') ? await page.textContent('#demo-banner') : null,
  });

  // 2. one answer, watched as it grows; a screenshot mid-stream
  await send(page, 'a', 'Explain quantum computing', 'analyst');
  const states = [];
  let cursorWhileStreaming = false;
  let screenshot = false;
  const final = await within(STEP, 'the first answer', async () => {
    const state = await paneState(page, 'a');
    if (state.state === 'streaming') {
      if (states[states.length - 1] !== state.text) states.push(state.text);
      cursorWhileStreaming = cursorWhileStreaming || state.cursorVisible;
      if (!screenshot && state.text.length > 120) {
        fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
        screenshot = true;
      }
    }
    return ['done', 'cancelled', 'error'].includes(state.state) ? state : null;
  });
  print({ step: 'stream', states, final: final.text, endState: final.state, cursorWhileStreaming,
    cursorAfter: final.cursorVisible, meta: final.meta, error: final.error, screenshot });

  // 3. a second turn sends the first back as history
  await send(page, 'a', 'And in one sentence?');
  const second = await waitForEnd(page, 'a');
  print({ step: 'history', final: second.text, turns: second.turns, meta: second.meta, error: second.error });

  // 4. stop a stream part way
  await send(page, 'a', 'Tell me a long story about streams');
  await within(STEP, 'a few tokens of the long story', async () => {
    const state = await paneState(page, 'a');
    return state.state === 'streaming' && state.text.length > 40;
  });
  await page.click('.pane[data-pane="a"] button.stop');
  const stopped = await waitForEnd(page, 'a');
  // whether the stopped answer grows afterwards is read after step 5 has streamed a whole answer on
  // the same connection: anything the server sent for the stopped stream has arrived by then
  const stoppedAnswer = stopped.turns - 1;

  // 5. both panes at once, two roles side by side
  await page.fill('.pane[data-pane="b"] textarea[name="message"]', 'Is it ethical to stream tokens?');
  await page.fill('.pane[data-pane="a"] textarea[name="message"]', 'Compare two streams');
  await page.click('.pane[data-pane="a"] button.send');
  await page.click('.pane[data-pane="b"] button.send');
  let overlapped = false;
  await within(STEP, 'both panes finishing', async () => {
    const [a, b] = await Promise.all([paneState(page, 'a'), paneState(page, 'b')]);
    overlapped = overlapped || (a.state === 'streaming' && b.state === 'streaming');
    return a.state === 'done' && b.state === 'done';
  });
  const [a, b] = await Promise.all([paneState(page, 'a'), paneState(page, 'b')]);
  const lengthLater = await page.evaluate((index) =>
    document.querySelectorAll('.pane[data-pane="a"] .answer')[index].querySelector('.answer-text').textContent.length,
  stoppedAnswer);
  print({ step: 'stop', endState: stopped.state, lengthAtEnd: stopped.text.length, lengthLater,
    meta: stopped.meta, error: stopped.error });
  print({ step: 'panes', overlapped, a: { text: a.text, meta: a.meta }, b: { text: b.text, meta: b.meta },
    roleB: await page.inputValue('.pane[data-pane="b"] select[name="agentRole"]') });

  // 6. the Socket.IO snippet, run by the official browser bundle in a page of the server
  // (the server does not serve the bundle; the test hands it over as a same-origin script, which
  // the page's content security policy allows; a page of another origin would need VCTT_ALLOWED_ORIGINS)
  const sio = await context.newPage();
  sio.on('pageerror', (error) => pageErrors.push(String(error)));
  await sio.route('**/vendor/socket.io.min.js', (route) => route.fulfill({ contentType: 'text/javascript', path: SOCKET_IO_BUNDLE }));
  await sio.goto(`${BASE}/`);
  await sio.addScriptTag({ url: '/vendor/socket.io.min.js' });
  const socketIo = await sio.evaluate((host) => new Promise((resolve, reject) => {
    const events = [];
    const socket = io(`ws://${host}/stream`, {transports: ['websocket'], reconnection: false});
    socket.on('connect', () => socket.emit('stream_request', {message: 'Explain quantum computing', temperature: 0.7, agentRole: 'analyst'}));
    socket.on('stream_start', () => events.push('stream_start'));
    socket.on('stream_chunk', () => events.push('stream_chunk'));
    socket.on('stream_complete', (data) => {
      events.push('stream_complete');
      socket.disconnect();
      resolve({ events, model: data.model, fullText: data.fullText });
    });
    socket.on('stream_error', (data) => reject(new Error(`stream_error ${data.code}: ${data.error}`)));
    socket.on('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
    setTimeout(() => reject(new Error('no stream_complete within 45 s')), 45000);
  }), `127.0.0.1:${PORT}`);
  print({ step: 'socketio', ...socketIo });

  // 7. the page's connection is cut mid-stream; the page reconnects by itself and resumes the pane
  const proxy = await cuttableProxy(PORT);
  const cutPage = await context.newPage();
  cutPage.on('pageerror', (error) => pageErrors.push(String(error)));
  await cutPage.goto(`http://127.0.0.1:${proxy.port}/`);
  await cutPage.waitForSelector('#connection-state[data-state="connected"]', { timeout: STEP });
  await send(cutPage, 'a', 'Explain quantum computing', 'analyst');
  const beforeCut = await within(STEP, 'some tokens before the cut', async () => {
    const state = await paneState(cutPage, 'a');
    return state.state === 'streaming' && state.text.length > 40 ? state : null;
  });
  const socketsCut = proxy.cut();
  let sawReconnecting = false;
  const resumed = await within(STEP, 'the cut pane finishing', async () => {
    sawReconnecting = sawReconnecting || (await cutPage.getAttribute('body', 'data-connection')) === 'reconnecting';
    const state = await paneState(cutPage, 'a');
    return ['done', 'cancelled', 'error'].includes(state.state) ? state : null;
  });
  const details = await cutPage.evaluate(() => {
    const root = document.querySelector('.pane[data-pane="a"]');
    const answer = root.querySelector('.answer');
    return {
      notes: [...root.querySelectorAll('.note')].map((note) => note.textContent),
      duplicates: Number(answer.dataset.duplicates || 0),
      connection: document.querySelector('#connection-state').textContent,
    };
  });
  print({ step: 'cut', socketsCut, lengthBeforeCut: beforeCut.text.length, sawReconnecting, endState: resumed.state,
    text: resumed.text, meta: resumed.meta, error: resumed.error, ...details });

  print({ step: 'end', pageErrors, done: true });
}

withChromium(run);
