import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the test Postgres (see globalSetup.ts). */
    databaseUrl: string;
  }
}
