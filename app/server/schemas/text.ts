import { z } from 'zod';

// NUL (PostgreSQL cannot store it in text) and UTF-16 halves without their partner (not text at all).
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const UNSAFE_TEXT_MESSAGE = 'must not contain NUL characters or unpaired UTF-16 surrogates';

/** Whether a string is text the database can store and every client can show. */
export const isSafeText = (value: string) => !UNSAFE_TEXT.test(value);

/**
 * Every text input starts here: a string refusing NUL and lone surrogates, so they answer 400
 * invalid_input naming the field (validate() prefixes the path) instead of failing in the database.
 */
export const text = () => z.string().refine(isSafeText, UNSAFE_TEXT_MESSAGE);

/** An email address, refusing what `text()` refuses before its format is judged. */
export const emailText = () => text().max(320).pipe(z.email());
