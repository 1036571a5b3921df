import type { HttpResponseInit, InvocationContext } from '@azure/functions';
import { ErrorCode } from '../domain/error-codes';
import { TransientError } from '../domain/transient-error';
import { problem } from './problem';

/** The durable management API failing or out of reach: 503, logged without its address (it carries the system key). */
export async function unavailableOnFault(
  context: InvocationContext,
  answer: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await answer();
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    context.warn(`Durable management API unavailable: ${error.message}`);
    return problem(
      {
        code: ErrorCode.ServiceUnavailable,
        message: 'The orchestration records cannot be read right now. Try again in a minute.',
      },
      503,
      { 'retry-after': '30' },
    );
  }
}
