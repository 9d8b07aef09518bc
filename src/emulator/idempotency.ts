/**
 * `Idempotency-Key` on POST (docs.stripe.com/api/idempotent_requests): the first response for a key is
 * replayed for 24 hours to retries with the same parameters (with `Idempotent-Replayed: true`); reusing a
 * key with different parameters is a 400 idempotency_error.
 */
import { ApiError } from './apiError.js';

interface Entry {
  fingerprint: string;
  status: number;
  body: string;
  at: number;
}

const TTL_SECONDS = 24 * 3600;
const MAX_ENTRIES = 100_000;

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  lookup(
    account: string,
    key: string,
    fingerprint: string,
    now: number,
  ): { status: number; body: string } | undefined {
    const e = this.entries.get(`${account} ${key}`);
    if (!e || e.at < now - TTL_SECONDS) return undefined;
    if (e.fingerprint !== fingerprint) {
      throw new ApiError(
        400,
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    return { status: e.status, body: e.body };
  }

  store(account: string, key: string, fingerprint: string, status: number, body: string, now: number): void {
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(`${account} ${key}`, { fingerprint, status, body, at: now });
  }

  clear(): void {
    this.entries.clear();
  }
}
