import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';

const logger = new Logger('UnexpectedError');

/**
 * An error that is not the client's fault, whatever transport met it: its details go to the log
 * under a fresh reference, and the client is told only that reference, in these same words, so
 * a report quoting it leads to the log line.
 */
export function referenceUnexpectedError(during: string, error: unknown): string {
  const reference = randomUUID();
  logger.error(`${during} failed, reference ${reference}: ${error instanceof Error ? error.stack : String(error)}`);
  return `internal error (reference ${reference}); try again later`;
}
