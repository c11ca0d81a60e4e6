'use strict';
// Scenarios with the real socket.io-client against the server: node sio-scenarios.js PORT NAME.
// Each prints what it saw as JSON lines, the last one {"scenario": NAME, "done": true, ...}.
const { io } = require('socket.io-client');
const { port, print, fail, deadline } = require('./lib');

const PORT = port();
const NAME = process.argv[3];
const URL = `ws://127.0.0.1:${PORT}/stream`;

function connect(options = {}) {
  const socket = io(URL, { transports: ['websocket'], reconnection: false, ...options });
  socket.on('connect_error', (error) => fail(3, `connect_error: ${error.message}`));
  return socket;
}

function finish(socket, summary) {
  print({ scenario: NAME, done: true, ...summary });
  socket.disconnect();
  process.exit(0);
}

const scenarios = {
  // Two streams at once on one socket, each emitted with an acknowledgement.
  concurrent() {
    const socket = connect();
    const acks = {};
    const chunks = {};
    const completes = {};
    socket.on('connect', async () => {
      const [one, two] = await Promise.all([
        socket.timeout(10000).emitWithAck('stream_request', { message: 'First question: what is a qubit?', requestId: 'one' }),
        socket.timeout(10000).emitWithAck('stream_request', { message: 'Second question: what is entanglement?', agentRole: 'ethics', requestId: 'two' }),
      ]);
      acks.one = one;
      acks.two = two;
      print({ acks });
    });
    socket.on('stream_chunk', (data) => {
      (chunks[data.sessionId] = chunks[data.sessionId] || []).push({ index: data.index, chunk: data.chunk });
    });
    socket.on('stream_complete', (data) => {
      completes[data.requestId] = data;
      if (completes.one && completes.two) {
        finish(socket, { acks, completes, chunks });
      }
    });
    socket.on('stream_error', (data) => fail(2, `stream_error ${data.code}: ${data.error}`));
  },

  // Cancel after the first chunk; the stream completes as cancelled.
  cancel() {
    const socket = connect();
    const seen = { chunksBeforeCancel: 0, chunksAfterComplete: 0 };
    let sessionId = null;
    let cancelled = false;
    let barrier = false;
    socket.on('connect', async () => {
      const ack = await socket.timeout(10000).emitWithAck('stream_request', { message: 'Tell me a long story', requestId: 'long' });
      sessionId = ack.sessionId;
      seen.requestAck = ack;
    });
    socket.on('stream_chunk', async (data) => {
      if (seen.complete) {
        seen.chunksAfterComplete++;
        return;
      }
      seen.chunksBeforeCancel++;
      if (!cancelled) {
        cancelled = true;
        seen.cancelAck = await socket.timeout(10000).emitWithAck('stream_cancel', { sessionId: data.sessionId });
      }
    });
    socket.on('stream_complete', async (data) => {
      seen.complete = data;
      seen.sessionId = sessionId;
      // one more round trip on the same socket: every frame the server sent before answering it
      // (a late chunk, the first cancel's ack) has arrived when its ack does. Cancelling the ended
      // stream again is such a round trip; it is also answered with a STREAM_NOT_FOUND stream_error.
      barrier = true;
      seen.afterCompleteAck = await socket.timeout(10000).emitWithAck('stream_cancel', { sessionId: data.sessionId });
      finish(socket, seen);
    });
    socket.on('stream_error', (data) => {
      if (barrier && data.code === 'STREAM_NOT_FOUND') return;
      fail(2, `stream_error ${data.code}: ${data.error}`);
    });
  },

  // Invalid requests get stream_error and a refusing ack; the socket still streams afterwards.
  invalid() {
    const socket = connect();
    const errors = [];
    socket.on('stream_error', (data) => errors.push(data));
    socket.on('connect', async () => {
      const blank = await socket.timeout(10000).emitWithAck('stream_request', { message: '   ', requestId: 'blank' });
      const hot = await socket.timeout(10000).emitWithAck('stream_request', { message: 'hi', temperature: 7, requestId: 'hot' });
      socket.emit('stream_teleport', { to: 'mars' });
      const valid = await socket.timeout(10000).emitWithAck('stream_request', { message: 'Still there?', requestId: 'valid' });
      print({ acks: { blank, hot, valid } });
      socket.on('stream_complete', (data) => finish(socket, { acks: { blank, hot, valid }, errors, complete: data }));
    });
  },

  // A stream that lasts longer than pingInterval + pingTimeout survives: the server pings on its own.
  heartbeat() {
    const socket = connect();
    let pings = 0;
    socket.io.on('ping', () => { pings++; });
    socket.on('disconnect', (reason) => fail(4, `disconnected: ${reason} after ${pings} pings`));
    socket.on('connect', () => socket.emit('stream_request', { message: 'Take your time.' }));
    socket.on('stream_complete', (data) => {
      socket.off('disconnect');
      finish(socket, { pings, complete: data });
    });
    socket.on('stream_error', (data) => fail(2, `stream_error ${data.code}: ${data.error}`));
  },
};

if (!scenarios[NAME]) {
  fail(64, `unknown scenario ${NAME}; known: ${Object.keys(scenarios).join(', ')}`);
}
deadline(60000, `scenario ${NAME}`);
scenarios[NAME]();
