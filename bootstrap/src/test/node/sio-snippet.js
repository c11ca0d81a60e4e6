'use strict';
// The browser snippet of issue 5, unchanged but for host and port, run with the real
// socket.io-client: it must stream to completion. Prints every event it receives.
const { io } = require('socket.io-client');
const { port, print, fail, deadline } = require('./lib');

const PORT = port();
deadline(30000, 'stream_complete');

const socket = io(`ws://127.0.0.1:${PORT}/stream`, {transports: ['websocket'], reconnection: false});
socket.on('connect', () => socket.emit('stream_request', {message: 'Explain quantum computing', temperature: 0.7, agentRole: 'analyst'}));

socket.on('stream_start', (data) => print({ event: 'stream_start', data }));
socket.on('stream_chunk', (data) => print({ event: 'stream_chunk', data }));
socket.on('stream_complete', (data) => {
  print({ event: 'stream_complete', data });
  socket.off('disconnect');
  socket.disconnect();
  process.exit(0);
});
socket.on('stream_error', (data) => {
  print({ event: 'stream_error', data });
  fail(2, `stream_error ${data.code}: ${data.error}`);
});
socket.on('connect_error', (error) => fail(3, `connect_error: ${error.message}`));
socket.on('disconnect', (reason) => fail(4, `disconnected before the end: ${reason}`));
