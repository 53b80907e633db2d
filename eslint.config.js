// Lint: TypeScript recommended rules plus the dependency rule of docs/architecture
// (cli, server -> app -> core <- store; hunt and scenarios depend on core only).
import tseslint from 'typescript-eslint';

const layer = (name) => ({ group: [`**/${name}/**`, `**/${name}`], message: `this layer may not import src/${name}` });

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Tests of the core may use node:test, node:assert and the platform hash; the core itself may not.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!\\.)', message: 'src/core is pure: no node:*, no packages, no I/O. Time and randomness come in as parameters.' },
          layer('store'), layer('app'), layer('cli'), layer('server'), layer('hunt'), layer('scenarios'),
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'src/core has no process.' },
        { name: 'fetch', message: 'src/core does no I/O.' },
        { name: 'setTimeout', message: 'src/core does not schedule.' },
      ],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'src/core never reads the clock: take the time as a parameter.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'src/core never reads the clock: take the time as a parameter.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'src/core is deterministic: take a seeded generator.' },
      ],
    },
  },
  {
    files: ['src/scenarios/**/*.ts'],
    ignores: ['src/scenarios/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!\\.)', message: 'scenarios are pure data generators over core.' },
          layer('store'), layer('app'), layer('cli'), layer('server'), layer('hunt'),
        ],
      }],
    },
  },
  {
    files: ['src/hunt/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('store'), layer('app'), layer('cli'), layer('server'), layer('scenarios')] }] },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('app'), layer('cli'), layer('server'), layer('hunt'), layer('scenarios')] }] },
  },
  {
    files: ['src/app/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('cli'), layer('server')] }] },
  },
  {
    files: ['src/server/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('cli'), layer('store')] }] },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [layer('store')] }] },
  },
);
