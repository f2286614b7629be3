// Lint, including the layering rules (after VS Code's): what may import what.
//   main/engine      plain Node: never electron, never the shells (electron, server, cli)
//   main/server|cli  shells over the engine: never electron
//   preload/contract only zod: importable by the renderer, main and server alike
//   renderer         browser only: never Node built-ins, electron or main/
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
const noElectron = { name: 'electron', message: 'Only main/electron and preload/index.ts may import electron.' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/artifacts/**', 'out/**', 'resources/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['main/engine/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [{ regex: '^(\\.\\./)+(electron|server|cli)(/|$)', message: 'The engine never imports a shell (electron, server, cli).' }],
      }],
    },
  },
  // Function size (issue 14): 100 lines in main/, 150 for a React component. Tests are exempt, and so
  // is the vector-store contract suite: it is a test suite shared by the adapters' test files, one
  // describe() whose body is the list of its tests.
  {
    files: ['main/**/*.ts'],
    ignores: ['**/*.test.ts', 'main/engine/vectorstore/contract-suite.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 100 }] },
  },
  {
    files: ['renderer/src/**/*.tsx'],
    ignores: ['**/*.test.tsx'],
    rules: { 'max-lines-per-function': ['error', { max: 150 }] },
  },
  {
    files: ['main/server/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noElectron],
        patterns: [{ regex: '^(\\.\\./)+electron(/|$)', message: 'Server and CLI never import the Electron shell.' }],
      }],
    },
  },
  {
    files: ['preload/contract.ts', 'preload/strategy-contract.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'The contract must stay importable by the renderer.' }))],
        patterns: [
          { regex: '^node:', message: 'The contract must stay importable by the renderer.' },
          { regex: '^\\.(?!/strategy-contract$)', message: 'The contract imports nothing but zod (and its strategy-map part).' },
        ],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [noElectron, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is a sandboxed web page: no Node.' }))],
        patterns: [
          { regex: '^node:', message: 'The renderer is a sandboxed web page: no Node.' },
          { regex: '(^|/)main(/|$)', message: 'The renderer reaches the engine only through lib/api.ts.' },
        ],
      }],
    },
  },
);
