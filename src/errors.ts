/**
 * The error tree. Every error the engine can surface says whether retrying could help (`retryable`),
 * keeps its `cause`, and carries what an operator needs to act: the stream, the Stripe request id, the
 * SQLSTATE. Messages are one line and never contain secrets.
 */
export interface ErrorDetails {
  cause?: unknown;
  stream?: string;
  account?: string;
  requestId?: string;
  sqlState?: string;
}

export class EltError extends Error {
  readonly retryable: boolean;
  readonly stream?: string;
  readonly account?: string;
  readonly requestId?: string;
  readonly sqlState?: string;
  /** Process exit code when this error ends a CLI command. */
  readonly exitCode: number = 1;

  constructor(message: string, retryable: boolean, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.retryable = retryable;
    this.stream = details.stream;
    this.account = details.account;
    this.requestId = details.requestId;
    this.sqlState = details.sqlState;
  }
}

/** Bad configuration or usage: nothing will work until the user changes something. Exit code 2. */
export class ConfigError extends EltError {
  override readonly exitCode = 2;
  constructor(message: string, details: ErrorDetails = {}) {
    super(message, false, details);
  }
}
