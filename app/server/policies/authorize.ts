import { AppError } from '../errors.ts';
import type { RejectionCode } from '../pipeline/log-record.ts';

/** What a policy decides: allowed, or refused with the code and sentence a client sees. */
export type Decision = { ok: true } | { ok: false; code: RejectionCode; message: string };

export const allow: Decision = { ok: true };
export const refuse = (code: RejectionCode, message: string): Decision => ({ ok: false, code, message });
export const hidden = (what: string): Decision => refuse('not_found', `${what} not found.`);

const STATUS: Record<RejectionCode, number> = { not_found: 404, forbidden: 403, invalid_input: 400 };

/**
 * The one gate of every action: REST routes and socket handlers call it before appending, and the
 * writer evaluates the same policies inside its transaction (turning a refusal into an outcome).
 */
export function authorize(decision: Decision): void {
  if (!decision.ok) throw rejectionError(decision.code, decision.message);
}

/** The client error for a refusal the writer reported as an outcome. */
export function rejectionError(code: RejectionCode, message: string): AppError {
  return new AppError(STATUS[code], code, message);
}
