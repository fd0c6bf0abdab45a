// Empty on purpose: `server-only` throws outside a React Server Component bundle,
// and tests import lib/ directly (see vitest.config.ts).
export {};
