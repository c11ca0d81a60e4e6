// A small MCP server on the official TypeScript SDK, for what server-everything cannot show from
// outside: that a client's notifications/cancelled reached the server (the SDK aborts the request's
// signal with the reason the client gave), and that calls of one step run at the same time.
// Every event is appended as one JSON line to the file named by VCTT_PROBE_LOG.
'use strict';
const fs = require('node:fs');
const { Server } = require('@modelcontextprotocol/sdk/server/index.js');
const { StdioServerTransport } = require('@modelcontextprotocol/sdk/server/stdio.js');
const { CallToolRequestSchema, ListToolsRequestSchema } = require('@modelcontextprotocol/sdk/types.js');

const logFile = process.env.VCTT_PROBE_LOG;
function record(event) {
  if (logFile) {
    fs.appendFileSync(logFile, JSON.stringify(event) + '\n');
  }
}

const tools = [
  {
    name: 'wait',
    description: 'Waits the given seconds, or until the call is cancelled.',
    inputSchema: { type: 'object', properties: { seconds: { type: 'number' } } },
  },
  {
    name: 'meet',
    description: 'Answers once the given number of meet calls are running at the same time (or fails after the given seconds).',
    inputSchema: { type: 'object', properties: { parties: { type: 'number' }, seconds: { type: 'number' } } },
  },
];

let meeting = [];

const server = new Server({ name: 'vctt-probe', version: '1.0.0' }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
  const args = request.params.arguments || {};
  const seconds = typeof args.seconds === 'number' ? args.seconds : 30;
  record({ event: 'started', tool: request.params.name, requestId: extra.requestId });
  if (request.params.name === 'wait') {
    return await new Promise((resolve) => {
      const cancelled = () => {
        clearTimeout(timer);
        record({ event: 'cancelled', tool: 'wait', requestId: extra.requestId, reason: String(extra.signal.reason) });
        resolve({ content: [{ type: 'text', text: 'cancelled' }] });
      };
      const timer = setTimeout(() => resolve({ content: [{ type: 'text', text: 'waited' }] }), seconds * 1000);
      if (extra.signal.aborted) {
        cancelled(); // the cancel was read in the same chunk as the call
      } else {
        extra.signal.addEventListener('abort', cancelled, { once: true });
      }
    });
  }
  if (request.params.name === 'meet') {
    const parties = typeof args.parties === 'number' ? args.parties : 2;
    return await new Promise((resolve) => {
      const timer = setTimeout(() => {
        meeting = meeting.filter((waiting) => waiting !== done);
        resolve({ content: [{ type: 'text', text: 'nobody came' }], isError: true });
      }, seconds * 1000);
      const done = () => {
        clearTimeout(timer);
        resolve({ content: [{ type: 'text', text: 'met ' + parties }] });
      };
      meeting.push(done);
      if (meeting.length >= parties) {
        const met = meeting;
        meeting = [];
        met.forEach((meet) => meet());
      }
    });
  }
  return { content: [{ type: 'text', text: 'no such tool' }], isError: true };
});

server.connect(new StdioServerTransport()).catch((error) => {
  process.stderr.write('mcp-probe: ' + error + '\n');
  process.exit(1);
});
