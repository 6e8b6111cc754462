/** The OpenAPI description of the HTTP API (served at /api/openapi.json). */
export function openApiDocument(): Record<string, unknown> {
  const error = { $ref: '#/components/schemas/Error' };
  const errors = (...codes: number[]) =>
    Object.fromEntries(codes.map((c) => [String(c), { description: String(c), content: { 'application/json': { schema: error } } }]));
  const bearer = [{ directLineToken: [] }];
  const session = [{ consoleSession: [] }];
  const consoleOp = (summary: string, who: string, ok: string, ...codes: number[]) => ({
    summary: `${summary} (${who})`,
    security: session,
    responses: { '200': { description: ok }, ...errors(401, 403, ...codes) },
  });
  const twilio = (summary: string, ok = 'TwiML (text/xml)') => ({
    summary: `${summary}; firmado con X-Twilio-Signature sobre PUBLIC_BASE_URL`,
    responses: { [ok === '204' ? '204' : '200']: { description: ok === '204' ? 'recibido' : ok }, ...errors(400, 403, 404) },
  });
  const editor = (summary: string, ok: string, ...codes: number[]) => ({
    summary: `${summary} (coordinador o administrador; cambios con X-CSRF-Token)`,
    security: session,
    responses: { '200': { description: ok }, ...errors(401, 403, ...codes) },
  });
  const ticketOp = (summary: string, roles: string, ok: string, ...codes: number[]) => ({
    summary: `${summary} (${roles})`,
    security: session,
    responses: { '200': { description: ok }, ...errors(401, 403, ...codes) },
  });
  const query = (name: string, description: string) => ({ name, in: 'query', required: false, schema: { type: 'string' }, description });
  const reviewMonth = { name: 'month', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, description: 'Mes AAAA-MM de la revisión' };
  const itemId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'Elemento de la muestra' };
  const ticketNumber = { name: 'number', in: 'path', required: true, schema: { type: 'string' }, description: 'Número del ticket (CAU-2026-000123)' };
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
      '/api/tickets': {
        get: {
          ...ticketOp('Tickets, del más reciente al más antiguo, por páginas', 'todos los roles; un resolutor solo ve los de su grupo', '{ tickets, nextCursor }', 400),
          parameters: [
            query('status', 'Estados separados por comas: registered, assigned, in_progress, resolved, closed, cancelled'),
            query('group', 'Grupo resolutor (nombre exacto)'),
            query('kind', 'incident, request, informative (separados por comas)'),
            query('priority', 'P1…P5 (separadas por comas)'),
            query('channel', 'Canales separados por comas'),
            query('q', 'Texto literal en número, descripción, nombre o correo del solicitante'),
            query('from', 'Desde: AAAA-MM-DD (día completo, calendario del centro) o fecha y hora ISO 8601 con zona'),
            query('to', 'Hasta: AAAA-MM-DD (incluye ese día) o fecha y hora ISO 8601 con zona (exclusiva)'),
            query('assignee', 'Correo del responsable, «me» (yo) o «none» (sin asignar)'),
            query('limit', 'Tamaño de página, 1–100 (25 por omisión)'),
            query('cursor', 'nextCursor de la página anterior'),
          ],
        },
      },
      '/api/tickets/{number}': {
        get: { ...ticketOp('Un ticket con su historial completo', 'todos los roles; resolutor: solo su grupo, otro grupo responde 404', '{ ticket, history }', 404), parameters: [ticketNumber] },
      },
      '/api/tickets/{number}/status': {
        post: {
          ...ticketOp('Cambia el estado según el ciclo de vida ({ status, note? })', 'resolutor de su grupo, coordinador o administrador; un agente solo puede cancelar; con X-CSRF-Token', '{ ticket }', 400, 404, 409),
          parameters: [ticketNumber],
        },
      },
      '/api/tickets/{number}/notes': {
        post: {
          ...ticketOp('Agrega una nota al historial ({ note }, 1–4000 caracteres)', 'todos los roles; resolutor: solo su grupo; con X-CSRF-Token', '{ event }', 400, 404),
          responses: { '201': { description: '{ event }' }, ...errors(400, 401, 403, 404) },
          parameters: [ticketNumber],
        },
      },
      '/api/tickets/{number}/assign': {
        post: {
          ...ticketOp('Reasigna a otro grupo y/o a un resolutor activo de ese grupo ({ resolverGroup?, assignee?, note? })', 'agente, coordinador o administrador; con X-CSRF-Token', '{ ticket, changed }', 400, 404, 409),
          parameters: [ticketNumber],
        },
      },
      '/api/tickets/{number}/attachments': {
        get: {
          ...ticketOp('Archivos que la persona adjuntó en la conversación del ticket, sin su contenido', 'todos los roles; resolutor: solo su grupo, otro grupo responde 404', '{ attachments: [{ id, filename, contentType, size, createdAt, url }] }', 404),
          parameters: [ticketNumber],
        },
      },
      '/api/attachments/{id}': {
        get: {
          ...ticketOp(
            'Descarga un adjunto: siempre Content-Disposition attachment, Content-Security-Policy sandbox, nosniff y sin caché; solo imágenes, PDF, texto y documentos de oficina llevan su tipo, lo demás application/octet-stream',
            'agente, coordinador o administrador; un resolutor solo si la conversación tiene un ticket de su grupo, si no responde 404',
            'el archivo',
            400,
            404,
          ),
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' }, description: 'Identificador del adjunto (url de la lista)' }],
        },
      },
      '/api/requesters': {
        get: consoleOp('Busca solicitantes por nombre, correo, dígitos del teléfono o identidad (?q=, ?limit=1..50); sin fichas fusionadas', 'coordinador o administrador', '{ requesters }', 400),
      },
      '/api/requesters/{id}': {
        get: consoleOp('Ficha con sus tickets; una ficha fusionada responde la que quedó, con mergedInto', 'coordinador o administrador', '{ requester, mergedInto }', 404),
      },
      '/api/requesters/{id}/merge': {
        post: consoleOp('Fusiona las fichas de from en esta ({ from: [id…], reason })', 'coordinador o administrador; con X-CSRF-Token', '{ requester, merged, moved, filled }', 400, 404, 409),
      },
      '/api/requesters/{id}/split': {
        post: consoleOp('Separa identidades en una ficha nueva ({ identities: [{ kind, value }…], reason }); 201', 'coordinador o administrador; con X-CSRF-Token', '{ requester, source, moved, cleared }', 400, 404, 409),
      },
      '/api/reports/monthly': {
        get: {
          ...consoleOp(
            'Reporte mensual (DESIGN.md §10: month, received, firstLevel/secondLevel/transferred/outbound/informative/outOfScope/handoffs como { count, pct } sobre recibidas, byChannel, y además contención, espera, abandono, tiempo de atención, SLA, byGroup, byUnit, byAgent); format=csv|xlsx descarga el reporte general de llamadas (una fila por llamada o conversación; el XLSX lleva además la hoja «Llamadas al exterior», una fila por intento; Content-Disposition attachment)',
            'coordinador o administrador',
            'JSON, text/csv o XLSX',
            400,
          ),
          parameters: [
            { name: 'month', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, description: 'Mes AAAA-MM del calendario de TZ' },
            { name: 'format', in: 'query', required: false, schema: { enum: ['json', 'csv', 'xlsx'] }, description: 'json (predeterminado), csv o xlsx' },
          ],
        },
      },
      '/api/reports/indicators': {
        get: {
          ...consoleOp('Los mismos indicadores para cualquier periodo (sin month; con period)', 'coordinador o administrador', '{ received, firstLevel, …, period }', 400),
          parameters: [
            query('from', 'Inicio: AAAA-MM-DD (día completo de TZ) o fecha y hora ISO con zona'),
            query('to', 'Fin: AAAA-MM-DD (incluye ese día) o fecha y hora ISO con zona; a lo más 400 días después de from'),
          ],
        },
      },
      '/api/reports/stored': {
        get: {
          ...consoleOp(
            'Reporte mensual guardado (el que se generó y envió a los coordinadores): { month, generatedAt, generatedBy, recipients, emailedAt, xlsxBytes, report } con report según DESIGN.md §10; sin month, { months: [{ month, generatedAt, generatedBy, emailedAt }] }; 404 si aún no se genera (el mensaje dice el día REPORT_DAY del mes siguiente)',
            'coordinador o administrador',
            '{ month, generatedAt, generatedBy, recipients, emailedAt, xlsxBytes, report } o { months }',
            400,
            404,
          ),
          parameters: [{ name: 'month', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, description: 'Mes AAAA-MM del calendario de TZ' }],
        },
      },
      '/api/reports/stored/xlsx': {
        get: {
          ...consoleOp('Descarga la hoja de cálculo guardada del mes (la que se adjuntó al correo; Content-Disposition attachment)', 'coordinador o administrador', 'XLSX', 400, 404),
          parameters: [{ name: 'month', in: 'query', required: true, schema: { type: 'string', pattern: '^\\d{4}-\\d{2}$' }, description: 'Mes AAAA-MM del calendario de TZ' }],
        },
      },
      '/api/reports/items': {
        get: {
          ...consoleOp('Las conversaciones, cartas y visitas detrás de una cifra (mismas condiciones que los conteos), paginadas con cursor opaco', 'coordinador o administrador', '{ items, nextCursor }', 400),
          parameters: [
            query('month', 'Mes AAAA-MM (o from y to como en /api/reports/indicators)'),
            query('from', 'Inicio del periodo'),
            query('to', 'Fin del periodo'),
            query('indicator', 'received, firstLevel, secondLevel, transferred, outbound (llamadas al exterior contestadas), outboundFailed (intentos sin respuesta: outboundAttempts − outbound; cada uno con call: { phone, attempt, maxAttempts, status, fault, requestStatus, lastResult }), informative, outOfScope, handoffs, contained, abandoned o callback'),
            query('channel', 'Solo un canal'),
            query('group', 'Solo un grupo resolutor («Sin grupo»: sin grupo)'),
            query('unit', 'Solo una unidad («Sin unidad»: sin unidad)'),
            query('agent', 'Solo un agente (correo)'),
            query('cursor', 'El nextCursor de la página anterior'),
            query('limit', '1 a 500 (50 por omisión)'),
          ],
        },
      },
      '/api/reports/weekly': {
        get: {
          ...consoleOp('Resumen semanal por agente (semana ISO de lunes a domingo en TZ; sin week, la última semana completa): conversaciones y llamadas atendidas, transferencias hechas y sin enlazar, espera promedio y p90, tiempo de atención promedio, calificación de la pre-revisión del protocolo y sus fallas por punto', 'coordinador o administrador', '{ week, from, to, timeZone, previousWeek, nextWeek, agents, totals }', 400),
          parameters: [{ name: 'week', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' }, description: 'Semana ISO AAAA-Www' }],
        },
      },
      '/api/reports/weekly/items': {
        get: {
          ...consoleOp('Las conversaciones (chat, correo, mensajería) que el agente aceptó en la semana: las mismas que cuenta su «Conversaciones» del resumen semanal; 404 si el agente no existe', 'coordinador o administrador', '{ week, from, to, agent, items }', 400, 404),
          parameters: [
            { name: 'week', in: 'query', required: false, schema: { type: 'string', pattern: '^\\d{4}-W\\d{2}$' }, description: 'Semana ISO AAAA-Www (sin ella, la última completa)' },
            { name: 'agentId', in: 'query', required: true, schema: { type: 'string', format: 'uuid' }, description: 'El agente' },
          ],
        },
      },
      '/api/conversations/{id}': {
        get: {
          ...consoleOp('Transcripción de una conversación con sus tickets, atenciones por agente y llamada', 'coordinador o administrador', '{ conversation, transcript, tickets, handoffs, call }', 404),
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'Identificador de la conversación' }],
        },
      },
      '/api/quality/reviews': {
        get: consoleOp('Revisiones de calidad de cada mes, la más reciente primero', 'coordinador o administrador', '{ reviews }'),
        post: consoleOp('Extrae la muestra del mes ({ month, size?, seed? }): estratificada por canal y agente, reproducible con la semilla guardada; 201', 'coordinador o administrador; con X-CSRF-Token', 'la revisión', 400, 409),
      },
      '/api/quality/reviews/{month}': {
        get: { ...consoleOp('Una revisión: muestra, pre-revisiones, veredictos, tabulación por tipo de incumplimiento, agente y canal, acciones correctivas y seguimiento del mes anterior', 'coordinador o administrador', 'la revisión', 400, 404), parameters: [reviewMonth] },
      },
      '/api/quality/reviews/{month}/report.xlsx': {
        get: {
          ...consoleOp('Informe de la revisión en Excel, para remitirlo a la jefatura (hojas Resumen, Tabulado, Elementos con el veredicto de cada punto y las observaciones, Acciones con su seguimiento; Content-Disposition attachment revision-calidad-AAAA-MM.xlsx)', 'coordinador o administrador', 'XLSX', 400, 404),
          parameters: [reviewMonth],
        },
      },
      '/api/quality/reviews/{month}/items/{id}': {
        get: { ...consoleOp('Un elemento de la muestra con su transcripción y su llamada', 'coordinador o administrador', 'el elemento', 400, 404), parameters: [reviewMonth, itemId] },
        put: { ...consoleOp('Confirma o corrige cada punto ({ verdicts, observations }); solo en revisión o devuelta', 'coordinador o administrador; con X-CSRF-Token', 'el elemento', 400, 404, 409), parameters: [reviewMonth, itemId] },
      },
      '/api/quality/reviews/{month}/items/{id}/recording': {
        get: (() => {
          const op = consoleOp('La grabación de la llamada, servida por Ventanilla (nunca redirige al proveedor); el encabezado Range del navegador pasa a Twilio', 'coordinador o administrador', 'audio completo', 404, 416, 502);
          return {
            ...op,
            parameters: [reviewMonth, itemId, { name: 'Range', in: 'header', required: false, schema: { type: 'string' }, description: 'bytes=inicio-fin (para adelantar o retroceder el audio)' }],
            responses: {
              ...op.responses,
              '206': { description: 'la parte pedida del audio, con Content-Range' },
              '416': { description: 'la parte pedida no existe en la grabación' },
              '502': { description: 'Twilio falló o no respondió a tiempo (se registra sin credenciales)' },
            },
          };
        })(),
      },
      '/api/quality/reviews/{month}/submit': { post: { ...consoleOp('Envía la revisión a coordinación (todos los puntos calificados)', 'coordinador o administrador; con X-CSRF-Token', 'la revisión', 400, 404, 409), parameters: [reviewMonth] } },
      '/api/quality/reviews/{month}/return': { post: { ...consoleOp('Devuelve la revisión con comentarios ({ comments })', 'coordinador; con X-CSRF-Token', 'la revisión', 400, 404, 409), parameters: [reviewMonth] } },
      '/api/quality/reviews/{month}/approve': { post: { ...consoleOp('Aprueba la revisión ({ comments? })', 'coordinador; con X-CSRF-Token', 'la revisión', 400, 404, 409), parameters: [reviewMonth] } },
      '/api/quality/reviews/{month}/actions': { post: { ...consoleOp('Asigna una acción correctiva ({ agentId, item, description, dueDate }); 201', 'coordinador o administrador; con X-CSRF-Token', 'la acción', 400, 404, 409), parameters: [reviewMonth] } },
      '/api/quality/actions': { get: consoleOp('Acciones correctivas (?status=, ?agentId=)', 'coordinador o administrador', '{ actions }', 400) },
      '/api/quality/actions/mine': { get: consoleOp('Las acciones correctivas asignadas a quien consulta', 'cualquier usuario con sesión', '{ actions }') },
      '/api/quality/actions/{id}/done': { post: consoleOp('Marca atendida una acción ({ note? })', 'el agente asignado, coordinador o administrador; con X-CSRF-Token', 'la acción', 400, 404, 409) },
      '/api/quality/actions/{id}/follow-up': { post: consoleOp('Seguimiento en el mes siguiente ({ effective, note })', 'coordinador o administrador; con X-CSRF-Token', 'la acción', 400, 404, 409) },
      '/api/health/checks': {
        get: consoleOp(
          'Revisiones de salud del sistema (?limit=, ?offset=), la más reciente primero, con su nota; las mensuales son la evidencia del mantenimiento preventivo. months: los últimos 12 meses (calendario de la mesa), cada uno con su revisión mensual (ok, warn, fail) o sin ella (missing; pending el mes en curso)',
          'administrador o coordinador',
          '{ runs, total, months }',
          400,
        ),
        post: consoleOp('Revisa la salud del sistema ahora: base de datos, canales configurados, ruta al conmutador, colas, correo, disco y memoria; 201', 'administrador; con X-CSRF-Token', '{ run }', 409, 429),
      },
      '/api/health/checks/{id}': { get: consoleOp('Una revisión de salud con cada resultado y la acción definida por la jefatura (note, notedBy, notedAt)', 'administrador o coordinador', '{ run }', 400, 404) },
      '/api/health/checks/{id}/note': {
        put: consoleOp('Registra o corrige la acción definida por la jefatura sobre una revisión ({ note }: 1 a 2000 caracteres); queda en la bitácora (health.note)', 'administrador o coordinador; con X-CSRF-Token', '{ run }', 400, 404),
      },
      '/api/directory': {
        get: consoleOp('Directorio del conmutador (?q=, ?kind=person|area, ?includeInactive=true)', 'agente, coordinador o administrador', '{ entries }', 400),
        post: consoleOp('Agrega una persona o área', 'coordinador o administrador; con X-CSRF-Token', '{ entry }', 400, 409),
      },
      '/api/directory/{id}': {
        get: consoleOp('Una entrada del directorio', 'agente, coordinador o administrador', '{ entry }', 404),
        put: consoleOp('Edita una entrada (nip: null quita el NIP)', 'coordinador o administrador; con X-CSRF-Token', '{ entry }', 400, 404, 409),
        delete: consoleOp('Da de baja una entrada (queda inactiva)', 'coordinador o administrador; con X-CSRF-Token', '{ entry }', 404),
      },
      '/api/directory/lookup': { get: consoleOp('Busca como lo haría el conmutador (?q=, ?limit=)', 'agente, coordinador o administrador', '{ outcome, matches }', 400) },
      '/api/directory/import': { post: consoleOp('Importa CSV (?replace=true, ?dryRun=true); todo o nada', 'coordinador o administrador; con X-CSRF-Token', '{ created, updated, unchanged, deactivated, errors }', 400) },
      '/api/directory/export': { get: consoleOp('Descarga el directorio en CSV (sin NIP)', 'coordinador o administrador', 'text/csv') },
      '/api/callbacks': { get: consoleOp('Llamadas por devolver (?status=pending,calling&limit=)', 'agente (sus grupos), coordinador o administrador', '{ callbacks }', 400) },
      '/api/callbacks/{id}/cancel': { post: consoleOp('Cancela una llamada por devolver', 'coordinador, administrador o agente de su grupo; con X-CSRF-Token', '{ callback }', 403, 404, 409) },
      '/api/handoff/me/phone': {
        get: consoleOp('Dónde suenan las llamadas que acepta el agente', 'agente, coordinador o administrador', '{ route }'),
        put: consoleOp('Cambia su teléfono o dirección SIP ({ route } o null)', 'agente, coordinador o administrador; con X-CSRF-Token', '{ route }', 400),
      },
      '/api/handoff/agents/{userId}/phone': {
        get: consoleOp('El teléfono de otro agente', 'coordinador o administrador', '{ route }', 404),
        put: consoleOp('Cambia el teléfono de otro agente', 'coordinador o administrador; con X-CSRF-Token', '{ route }', 400, 404),
      },
      '/api/twilio/voice': { post: twilio('Llamada entrante (TwiML: saludo y Gather)') },
      '/api/twilio/voice/gather': { post: twilio('Respuesta del que llama (SpeechResult o Digits)') },
      '/api/twilio/voice/dial': { post: twilio('Resultado de una transferencia (<Dial action>)') },
      '/api/twilio/voice/record': { post: twilio('Mensaje de voz grabado (<Record action>)') },
      '/api/twilio/voice/queue-wait': { post: twilio('Espera en la fila (waitUrl): lugar y frase de espera') },
      '/api/twilio/voice/queue-exit': { post: twilio('Salida de la fila (<Enqueue action>)') },
      '/api/twilio/voice/status': { post: twilio('Estado de la llamada (statusCallback)', '204') },
      '/api/twilio/voice/fallback': { post: twilio('URL de respaldo del número') },
      '/api/twilio/voice/callback': { post: twilio('Devolución de llamada contestada') },
      '/api/twilio/voice/callback-status': { post: twilio('Estado de una devolución de llamada', '204') },
      '/api/twilio/sms': { post: twilio('SMS o WhatsApp entrante (TwiML <Message>)') },
      '/api/messages': { post: { summary: 'Bot Framework (Azure Bot Service, Emulator)', responses: { '200': { description: 'ok' }, ...errors(401) } } },
    },
  };
}
