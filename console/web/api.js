// The console's client of /api/…: JSON in and out, the session cookie, the CSRF header on every change,
// and every failure as an ApiError that carries the server's Spanish message and its details.

/** A failed API call: HTTP status, the API's stable code, its Spanish message and (for validation) details. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = Array.isArray(details) ? details : [];
  }
}

const NETWORK_MESSAGE = 'No se pudo comunicar con el servidor. Revise su conexión e intente de nuevo.';

/**
 * One client per page. `onUnauthenticated` runs when a call (other than the login ones) finds the session
 * gone, so the app can show the login screen again.
 */
export class ApiClient {
  constructor({ onUnauthenticated } = {}) {
    this.csrfToken = null;
    this.onUnauthenticated = onUnauthenticated ?? (() => {});
  }

  async request(method, url, body, { quietAuth = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET' && this.csrfToken) headers['X-CSRF-Token'] = this.csrfToken;
    let response;
    try {
      response = await fetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, 'NetworkError', NETWORK_MESSAGE);
    }
    if (response.status === 204) return null;
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      const err = data && data.error ? data.error : {};
      const error = new ApiError(
        response.status,
        err.code || `Http${response.status}`,
        err.message || `El servidor respondió con un error (${response.status}).`,
        err.details,
      );
      if (response.status === 401 && !quietAuth) this.onUnauthenticated(error);
      throw error;
    }
    if (data === null) throw new ApiError(response.status, 'InvalidResponse', 'El servidor envió una respuesta que no se pudo leer.');
    return data;
  }

  // --- session -------------------------------------------------------------------------------------------
  async login(email, password) {
    const data = await this.request('POST', '/api/auth/login', { email, password }, { quietAuth: true });
    this.csrfToken = data.csrfToken;
    return data.user;
  }

  /** The signed-in user, or null when there is no session. */
  async me() {
    try {
      const data = await this.request('GET', '/api/auth/me', undefined, { quietAuth: true });
      this.csrfToken = data.csrfToken;
      return data.user;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) return null;
      throw error;
    }
  }

  async logout() {
    try {
      await this.request('POST', '/api/auth/logout', undefined, { quietAuth: true });
    } finally {
      this.csrfToken = null;
    }
  }

  // --- catalog -------------------------------------------------------------------------------------------
  getDraft() {
    return this.request('GET', '/api/catalog/draft');
  }
  replaceDraft(catalog) {
    return this.request('PUT', '/api/catalog/draft', catalog);
  }
  createService(service) {
    return this.request('POST', '/api/catalog/draft/services', service);
  }
  /** Validates a catalog file on the server without storing it: `{ valid, services, active, diff }` or an ApiError with details. */
  validateImport(catalog, asDraft) {
    return this.request('POST', `/api/catalog/import?dryRun=true&draft=${asDraft ? 'true' : 'false'}`, catalog);
  }
  saveService(originalCode, service) {
    return this.request('PUT', `/api/catalog/draft/services/${encodeURIComponent(originalCode)}`, service);
  }
  deleteService(code) {
    return this.request('DELETE', `/api/catalog/draft/services/${encodeURIComponent(code)}`);
  }
  saveSettings(settings) {
    return this.request('PUT', '/api/catalog/draft/settings', settings);
  }
  discardDraft() {
    return this.request('POST', '/api/catalog/draft/discard', {});
  }
  publish(note) {
    return this.request('POST', '/api/catalog/publish', note ? { note } : {});
  }
  listVersions() {
    return this.request('GET', '/api/catalog/versions');
  }
  getVersion(version) {
    return this.request('GET', `/api/catalog/versions/${encodeURIComponent(version)}`);
  }
  diff(from, to) {
    return this.request('GET', `/api/catalog/diff?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  }
  rollback(version, note) {
    return this.request('POST', '/api/catalog/rollback', note ? { version, note } : { version });
  }
  route(text, target) {
    return this.request('POST', '/api/catalog/route', { text, target });
  }
  importCatalog(catalog, asDraft) {
    return this.request('POST', `/api/catalog/import?draft=${asDraft ? 'true' : 'false'}`, catalog);
  }
  // --- live attention ------------------------------------------------------------------------------------
  handoffSnapshot() {
    return this.request('GET', '/api/handoff/snapshot');
  }
  setPresence(status) {
    return this.request('PUT', '/api/handoff/presence', { status });
  }
  acceptHandoff(id) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/accept`, {});
  }
  handoffDetail(id) {
    return this.request('GET', `/api/handoff/${encodeURIComponent(id)}`);
  }
  /** `clientId` makes a retried send count once. */
  sendReply(id, text, clientId) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/messages`, clientId ? { text, clientId } : { text });
  }
  sendPhrase(id, key) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/phrases`, { key });
  }
  sendTyping(id) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/typing`, {});
  }
  ticketDraft(id) {
    return this.request('GET', `/api/handoff/${encodeURIComponent(id)}/ticket-draft`);
  }
  createHandoffTicket(id, ticket) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/ticket`, ticket);
  }
  /** `to`: `{ group, note }` or `{ agentUserId, note }`. */
  transferHandoff(id, to) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/transfer`, to);
  }
  returnToBot(id) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/return`, {});
  }
  closeHandoff(id) {
    return this.request('POST', `/api/handoff/${encodeURIComponent(id)}/close`, {});
  }

  // --- tickets -------------------------------------------------------------------------------------------
  /** Registers a request that came by letter (oficio) or in person: `{ ticket, created }`. */
  registerTicket(body) {
    return this.request('POST', '/api/tickets', body);
  }

  /** The address that downloads a catalog file (`'draft'`, a version number, or latest published). */
  exportUrl(version) {
    return version === undefined || version === null ? '/api/catalog/export' : `/api/catalog/export?version=${encodeURIComponent(version)}`;
  }
}
