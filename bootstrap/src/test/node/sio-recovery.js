'use strict';
// Socket.IO connection state recovery with the real socket.io-client: node sio-recovery.js PORT CUTS.
// The socket is the snippet, io(url, {transports: ['websocket']}), with no recovery code of
// its own. After each chunk index in CUTS (comma-separated) the script destroys the TCP socket under
// the client (no close frame), as a network change does; the client reconnects by itself. Prints
// every connect ({connect, recovered}), then {done, chunks, complete, cuts, connects, errors}.
const { io } = require('socket.io-client');
const { port, print, fail, deadline } = require('./lib');

const PORT = port();
const CUTS = (process.argv[3] || '').split(',').filter((s) => s !== '').map(Number);
const QUESTION = 'Please explain, at some length and step by step, how a dropped connection is recovered '
  + 'without losing a single word of an answer that is still being written';

deadline(60000, 'the recovered stream');
const socket = io(`ws://127.0.0.1:${PORT}/stream`, { transports: ['websocket'] });
const chunks = [];
const connects = [];
const errors = [];
const cutsDone = [];
let requested = false;

socket.on('connect', async () => {
  connects.push({ recovered: socket.recovered === true, id: socket.id });
  print({ connect: connects.length, recovered: socket.recovered === true });
  if (!requested) {
    requested = true;
    const ack = await socket.timeout(10000).emitWithAck('stream_request', { message: QUESTION, requestId: 'long' });
    print({ ack });
  }
});
socket.on('connect_error', (error) => fail(3, `connect_error: ${error.message}`));
socket.on('disconnect', (reason) => print({ disconnect: reason }));
socket.on('stream_chunk', (data, offset) => {
  chunks.push({ index: data.index, chunk: data.chunk, offset });
  if (CUTS.includes(data.index) && !cutsDone.includes(data.index)) {
    cutsDone.push(data.index);
    // what a network change does: the TCP connection is gone, no close frame, no namespace DISCONNECT
    socket.io.engine.transport.ws._socket.destroy();
  }
});
socket.on('stream_error', (data) => errors.push(data));
socket.on('stream_complete', (data) => {
  print({ done: true, chunks, complete: data, cuts: cutsDone, connects, errors });
  socket.disconnect();
  process.exit(0);
});
