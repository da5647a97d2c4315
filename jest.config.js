/** Type checking runs once in `tsc --noEmit` (scripts/test); jest only transpiles, which keeps runs fast. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }] },
  testTimeout: 180000,
  maxWorkers: 2,
};
