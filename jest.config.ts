import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Sources import siblings as './x.js' so that the ESM build resolves in Node; map back to the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // A guard against a test that hangs, not a speed check: nothing asynchronous here takes more
  // than a second on an idle machine, and a busy 2-core one must never fail for being slow. The
  // slow files (package, API docs, soak) set their own, larger limits.
  testTimeout: 60_000,
};

export default config;
