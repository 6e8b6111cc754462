/** An error an HTTP route answers with: status, stable code, Spanish message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Field-level problems (`path` such as `services[3].kind`), for forms and import reports. */
    readonly details?: ReadonlyArray<{ path: string; message: string; messageEn?: string }>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toJSON(): { error: { code: string; message: string; details?: ReadonlyArray<{ path: string; message: string; messageEn?: string }> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/** The JSON error body every route uses. */
export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
