// The console's live channel to /api/agent/socket: reconnects with backoff (and at once when the network comes
// back), says hello with the watermarks it has on every (re)connect, sends a heartbeat every 10 s, and hands every
// server message to `onMessage`. Close code 4401 = the session ended; 4403 = the account may not attend.

const PATH = '/api/agent/socket';
const HEARTBEAT_MS = 10_000;
const BACKOFF_MS = [1000, 2000, 4000, 8000, 15000, 30000];
/** After this many failed attempts in a row, ask the API whether the session still exists. */
const CHECK_SESSION_AFTER = 2;

export class AgentSocket {
  /**
   * `follow()` → `{ [conversationId]: lastSeenSeq }` for the hello; `onMessage(message)`; `onState('connecting' |
   * 'open' | 'waiting' | 'stopped')`; `onSessionEnded()`; `checkSession()` → Promise<boolean> (false = logged out).
   */
  constructor({ follow, onMessage, onState, onSessionEnded, onForbidden, checkSession }) {
    this.follow = follow;
    this.onMessage = onMessage;
    this.onState = onState ?? (() => {});
    this.onSessionEnded = onSessionEnded ?? (() => {});
    this.onForbidden = onForbidden ?? (() => {});
    this.checkSession = checkSession ?? (() => Promise.resolve(true));
    this.ws = null;
    this.stopped = true;
    this.failures = 0;
    this.retryTimer = null;
    this.heartbeatTimer = null;
    this.state = 'stopped';
    this.onOnline = () => {
      if (!this.stopped && this.state === 'waiting') this.connectNow();
    };
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    window.addEventListener('online', this.onOnline);
    this.connect();
  }

  stop() {
    this.stopped = true;
    window.removeEventListener('online', this.onOnline);
    clearTimeout(this.retryTimer);
    clearInterval(this.heartbeatTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws && ws.readyState <= WebSocket.OPEN) ws.close(1000, 'bye');
    this.setState('stopped');
  }

  get isOpen() {
    return Boolean(this.ws && this.ws.readyState === WebSocket.OPEN);
  }

  /** Sends a message when connected; false when not (the next hello covers follows). */
  send(message) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify(message));
    return true;
  }

  connectNow() {
    clearTimeout(this.retryTimer);
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${scheme}//${location.host}${PATH}`);
    } catch {
      this.retry();
      return;
    }
    this.ws = ws;
    this.setState('connecting');
    let opened = false;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      opened = true;
      this.failures = 0;
      ws.send(JSON.stringify({ type: 'hello', follow: this.follow() }));
      clearInterval(this.heartbeatTimer);
      this.heartbeatTimer = setInterval(() => this.send({ type: 'heartbeat' }), HEARTBEAT_MS);
      this.setState('open');
    });
    ws.addEventListener('message', (event) => {
      if (this.ws !== ws) return;
      let message;
      try {
        message = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (message && typeof message.type === 'string') this.onMessage(message);
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.heartbeatTimer);
      if (this.stopped) return;
      if (event.code === 4401) {
        this.stop();
        this.onSessionEnded();
        return;
      }
      if (event.code === 4403) {
        this.stop();
        this.onForbidden();
        return;
      }
      if (!opened) this.failures += 1;
      this.retry();
    });
    // 'error' is always followed by 'close', which decides what to do.
    ws.addEventListener('error', () => {});
  }

  async retry() {
    if (this.stopped) return;
    this.setState('waiting');
    // A refused upgrade (401 after the session expired) looks like any network failure from here: ask the API.
    if (this.failures >= CHECK_SESSION_AFTER) {
      let valid = true;
      try {
        valid = await this.checkSession();
      } catch {
        valid = true;
      }
      if (this.stopped) return;
      if (!valid) {
        this.stop();
        this.onSessionEnded();
        return;
      }
    }
    const base = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)];
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }
}
