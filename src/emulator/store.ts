/**
 * All data of the emulator: one set of collections per Stripe account (the platform and each connected
 * account see only their own objects, as with the `Stripe-Account` header).
 */
import { Collection } from './collection.js';
import type { Registry } from './registry.js';
import { StoreCache } from './storedRecord.js';

export interface AccountInfo {
  id: string;
  /** Connected accounts belong to a platform; the platform has none. */
  platform?: string;
  /** API version used to render this account's events (Stripe: the account's default version). */
  apiVersion: string;
  /** The platform's own account object (connected accounts live in their platform's `accounts`). */
  object?: Record<string, unknown>;
}

export class AccountData {
  private readonly collections = new Map<string, Collection>();

  constructor(
    readonly info: AccountInfo,
    private readonly registry: Registry,
    private readonly nextSeq: () => number,
    private readonly cache: StoreCache,
  ) {}

  collection(name: string): Collection {
    let c = this.collections.get(name);
    if (!c) {
      const def = this.registry.get(name);
      const filterFields = [...new Set([...(def.filterFields ?? []), ...(def.indexedFields ?? [])])];
      c = new Collection(
        name,
        filterFields,
        def.indexedFields ?? [],
        this.nextSeq,
        this.cache,
        def.readMostly,
      );
      this.collections.set(name, c);
    }
    return c;
  }

  /** Collections that exist (have been written to). */
  existing(): Collection[] {
    return [...this.collections.values()];
  }
}

export class Store {
  private readonly accounts = new Map<string, AccountData>();
  private seq = 0;
  private readonly cache = new StoreCache();

  constructor(private readonly registry: Registry) {}

  private readonly next = () => ++this.seq;

  addAccount(info: AccountInfo): AccountData {
    const existing = this.accounts.get(info.id);
    if (existing) return existing;
    const data = new AccountData(info, this.registry, this.next, this.cache);
    this.accounts.set(info.id, data);
    return data;
  }

  account(id: string): AccountData | undefined {
    return this.accounts.get(id);
  }

  allAccounts(): AccountData[] {
    return [...this.accounts.values()];
  }

  /**
   * End of an operation (a request, one of the seed's acts): serialize what was stored and drop the views
   * (see storedRecord.ts). Reads are correct without it; it keeps memory as text between operations.
   */
  flush(): void {
    this.cache.flush();
  }

  clear(): void {
    this.cache.flush();
    this.accounts.clear();
  }
}
