'use strict';
// The server stops and starts again on the same port (the Java test does that when this script
// says so). Client A has reconnection enabled: it reconnects and streams again. Client B has
// none: it sees one clean disconnect and stays disconnected.
const { io } = require('socket.io-client');
const { port, print, fail, deadline } = require('./lib');

const PORT = port();
const URL = `ws://127.0.0.1:${PORT}/stream`;
deadline(90000, 'reconnect and stream again');

const a = io(URL, { transports: ['websocket'], reconnection: true, reconnectionDelay: 200, reconnectionDelayMax: 1000 });
const b = io(URL, { transports: ['websocket'], reconnection: false });

const state = { aConnects: 0, bConnects: 0, aDisconnect: null, bDisconnect: null };

function ready() {
  if (state.aConnects === 1 && state.bConnects === 1) {
    print({ step: 'both-connected' });
  }
}

function disconnected() {
  if (state.aDisconnect && state.bDisconnect) {
    print({ step: 'both-disconnected', a: state.aDisconnect, b: state.bDisconnect });
  }
}

a.on('connect', () => {
  state.aConnects++;
  if (state.aConnects === 1) {
    ready();
    return;
  }
  print({ step: 'a-reconnected', connects: state.aConnects });
  a.emit('stream_request', { message: 'Are you back?' }, (ack) => print({ step: 'a-ack', ack }));
});
a.on('stream_complete', (data) => {
  print({ step: 'a-streamed-again', complete: data, bConnected: b.connected, bConnects: state.bConnects });
  a.disconnect();
  process.exit(0);
});
a.on('stream_error', (data) => fail(2, `stream_error ${data.code}: ${data.error}`));
a.on('disconnect', (reason) => {
  state.aDisconnect = reason;
  disconnected();
});

b.on('connect', () => {
  state.bConnects++;
  if (state.bConnects > 1) {
    fail(5, 'client B reconnected although reconnection is off');
  }
  ready();
});
b.on('connect_error', (error) => fail(3, `B connect_error: ${error.message}`));
b.on('disconnect', (reason) => {
  state.bDisconnect = reason;
  disconnected();
});
