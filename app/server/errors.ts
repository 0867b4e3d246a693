/** An error a client may see: an HTTP status and a stable machine code (PROTOCOL.md). */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toJSON() {
    return { error: { code: this.code, message: this.message } };
  }
}

export const invalidInput = (message: string, details?: unknown) => new AppError(400, 'invalid_input', message, details);
export const unauthorized = (message = 'Sign in to continue.') => new AppError(401, 'unauthorized', message);
export const forbidden = (message = 'You are not allowed to do that.') => new AppError(403, 'forbidden', message);
export const notFound = (what = 'Resource') => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooLarge = (message: string) => new AppError(413, 'too_large', message);
export const unsupportedType = (message: string) => new AppError(415, 'unsupported_type', message);
export const unavailable = (message = 'A service Chat-Flow depends on is unavailable; try again shortly.') => new AppError(503, 'unavailable', message);
export const rateLimited = (message = 'Too many requests; slow down.') => new AppError(429, 'rate_limited', message);

const PG_UNIQUE_VIOLATION = '23505';
const PG_INVALID_TEXT = '22P02';
const PG_FOREIGN_KEY = '23503';

/** Maps driver errors to client errors; anything unknown becomes a 500 that hides internals. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // objection wraps driver errors; the PostgreSQL code is then on the native error.
  const wrapped = error as { code?: unknown; nativeError?: { code?: unknown } } | null;
  const code = wrapped?.nativeError?.code ?? wrapped?.code;
  if (code === PG_UNIQUE_VIOLATION) return conflict('conflict', 'That already exists.');
  if (code === PG_INVALID_TEXT) return notFound();
  if (code === PG_FOREIGN_KEY) return notFound();
  return new AppError(500, 'internal', 'Something went wrong on our side.');
}
