'use strict';
// Band Jam with the real socket.io-client: node sio-band.js PORT
// One band_request with an acknowledgement; prints the ack, every member's chunk indexes and
// band_complete as one JSON line {"done": true, ...}.
const { io } = require('socket.io-client');
const { port, print, fail, deadline } = require('./lib');

const PORT = port();
deadline(60000, 'the Socket.IO band');

const socket = io(`ws://127.0.0.1:${PORT}/stream`, { transports: ['websocket'], reconnection: false });
socket.on('connect_error', (error) => fail(3, `connect_error: ${error.message}`));
const seen = { ack: null, bandStart: null, chunks: {}, roles: {}, tagged: true };
socket.on('connect', async () => {
  seen.ack = await socket.timeout(10000).emitWithAck('band_request',
    { message: 'Should we ship on Friday?', roles: ['analyst', 'ethics'], requestId: 'sio-band' });
});
socket.on('band_start', (data) => { seen.bandStart = data; });
socket.on('stream_chunk', (data) => {
  (seen.chunks[data.sessionId] = seen.chunks[data.sessionId] || []).push(data.index);
  seen.roles[data.sessionId] = data.agentRole;
  if (!data.bandId) seen.tagged = false;
});
socket.on('stream_error', (data) => fail(2, `stream_error ${data.code}: ${data.error}`));
socket.on('band_complete', (data) => {
  print({ done: true, ...seen, complete: data });
  socket.disconnect();
  process.exit(0);
});
