import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs (pino). Secrets that may reach a log line are redacted. */
export function createLogger(level: string, base: Record<string, unknown> = {}): Logger {
  return pino({
    level,
    base: { service: 'ventanilla', ...base },
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', 'password', '*.password', 'token', '*.token'],
      censor: '[redactado]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
