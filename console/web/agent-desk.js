// What the agent console knows, kept while the agent moves between sections: the last snapshot (queue, own
// conversations, phrases), the transcript of every followed conversation (merged by seq, so each line shows once
// whatever path it came by), who is typing, and the alerts for new queued conversations (a short beep and the
// «(N) Ventanilla — consola» title while the person is not looking at «Atención»).
import { AgentSocket } from './agent-socket.js';

const TYPING_SHOW_MS = 5000;
const MAX_FOLLOW = 200;

// --- the beep ------------------------------------------------------------------------------------------------
let audio = null;

/** The AudioContext may only start after a gesture: the first click or key on the page unlocks it. */
function unlockAudio() {
  try {
    audio ??= new AudioContext();
    if (audio.state === 'suspended') audio.resume().catch(() => {});
  } catch {
    audio = null;
  }
}

/** A short two-tone beep, synthesised (no file, no network). Silent when the browser has no audio. */
function beep() {
  document.body.dataset.agentBeeps = String(Number(document.body.dataset.agentBeeps ?? 0) + 1);
  if (!audio) return;
  try {
    const now = audio.currentTime;
    for (const [offset, frequency] of [[0, 880], [0.16, 1175]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = 'sine';
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, now + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.14);
      osc.connect(gain);
      gain.connect(audio.destination);
      osc.start(now + offset);
      osc.stop(now + offset + 0.15);
    }
  } catch {
    // no sound, the title still tells
  }
}

export class AgentDesk {
  /** `onBadge(n)`: n queued conversations the agent has not seen yet (0 = none). */
  constructor({ api, user, onSessionEnded, onBadge }) {
    this.api = api;
    this.user = user;
    this.onSessionEnded = onSessionEnded ?? (() => {});
    this.onBadge = onBadge ?? (() => {});
    this.snapshot = null;
    /** Date.now() when the snapshot arrived: waits are counted from it. */
    this.receivedAt = 0;
    this.connection = 'stopped';
    this.lastError = null;
    this.forbidden = false;
    /** conversationId → Map(seq → line) */
    this.transcripts = new Map();
    /** Conversations the agent opened (followed besides their own). */
    this.followed = new Set();
    this.typingUntil = new Map();
    this.known = new Set();
    this.seen = new Set();
    this.viewActive = false;
    this.unseen = 0;
    this.listeners = new Set();
    this.onVisibility = () => this.updateBadge();
    this.socket = new AgentSocket({
      follow: () => this.followMap(),
      onMessage: (message) => this.onMessage(message),
      onState: (state) => {
        this.connection = state;
        if (state === 'open') this.lastError = null;
        this.emit('connection', { state });
      },
      onSessionEnded: () => this.onSessionEnded(),
      onForbidden: () => {
        this.forbidden = true;
        this.emit('connection', { state: 'stopped' });
      },
      checkSession: async () => (await this.api.me()) !== null,
    });
  }

  start() {
    document.addEventListener('visibilitychange', this.onVisibility);
    window.addEventListener('focus', this.onVisibility);
    window.addEventListener('blur', this.onVisibility);
    document.addEventListener('pointerdown', unlockAudio, { capture: true });
    document.addEventListener('keydown', unlockAudio, { capture: true });
    this.socket.start();
  }

  stop() {
    this.socket.stop();
    document.removeEventListener('visibilitychange', this.onVisibility);
    window.removeEventListener('focus', this.onVisibility);
    window.removeEventListener('blur', this.onVisibility);
    document.removeEventListener('pointerdown', unlockAudio, { capture: true });
    document.removeEventListener('keydown', unlockAudio, { capture: true });
    this.listeners.clear();
    this.unseen = 0;
    this.onBadge(0);
  }

