// VCTT Stream test client: plain JavaScript, no build step, no library.
// One WebSocket to /stream (the native protocol: {"event", "data"} JSON text frames) carries the
// streams of every pane; stream_start echoes our requestId, after which sessionId routes events.
// When the socket drops (not closed by us), the page reconnects by itself, with backoff, and resumes
// every running pane from the chunk after the last one it shows (stream_resume).
'use strict';

(() => {
  const PANES = [
    { id: 'a', title: 'Pane A', role: 'analyst' },
    { id: 'b', title: 'Pane B', role: 'ethics' },
  ];

  const connection = {
    socket: null,
    opening: null,
    panesByRequest: new Map(),
    panesBySession: new Map(),
    closingOnPurpose: false,
    reconnectAttempt: 0,
    reconnectTimer: null,
  };
  // the server keeps a dropped connection's streams for its resume grace (30 s by default)
  const RECONNECT_DELAYS_MS = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000];
  // close codes after which trying again cannot help: protocol errors and refusals
  const FINAL_CLOSE_CODES = [1002, 1003, 1007, 1008, 1009, 1010];
  let requestCounter = 0;
  let offlineDemo = false;

  const $ = (selector, root = document) => root.querySelector(selector);

  function showPageError(text) {
    const box = $('#page-error');
    box.textContent = text;
    box.hidden = !text;
  }

  function setConnectionState(state) {
    const label = $('#connection-state');
    label.dataset.state = state;
    label.textContent = state;
    $('#connect').textContent = state === 'disconnected' ? 'Connect' : 'Disconnect';
    document.body.dataset.connection = state;
  }

  /** Opens the WebSocket if it is not open; resolves when it is. */
  function connect() {
    if (connection.socket && connection.socket.readyState === WebSocket.OPEN) {
      return Promise.resolve(connection.socket);
    }
    if (connection.opening) {
      return connection.opening;
    }
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    // browsers cannot set headers on a WebSocket: the key goes as the documented ?token= parameter
    const key = $('#api-key').value.trim();
    const socket = new WebSocket(scheme + location.host + '/stream' + (key ? '?token=' + encodeURIComponent(key) : ''));
    connection.socket = socket;
    setConnectionState('connecting');
    connection.opening = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => {
        connection.opening = null;
        setConnectionState('connected');
        showPageError('');
        resolve(socket);
        if (connection.reconnectAttempt > 0) {
          connection.reconnectAttempt = 0;
          for (const pane of panes) {
            pane.resume();
          }
        }
      });
      socket.addEventListener('close', (event) => {
        const wasOpening = connection.opening !== null;
        connection.opening = null;
        if (connection.socket === socket) {
          connection.socket = null;
        }
        const onPurpose = connection.closingOnPurpose;
        connection.closingOnPurpose = false;
        const why = event.code === 1000 || event.code === 1005 ? '' : ` (close code ${event.code}${event.reason ? ': ' + event.reason : ''})`;
        const reconnecting = !onPurpose && !FINAL_CLOSE_CODES.includes(event.code)
          && (connection.reconnectAttempt > 0 || !wasOpening)
          && connection.reconnectAttempt < RECONNECT_DELAYS_MS.length;
        if (reconnecting) {
          scheduleReconnect(why);
        } else {
          connection.reconnectAttempt = 0;
          setConnectionState('disconnected');
          for (const pane of panes) {
            pane.connectionLost('the connection closed' + why);
          }
          connection.panesByRequest.clear();
          connection.panesBySession.clear();
        }
        if (wasOpening) {
          reject(new Error('cannot connect to ' + socket.url.split('?')[0] + why));
        }
      });
    });
    socket.addEventListener('message', (frame) => dispatch(frame.data));
    return connection.opening;
  }

  function disconnect() {
    if (connection.reconnectTimer) {
      clearTimeout(connection.reconnectTimer);
      connection.reconnectTimer = null;
      connection.reconnectAttempt = 0;
      setConnectionState('disconnected');
      for (const pane of panes) {
        pane.connectionLost('disconnected');
      }
    }
    if (connection.socket) {
      connection.closingOnPurpose = true;
      connection.socket.close(1000, 'bye');
    }
  }

  /** The socket dropped: try again after a growing delay; running panes wait, then resume. */
  function scheduleReconnect(why) {
    const delay = RECONNECT_DELAYS_MS[connection.reconnectAttempt];
    connection.reconnectAttempt += 1;
    setConnectionState('reconnecting');
    for (const pane of panes) {
      pane.waitingForConnection(`connection lost${why}; reconnecting in ${delay} ms…`);
    }
    // requests without a session yet cannot be resumed; their panes fail in waitingForConnection
    connection.panesByRequest.clear();
    connection.reconnectTimer = setTimeout(() => {
      connection.reconnectTimer = null;
      connect().catch(() => {
        // the close handler of the failed attempt schedules the next one, or gives up
      });
    }, delay);
  }

  function send(event, data) {
    connection.socket.send(JSON.stringify({ event, data }));
  }

  function dispatch(text) {
    let frame;
    try {
      frame = JSON.parse(text);
    } catch (e) {
      showPageError('The server sent a frame that is not JSON: ' + text.slice(0, 200));
      return;
    }
    const { event, data } = frame;
    if (band.handles(event, data)) {
      return;
    }
    const bySession = data && data.sessionId ? connection.panesBySession.get(data.sessionId) : undefined;
    switch (event) {
      case 'stream_start': {
        const pane = connection.panesByRequest.get(data.requestId);
        if (pane) {
          connection.panesBySession.set(data.sessionId, pane);
          pane.started(data);
        }
        break;
      }
      case 'stream_chunk':
        if (bySession) bySession.chunk(data);
        break;
      case 'stream_resync':
        if (bySession) bySession.resynced(data);
        break;
      case 'stream_fallback':
        if (bySession) bySession.fallback(data);
        break;
      case 'stream_heartbeat':
        if (bySession) bySession.heartbeat(data);
        break;
      case 'stream_tool_call':
        if (bySession) bySession.toolCall(data);
        break;
      case 'stream_tool_result':
        if (bySession) bySession.toolResult(data);
        break;
      case 'stream_complete':
        if (bySession) {
          connection.panesBySession.delete(data.sessionId);
          connection.panesByRequest.delete(data.requestId);
          bySession.completed(data);
        }
        break;
      case 'stream_error': {
        const pane = bySession || connection.panesByRequest.get(data.requestId);
        if (data.sessionId) connection.panesBySession.delete(data.sessionId);
        if (pane) {
          connection.panesByRequest.delete(data.requestId);
          pane.failed(data);
        } else {
          showPageError(`${data.code}: ${data.error}`);
        }
        break;
      }
      default:
        break;
    }
  }

  function formatUsd(value) {
    if (typeof value !== 'number') return '–';
    if (value === 0) return '$0';
    return '$' + value.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
  }

  function modelLabel(model) {
    return model === 'demo' ? 'demo (offline demo model)' : model;
  }

  class Pane {
    constructor(spec) {
      const root = $('#pane-template').content.firstElementChild.cloneNode(true);
      root.dataset.pane = spec.id;
      $('.pane-title', root).textContent = spec.title;
      $('select[name="agentRole"]', root).value = spec.role;
      this.root = root;
      this.id = spec.id;
      this.history = [];
      this.current = null;
      this.conversation = $('.conversation', root);
      this.stopButton = $('button.stop', root);
      this.sendButton = $('button.send', root);
      $('form', root).addEventListener('submit', (event) => {
        event.preventDefault();
        this.send();
      });
      $('textarea[name="message"]', root).addEventListener('keydown', (event) => {
        if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
          event.preventDefault();
          this.send();
        }
      });
      this.stopButton.addEventListener('click', () => this.stop());
      $('button.clear', root).addEventListener('click', () => this.clear());
    }

    field(name) {
      return $(`[name="${name}"]`, this.root);
    }

    meta(name, text) {
      $(`[data-meta="${name}"]`, this.root).textContent = text;
    }

    showError(text) {
      const box = $('.error', this.root);
      box.textContent = text;
      box.hidden = !text;
    }

    setBusy(busy) {
      this.sendButton.disabled = busy;
      this.stopButton.disabled = !busy;
    }

    request(message) {
      const data = {
        message,
        temperature: Number(this.field('temperature').value || 0.7),
        agentRole: this.field('agentRole').value,
        enableTools: this.field('enableTools').checked,
        requestId: `${this.id}-${++requestCounter}`,
      };
      const systemPrompt = this.field('systemPrompt').value.trim();
      if (systemPrompt) data.systemPrompt = systemPrompt;
      if (this.history.length > 0) data.history = this.history.slice();
      return data;
    }

    async send() {
      const message = this.field('message').value.trim();
      if (!message || this.current) return;
      const data = this.request(message);
      this.showError('');
      this.addTurn(message);
      this.field('message').value = '';
      this.current = {
        requestId: data.requestId, message, sessionId: null, sentAt: performance.now(),
        firstChunkAt: null, stopRequested: false, lastIndex: -1, chunkEnds: [], duplicates: 0,
      };
      connection.panesByRequest.set(data.requestId, this);
      this.resetMeta();
      this.meta('status', 'connecting…');
      this.setBusy(true);
      try {
        await connect();
      } catch (e) {
        this.failed({ code: 'CONNECTION', error: e.message });
        return;
      }
      this.meta('status', 'sent, waiting for stream_start…');
      send('stream_request', data);
    }

    addTurn(message) {
      const empty = $('.empty', this.conversation);
      if (empty) empty.remove();
      const turn = document.createElement('div');
      turn.className = 'turn';
      turn.innerHTML = '<div class="who">you</div><div class="question"></div>'
        + '<div class="who">assistant</div><div class="answer" data-state="waiting">'
        + '<span class="answer-text"></span><span class="cursor"></span></div>';
      $('.question', turn).textContent = message;
      this.conversation.append(turn);
      this.answer = $('.answer', turn);
      this.answerText = document.createTextNode('');
      $('.answer-text', turn).append(this.answerText);
      this.scroll();
    }

    note(text) {
      const line = document.createElement('p');
      line.className = 'note';
      line.textContent = text;
      this.answer.parentElement.append(line);
      this.scroll();
    }

    scroll() {
      this.conversation.scrollTop = this.conversation.scrollHeight;
    }

    resetMeta() {
      for (const name of ['session', 'model', 'tokens', 'cost', 'ttft', 'latency', 'finish']) {
        this.meta(name, '–');
      }
    }

    started(data) {
      const current = this.current;
      if (!current) return;
      current.sessionId = data.sessionId;
      current.model = data.model;
      this.answer.dataset.session = data.sessionId;
      this.meta('session', data.sessionId);
      this.meta('model', modelLabel(data.model));
      this.meta('status', 'waiting for the first token…');
      if (current.stopRequested) {
        send('stream_cancel', { sessionId: data.sessionId });
      }
    }

    chunk(data) {
      const current = this.current;
      if (!current) return;
      if (data.index <= current.lastIndex) {
        // never expected (a resume starts after the last index shown); counted, not shown twice
        current.duplicates += 1;
        this.answer.dataset.duplicates = String(current.duplicates);
        return;
      }
      current.lastIndex = data.index;
      current.chunkEnds[data.index] = this.answerText.length + data.chunk.length;
      if (current.firstChunkAt === null) {
        current.firstChunkAt = performance.now();
        this.meta('ttft', `${Math.round(current.firstChunkAt - current.sentAt)} ms (measured here)`);
      }
      if (data.model !== current.model) {
        current.model = data.model;
        this.meta('model', modelLabel(data.model));
      }
      this.answer.dataset.state = 'streaming';
      this.answerText.appendData(data.chunk);
      this.meta('status', current.stopRequested ? 'stopping…' : `streaming (chunk ${data.index + 1})`);
      this.meta('tokens', `${data.tokensUsed} output so far`);
      this.meta('cost', `${formatUsd(data.estimatedCost)} so far (estimate)`);
      this.scroll();
    }

    /** The server kept less than we show: our text from chunk fromIndex on is replaced by data.text. */
    resynced(data) {
      const current = this.current;
      if (!current) return;
      const keep = data.fromIndex > 0 ? current.chunkEnds[data.fromIndex - 1] || 0 : 0;
      this.answerText.deleteData(keep, this.answerText.length - keep);
      this.answerText.appendData(data.text);
      current.chunkEnds.length = data.fromIndex;
      current.lastIndex = data.fromIndex - 1;
      this.note(`resynced at chunk ${data.fromIndex}: the server kept less than was shown`);
    }

    /** The socket dropped; a stream that has a session waits for the reconnection, one without fails. */
    waitingForConnection(why) {
      const current = this.current;
      if (!current) return;
      if (!current.sessionId) {
        this.failed({ code: 'DISCONNECTED', error: why + ' (the stream had not started; send it again)' });
        return;
      }
      this.meta('status', why);
    }

    /** Back on a new socket: ask for the stream from the chunk after the last one shown. */
    resume() {
      const current = this.current;
      if (!current || !current.sessionId) return;
      const fromIndex = current.lastIndex + 1;
      connection.panesBySession.set(current.sessionId, this);
      send('stream_resume', { sessionId: current.sessionId, fromIndex });
      this.note(`resumed at chunk ${fromIndex}`);
      this.meta('status', `resumed at chunk ${fromIndex}`);
      if (current.stopRequested) {
        send('stream_cancel', { sessionId: current.sessionId });
      }
    }

    fallback(data) {
      if (!this.current) return;
      this.meta('model', `${data.from} → ${modelLabel(data.to)} (fallback)`);
      this.note(`stream_fallback: ${data.from} failed (${data.reason}); ${data.to} takes over at chunk ${data.atIndex}`);
    }

    // Each tool call sits inline where it happened in the answer, collapsed: name and outcome on
    // the summary line; arguments, result (or error) and time inside. Text goes on after it.
    toolCall(data) {
      if (!this.current) return;
      const call = document.createElement('details');
      call.className = 'tool-call';
      call.dataset.state = 'running';
      const summary = document.createElement('summary');
      summary.textContent = `tool ${data.server ? `${data.server}/` : ''}${data.name}: running…`;
      const args = document.createElement('pre');
      args.className = 'tool-arguments';
      args.textContent = data.arguments;
      const result = document.createElement('pre');
      result.className = 'tool-result';
      call.append(summary, args, result);
      const text = $('.answer-text', this.answer.parentElement);
      text.append(call);
      this.answerText = document.createTextNode('');
      text.append(this.answerText);
      this.toolCalls = this.toolCalls || new Map();
      this.toolCalls.set(data.toolCallId, { call, summary, result, name: data.name, server: data.server });
      this.meta('status', `running tool ${data.name}…`);
      this.scroll();
    }

    toolResult(data) {
      const entry = this.toolCalls && this.toolCalls.get(data.toolCallId);
      if (!entry) return;
      entry.call.dataset.state = data.ok ? 'ok' : 'error';
      const where = entry.server ? `${entry.server}/` : '';
      entry.summary.textContent = `tool ${where}${entry.name}: ${data.ok ? 'ok' : 'error'} in ${data.durationMs} ms`
        + (data.truncated ? ' (result truncated)' : '');
      entry.result.textContent = data.content;
      this.scroll();
    }

    heartbeat(data) {
      if (!this.current || this.current.firstChunkAt !== null) return;
      this.meta('status', `waiting… ${(data.waitingMs / 1000).toFixed(0)} s without a token`);
    }

    completed(data) {
      const current = this.current;
      if (!current) return;
      this.current = null;
      this.answer.dataset.state = data.finishReason === 'cancelled' ? 'cancelled' : 'done';
      const estimated = data.usageEstimated ? ', estimated' : '';
      this.meta('status', data.finishReason === 'cancelled' ? 'stopped' : 'done');
      this.meta('model', modelLabel(data.model) + (data.fallbackUsed
        ? ` (after fallback: ${data.modelsTried.map((m) => `${m.model} ${m.outcome}`).join(', ')})` : ''));
      this.meta('tokens', `${data.totalTokens} (${data.inputTokens} in, ${data.outputTokens} out${estimated})`);
      this.meta('cost', formatUsd(data.totalCost) + (data.usageEstimated ? ' (estimate)' : ''));
      this.meta('ttft', data.firstTokenMs === null ? 'no token' : `${data.firstTokenMs} ms`);
      this.meta('latency', `${data.latencyMs} ms`);
      this.meta('finish', data.finishReason + (data.toolCalls ? ` (${data.steps} steps, ${data.toolCalls} tool calls)` : ''));
      if (data.fullText && this.answerText.data !== data.fullText && data.finishReason !== 'cancelled') {
        this.showError('the streamed text differs from the full text the server reports');
      }
      this.history.push({ role: 'user', content: current.message });
      if (data.fullText) {
        this.history.push({ role: 'assistant', content: data.fullText });
      }
      this.setBusy(false);
    }

    failed(data) {
      const current = this.current;
      this.current = null;
      if (current && this.answer) {
        this.answer.dataset.state = 'error';
        if (!this.answerText.data) this.answerText.appendData('(no answer)');
      }
      this.meta('status', 'error');
      this.meta('finish', data.code);
      this.showError(`${data.code}: ${data.error}`);
      this.setBusy(false);
    }

    connectionLost(why) {
      if (this.current) {
        this.failed({ code: 'DISCONNECTED', error: why });
      }
    }

    stop() {
      const current = this.current;
      if (!current) return;
      current.stopRequested = true;
      this.meta('status', 'stopping…');
      this.stopButton.disabled = true;
      if (current.sessionId && connection.socket && connection.socket.readyState === WebSocket.OPEN) {
        send('stream_cancel', { sessionId: current.sessionId });
      }
    }

    clear() {
      if (this.current) this.stop();
      this.history = [];
      this.conversation.replaceChildren();
      const empty = document.createElement('p');
      empty.className = 'empty';
      empty.textContent = 'No messages yet.';
      this.conversation.append(empty);
      this.showError('');
      this.resetMeta();
      this.meta('status', 'idle');
    }
  }

  // Band Jam: band_start opens one pane per member; every member event carries bandId and agentRole,
  // and the synthesiser and verifier join as further members; band_complete brings the verdict.
  const band = {
    root: $('#band'),
    id: null,
    requestId: null,
    members: new Map(),

    handles(event, data) {
      if (!data) return false;
      if (event === 'band_start' && data.requestId === this.requestId) {
        this.id = data.bandId;
        $('[data-band="id"]', this.root).textContent = data.bandId;
        $('.stop', this.root).disabled = false;
        for (const member of data.members) this.pane(member.sessionId, member.agentRole, member.model);
        return true;
      }
      if (event === 'band_complete' && data.bandId === this.id) {
        this.completed(data);
        return true;
      }
      if (event === 'stream_error' && !data.sessionId && this.requestId && data.requestId === this.requestId) {
        this.error(`${data.code}: ${data.error}`);
        $('.send', this.root).disabled = false;
        return true;
      }
      if (!data.bandId || data.bandId !== this.id) return false;
      const pane = this.members.get(data.sessionId) || this.pane(data.sessionId, data.agentRole, data.model || '');
      if (event === 'stream_start') {
        $('[data-member="status"]', pane).textContent = 'streaming (' + data.model + ')';
      } else if (event === 'stream_chunk') {
        $('.member-text', pane).textContent += data.chunk;
        $('[data-member="cost"]', pane).textContent = formatUsd(data.estimatedCost);
      } else if (event === 'stream_fallback') {
        $('[data-member="status"]', pane).textContent = 'fell back to ' + data.to;
      } else if (event === 'stream_complete') {
        $('[data-member="status"]', pane).textContent = data.finishReason;
        $('[data-member="cost"]', pane).textContent = formatUsd(data.totalCost);
      } else if (event === 'stream_error') {
        $('[data-member="status"]', pane).textContent = 'failed: ' + data.code;
      }
      return true;
    },

    pane(sessionId, role, model) {
      const pane = document.createElement('section');
      pane.className = 'pane band-member';
      pane.dataset.role = role;
      pane.dataset.session = sessionId;
      pane.innerHTML = '<header class="pane-head"><h3 class="pane-title"></h3></header>'
        + '<div class="member-text conversation"></div>'
        + '<dl class="meta"><div><dt>Status</dt><dd data-member="status">waiting</dd></div>'
        + '<div><dt>Cost</dt><dd data-member="cost">–</dd></div></dl>';
      $('.pane-title', pane).textContent = role + (model ? ' · ' + modelLabel(model) : '');
      $('#band-members').append(pane);
      this.members.set(sessionId, pane);
      return pane;
    },

    completed(data) {
      const verdict = data.verdict;
      $('[data-band="score"]', this.root).textContent = verdict ? (verdict.score === null ? 'unreadable' : String(verdict.score)) : '–';
      $('[data-band="flags"]', this.root).textContent = verdict && verdict.flags.length ? verdict.flags.join(', ') : '–';
      $('[data-band="cost"]', this.root).textContent = formatUsd(data.totalCost);
      $('[data-band="latency"]', this.root).textContent = data.latencyMs + ' ms';
      $('.stop', this.root).disabled = true;
      $('.send', this.root).disabled = false;
      this.root.dataset.state = data.cancelled ? 'cancelled' : 'complete';
    },

    error(text) {
      const box = $('.error', this.root);
      box.textContent = text;
      box.hidden = !text;
    },

    start() {
      const form = $('#band-form');
      const message = $('textarea[name="message"]', form).value.trim();
      if (!message) return;
      const roles = [...form.querySelectorAll('input[name="role"]:checked')].map((box) => box.value);
      this.requestId = 'band-' + (++requestCounter);
      this.id = null;
      this.members.clear();
      $('#band-members').replaceChildren();
      this.error('');
      this.root.dataset.state = 'running';
      for (const field of ['id', 'score', 'flags', 'cost', 'latency']) $(`[data-band="${field}"]`, this.root).textContent = '–';
      $('.send', this.root).disabled = true;
      connect().then(() => send('band_request', {
        message, roles, requestId: this.requestId,
        synthesis: $('input[name="synthesis"]', form).checked,
        verification: $('input[name="verification"]', form).checked && $('input[name="synthesis"]', form).checked,
      })).catch((e) => {
        this.error(e.message);
        $('.send', this.root).disabled = false;
      });
    },
  };
  $('#band-form').addEventListener('submit', (event) => {
    event.preventDefault();
    band.start();
  });
  $('.stop', band.root).addEventListener('click', () => {
    if (band.id && connection.socket) send('band_cancel', { bandId: band.id });
  });

  const panes = PANES.map((spec) => new Pane(spec));
  const container = $('#panes');
  for (const pane of panes) {
    container.append(pane.root);
  }

  $('#connect').addEventListener('click', () => {
    if (connection.socket) {
      disconnect();
    } else {
      connect().catch((e) => showPageError(e.message));
    }
  });

  $('#api-key').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !connection.socket) {
      connect().catch((e) => showPageError(e.message));
    }
  });

  fetch('/page-config.json', { cache: 'no-store' })
    .then((response) => (response.ok ? response.json() : null))
    .then((config) => {
      if (config && config.keyRequired) {
        $('#api-key').hidden = false;
        showPageError('This server asks for an API key (VCTT_AUTH=keys): enter one, then Connect.');
        return;
      }
      if (config && config.offlineDemo) {
        offlineDemo = true;
        const banner = $('#demo-banner');
        banner.textContent = config.notice;
        banner.hidden = false;
      }
      document.body.dataset.offlineDemo = String(offlineDemo);
      return connect();
    })
    .catch((e) => {
      document.body.dataset.offlineDemo = document.body.dataset.offlineDemo || 'unknown';
      showPageError(e.message + ' — is the server running?');
    });
})();
