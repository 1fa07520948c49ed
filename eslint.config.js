// Lint setup: ESLint's and typescript-eslint's recommended rules (no type-checked rules, so lint stays fast), tuned to the code's deliberate patterns, plus our one-way import rule.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { oneWayImports } from './scripts/lint/one-way-imports.mjs';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/'] },
  {
    files: ['{bin,rpc,daemon,tui,test,bench,scripts}/**/*.{ts,tsx,mjs}', 'eslint.config.js'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: { globals: globals.node },
    plugins: { brains: { meta: { name: 'brains' }, rules: { 'one-way-imports': oneWayImports } } },
    rules: {
      'brains/one-way-imports': 'error',
      // `any` is deliberate where it appears: untyped JSON in tests and bench, and the dispatcher's table of every method's handler.
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      // `{} extends Params` is how a call signature asks whether every param is optional.
      '@typescript-eslint/no-empty-object-type': ['error', { allowObjectTypes: 'always' }],
      // Lock keys and names are checked for control characters, so regexes name them on purpose.
      'no-control-regex': 'off',
      // A variable declared early so a closure (a shutdown handler) can reach it is not a const in waiting.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
);
