import { invalidInput } from '../errors.ts';
import { logRecordSchema } from './log-record.ts';
import type { MessageLog } from './message-log.ts';

/** Refuses a record that breaks the log schema before it is appended, whichever log runs. */
export function validatedLog(log: MessageLog): MessageLog {
  return {
    append: (record) => {
      const checked = logRecordSchema.safeParse(record);
      if (!checked.success) return Promise.reject(invalidInput(`record: ${checked.error.issues[0]!.path.join('.')}: ${checked.error.issues[0]!.message}`));
      return log.append(checked.data);
    },
    close: () => log.close(),
    lag: () => log.lag(),
    ...(log.ready ? { ready: () => log.ready!() } : {}),
  };
}