  /** `listener(type, data)` for 'snapshot', 'transcript', 'typing', 'connection', 'error'. Returns unsubscribe. */
  on(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(type, data = {}) {
    for (const listener of [...this.listeners]) {
      try {
        listener(type, data);
      } catch (error) {
        // A broken view must not stop the others; the page's console shows it.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }

  // --- from the server --------------------------------------------------------------------------------------
  onMessage(message) {
    switch (message.type) {
      case 'snapshot':
        this.applySnapshot(message.snapshot);
        break;
      case 'transcript':
        if (this.merge(message.conversationId, message.lines) > 0) this.emit('transcript', { conversationId: message.conversationId });
        break;
      case 'typing':
        this.typingUntil.set(message.conversationId, Date.now() + TYPING_SHOW_MS);
        this.emit('typing', { conversationId: message.conversationId });
        break;
      case 'error':
        this.lastError = String(message.message ?? '');
        this.emit('error', { message: this.lastError });
        break;
      default:
        break;
    }
  }

  /** A snapshot from the socket or from GET /api/handoff/snapshot. */
  applySnapshot(snapshot) {
    if (!snapshot || !snapshot.me) return;
    this.snapshot = snapshot;
    this.receivedAt = Date.now();
    const arriving = [...snapshot.queue.map((v) => v.id), ...snapshot.mine.filter((v) => v.status === 'offered').map((v) => v.id)];
    const fresh = arriving.filter((id) => !this.known.has(id));
    for (const id of fresh) this.known.add(id);
    if (fresh.length > 0) beep();
    this.updateBadge();
    this.emit('snapshot', { snapshot });
  }

  /** Merges lines by seq; returns how many were new. */
  merge(conversationId, lines) {
    if (!Array.isArray(lines) || lines.length === 0) return 0;
    let map = this.transcripts.get(conversationId);
    if (!map) {
      map = new Map();
      this.transcripts.set(conversationId, map);
    }
    let added = 0;
    for (const line of lines) {
      if (!line || !Number.isInteger(line.seq) || map.has(line.seq)) continue;
      map.set(line.seq, line);
      added += 1;
    }
    return added;
  }

  /** The lines of a conversation, in order. */
  lines(conversationId) {
    const map = this.transcripts.get(conversationId);
    return map ? [...map.values()].sort((a, b) => a.seq - b.seq) : [];
  }

  watermark(conversationId) {
    const map = this.transcripts.get(conversationId);
    let max = 0;
    if (map) for (const seq of map.keys()) if (seq > max) max = seq;
    return max;
  }

  isTyping(conversationId) {
    return (this.typingUntil.get(conversationId) ?? 0) > Date.now();
  }

  // --- to the server ----------------------------------------------------------------------------------------
  /** The hello's watermarks: the conversations opened here and the agent's own. */
  followMap() {
    const ids = new Set([...this.followed, ...(this.snapshot?.mine ?? []).map((v) => v.conversationId)]);
    const follow = {};
    for (const id of [...ids].slice(0, MAX_FOLLOW)) follow[id] = this.watermark(id);
    return follow;
  }

  /** Follows a conversation from what this page already has of it (its detail's transcript). */
  follow(conversationId, detailWatermark = 0) {
    this.followed.add(conversationId);
    this.socket.send({ type: 'follow', conversationId, after: Math.max(this.watermark(conversationId), detailWatermark) });
  }

  /** Tells the person the agent is typing (through the socket; through the API while it reconnects). */
  typing(handoffId) {
    if (!this.socket.send({ type: 'typing', handoffId })) this.api.sendTyping(handoffId).catch(() => {});
  }

  /** A handoff of the snapshot by id, wherever it is listed. */
  find(handoffId) {
    const s = this.snapshot;
    if (!s) return null;
    return s.mine.find((v) => v.id === handoffId) ?? s.queue.find((v) => v.id === handoffId) ?? s.others.find((v) => v.id === handoffId) ?? null;
  }

  // --- alerts -----------------------------------------------------------------------------------------------
  /** Whether the «Atención» section is on screen (the app says so on every navigation). */
  setViewActive(active) {
    this.viewActive = active;
    this.updateBadge();
  }

  attentive() {
    return this.viewActive && document.visibilityState === 'visible' && document.hasFocus();
  }

  updateBadge() {
    const queue = this.snapshot?.queue ?? [];
    if (this.attentive()) for (const v of queue) this.seen.add(v.id);
    const unseen = queue.filter((v) => !this.seen.has(v.id)).length;
    if (unseen !== this.unseen) {
      this.unseen = unseen;
      this.onBadge(unseen);
    }
  }
}
