'use strict';
// Band Jam's faults with the real socket.io-client: node sio-band-faults.js PORT
// One band of three members against a provider that refuses one member (400) and overloads another
// (503, which falls back). Once the failure, the fallback and chunks of both running members have
// arrived, band_cancel (with an ack) stops the band. Prints everything seen as one JSON line
// {"done": true, ...} after band_complete.
const { io } = require('socket.io-client');
const { port, print, fail, deadline } = require('./lib');

const PORT = port();
deadline(60000, 'the Socket.IO band with faults');

const socket = io(`ws://127.0.0.1:${PORT}/stream`, { transports: ['websocket'], reconnection: false });
socket.on('connect_error', (error) => fail(3, `connect_error: ${error.message}`));
const seen = { ack: null, cancelAck: null, bandStart: null, errors: [], fallbacks: [], chunks: {}, completes: [] };
let cancelling = false;

function maybeCancel() {
  const streaming = Object.keys(seen.chunks).length;
  if (cancelling || !seen.bandStart || seen.errors.length < 1 || seen.fallbacks.length < 1 || streaming < 2) return;
  cancelling = true;
  socket.timeout(10000).emitWithAck('band_cancel', { bandId: seen.bandStart.bandId })
    .then((ack) => { seen.cancelAck = ack; finishWhenAllArrived(); })
    .catch((error) => fail(4, `band_cancel ack: ${error.message}`));
}

socket.on('connect', async () => {
  seen.ack = await socket.timeout(10000).emitWithAck('band_request',
    { message: 'Should we ship on Friday?', roles: ['analyst', 'relational', 'ethics'], requestId: 'sio-faults' });
});
socket.on('band_start', (data) => { seen.bandStart = data; maybeCancel(); });
socket.on('stream_chunk', (data) => {
  (seen.chunks[data.sessionId] = seen.chunks[data.sessionId] || []).push(
    { index: data.index, bandId: data.bandId, agentRole: data.agentRole });
  maybeCancel();
});
socket.on('stream_error', (data) => { seen.errors.push(data); maybeCancel(); });
socket.on('stream_fallback', (data) => { seen.fallbacks.push(data); maybeCancel(); });
socket.on('stream_complete', (data) => { seen.completes.push(data); });
let complete = null;
function finishWhenAllArrived() {
  // the cancel's ack and band_complete may arrive in either order
  if (!complete || (cancelling && !seen.cancelAck)) return;
  print({ done: true, ...seen, complete });
  socket.disconnect();
  process.exit(0);
}
socket.on('band_complete', (data) => { complete = data; finishWhenAllArrived(); });
