import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: [
      'packages/server/test/setup/postgres.global.ts',
      'packages/server/test/setup/clickhouse.global.ts',
      'packages/server/test/setup/redis.global.ts',
    ],
  },
});
