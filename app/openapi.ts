/** The OpenAPI description of the HTTP API (served at /api/openapi.json). */
export function openApiDocument(): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const errors = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: String(c), content: { 'application/json': { schema: error } } }]));
  const bearer = [{ directLineToken: [] }];
  return {
    openapi: '3.1.0',
    info: { title: 'Ventanilla', version: '0.1.0', description: 'Mesa de ayuda multicanal: Direct Line, Bot Framework y operación.' },
    components: {
      securitySchemes: { directLineToken: { type: 'http', scheme: 'bearer', description: 'Token de conversación o secreto de Direct Line' } },
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
      '/api/messages': { post: { summary: 'Bot Framework (Azure Bot Service, Emulator)', responses: { '200': { description: 'ok' }, ...errors(401) } } },
    },
  };
}
