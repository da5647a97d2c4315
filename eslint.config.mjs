// ESLint over the TypeScript in src/, scripts/ and test/ (run by scripts/test, so by CI).
//
// The point is the two promise rules: a promise nobody awaits loses its rejection (an unhandled
// rejection kills the process in Node 20), and an async function handed to something that expects
// a plain callback (EventEmitter.on, setInterval, Array.forEach) has its errors and its ordering
// silently dropped. Both need type information, so the parser reads tsconfig.json through the
// project service. The rest is typescript-eslint's recommended set without type checking,
// tuned below so that what it reports in this codebase is worth reading.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    // Build output, installed packages, local service data; the two JS config files are not in
    // tsconfig.json, so the type-aware parser could not read them (and they hold no promises).
    ignores: ['node_modules/**', 'dist/**', 'coverage/**', '.local/**', 'eslint.config.mjs', 'jest.config.js'],
  },
  {
    files: ['src/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // The code drops fields by destructuring them out next to a rest (`const { _id, ...entity } = doc`,
      // six places); those names are unused on purpose. Every other unused name is still reported.
      // Nothing else in the recommended set needed turning off: it found no `any`, no `@ts-ignore`
      // and no require() here, so those rules stay on as errors for new code.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
);
