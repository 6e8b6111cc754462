/** The OpenAPI description of the HTTP API (served at /api/openapi.json). */
export function openApiDocument(): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const errors = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: String(c), content: { 'application/json': { schema: error } } }]));
  const bearer = [{ directLineToken: [] }];
  const session = [{ consoleSession: [] }];
  const editor = (summary: string, ok: string, ...codes: number[]) => ({
    summary: `${summary} (coordinador o administrador; cambios con X-CSRF-Token)`,
    security: session,
    responses: { '200': { description: ok }, ...errors(401, 403, ...codes) },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Ventanilla', version: '0.1.0', description: 'Mesa de ayuda multicanal: Direct Line, Bot Framework y operación.' },
    components: {
      securitySchemes: {
        directLineToken: { type: 'http', scheme: 'bearer', description: 'Token de conversación o secreto de Direct Line' },
        consoleSession: { type: 'apiKey', in: 'cookie', name: 'vt_session', description: 'Sesión de la consola (POST /api/auth/login)' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
        },
        Conversation: {
          type: 'object',
          properties: { conversationId: { type: 'string' }, token: { type: 'string' }, expires_in: { type: 'integer' }, streamUrl: { type: 'string' } },
        },
        RouteDecision: {
          type: 'object',
          required: ['text', 'decision', 'code', 'confidence', 'alternatives'],
          properties: {
            text: { type: 'string' },
            decision: { enum: ['service', 'informative', 'out_of_scope', 'ambiguous'] },
            code: { type: ['string', 'null'] },
            confidence: { type: 'number', minimum: 0, maximum: 1 },
            alternatives: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, confidence: { type: 'number' } } } },
          },
        },
        ActivitySet: { type: 'object', properties: { activities: { type: 'array', items: { type: 'object' } }, watermark: { type: 'string' } } },
      },
    },
    paths: {
      '/health': { get: { summary: 'El proceso está vivo', responses: { '200': { description: 'ok' } } } },
      '/ready': { get: { summary: 'La base de datos responde', responses: { '200': { description: 'lista' }, ...errors(503) } } },
      '/metrics': { get: { summary: 'Métricas Prometheus', responses: { '200': { description: 'text/plain' } } } },
      '/v3/directline/tokens/generate': {
        post: { summary: 'Token para una conversación nueva', responses: { '200': { description: 'token' }, ...errors(401, 403, 429) } },
      },
      '/v3/directline/tokens/refresh': {
        post: { summary: 'Renueva un token', security: bearer, responses: { '200': { description: 'token' }, ...errors(401, 403, 404) } },
      },
      '/v3/directline/conversations': {
        post: { summary: 'Inicia o reanuda la conversación del token', security: bearer, responses: { '200': { description: 'conversación' }, '201': { description: 'creada' }, ...errors(401, 403, 404) } },
      },
      '/v3/directline/conversations/{conversationId}': {
        get: { summary: 'Reconexión: nuevo streamUrl desde watermark', security: bearer, responses: { '200': { description: 'conversación' }, ...errors(400, 401, 403, 404) } },
      },
      '/v3/directline/conversations/{conversationId}/activities': {
        get: { summary: 'Actividades después de watermark', security: bearer, responses: { '200': { description: 'actividades' }, ...errors(400, 401, 403, 404) } },
        post: { summary: 'Envía una actividad', security: bearer, responses: { '200': { description: '{ id }' }, ...errors(400, 401, 403, 404, 413, 429) } },
      },
      '/api/auth/login': { post: { summary: 'Inicia sesión en la consola: cookie httpOnly y token CSRF', responses: { '200': { description: '{ user, csrfToken }' }, ...errors(400, 401, 429) } } },
      '/api/auth/logout': { post: { summary: 'Cierra la sesión', responses: { '204': { description: 'cerrada' } } } },
      '/api/auth/me': { get: { summary: 'Usuario de la sesión', security: session, responses: { '200': { description: '{ user, csrfToken }' }, ...errors(401) } } },
      '/api/catalog/draft': { get: editor('Borrador del catálogo', 'borrador', 404), put: editor('Reemplaza el borrador', 'borrador', 400) },
      '/api/catalog/draft/settings': { put: editor('Idioma, canalización y ejemplos fuera de ámbito', 'borrador', 400) },
      '/api/catalog/draft/services': { post: editor('Agrega un servicio nuevo al borrador', 'borrador', 400, 409) },
      '/api/catalog/draft/services/{code}': { put: editor('Crea o edita un servicio del borrador', 'borrador', 400, 409), delete: editor('Quita un servicio del borrador', 'borrador', 404) },
      '/api/catalog/draft/discard': { post: editor('Regresa el borrador a la versión publicada', 'borrador', 404) },
      '/api/catalog/publish': { post: editor('Publica el borrador como versión nueva', 'versión', 400, 409) },
      '/api/catalog/versions': { get: editor('Historial de versiones', 'versiones') },
      '/api/catalog/versions/{version}': { get: editor('Una versión con su catálogo', 'versión', 400, 404) },
      '/api/catalog/diff': { get: editor('Diferencias entre versiones (from, to: número o «draft»)', 'diferencias', 400, 404) },
      '/api/catalog/rollback': { post: editor('Publica de nuevo una versión anterior', 'versión', 400, 404) },
      '/api/catalog/import': { post: editor('Valida e importa un catálogo (?draft=true: solo borrador; ?dryRun=true: solo valida y dice qué cambiaría)', 'versión, borrador o resultado de la validación', 400) },
      '/api/catalog/export': { get: editor('Descarga el catálogo (?version=N | draft)', 'ventanilla.catalog/v1', 400, 404) },
      '/api/catalog/route': {
        post: {
          ...editor('Decisión de enrutamiento para un texto ({ text, target?: published | draft })', 'decisión', 400, 404),
          responses: { '200': { description: 'decisión', content: { 'application/json': { schema: { $ref: '#/components/schemas/RouteDecision' } } } }, ...errors(400, 401, 403, 404) },
        },
      },
      '/api/messages': { post: { summary: 'Bot Framework (Azure Bot Service, Emulator)', responses: { '200': { description: 'ok' }, ...errors(401) } } },
    },
  };
}
