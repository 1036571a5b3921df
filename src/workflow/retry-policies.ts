import * as df from 'durable-functions';

function policy(firstRetryMs: number, attempts: number): df.RetryOptions {
  const options = new df.RetryOptions(firstRetryMs, attempts);
  options.backoffCoefficient = 2;
  options.maxRetryIntervalInMilliseconds = 30_000;
  return options;
}

/** Storage and Key Vault housekeeping: five attempts over about a minute. */
export const HOUSEKEEPING = policy(2000, 5);
/** A person is waiting for verification: three quick attempts for Entra ID or Key Vault hiccups. */
export const VERIFICATION = policy(1000, 3);
