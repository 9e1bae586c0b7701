import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Prepares the word-vector table once, so tests with a throwaway CACHE_DIR can share it.
    globalSetup: ['tests/setup/wordvectors.ts'],
  },
});
