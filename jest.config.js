/** Type checking runs once in `tsc --noEmit` (scripts/test); jest only transpiles, which keeps runs fast. */
const transpile = ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true, allowJs: true } }];
/**
 * Packages published only as ES modules, which Node loads with require() (20.19 and later) but
 * jest's CommonJS runtime cannot: jest transpiles them like our TypeScript. content-disposition 3
 * comes with @fastify/static, under the queue UI (bull-board).
 */
const ESM_ONLY = ['content-disposition'];

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': transpile, [`/node_modules/(${ESM_ONLY.join('|')})/.+\\.js$`]: transpile },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join('|')})/)`],
  testTimeout: 180000,
  maxWorkers: 2,
};
