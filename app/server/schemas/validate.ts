import type { z } from 'zod';
import { invalidInput } from '../errors.ts';

/** Parses input with a schema or throws a 400 naming the first offending field. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  const message = issue.message.startsWith(`${field}:`) || !field ? issue.message : `${field}: ${issue.message}`;
  throw invalidInput(message, result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
}
