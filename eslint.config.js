// Lint: TypeScript recommended rules plus the dependency rule of the README, from one table:
//   main wires; cli, server -> app -> core; store -> core; hunt -> core; scenarios -> core, hunt.
// `app` never imports store, scenarios, server, cli or main: it is handed what it needs by
// src/main. The CLI reaches the server only from `serve` (commands/serve.ts).
// scripts/check-layer-rule.mjs feeds this config one bad import per forbidden edge and fails
// unless each is an error (it runs in `npm run lint` and in `npm test`).
import tseslint from 'typescript-eslint';

/** Every layer of src/ and the layers it may import (besides itself). */
export const LAYERS = {
  core: [],
  store: ['core'],
  hunt: ['core'],
  scenarios: ['core', 'hunt'],
  app: ['core', 'hunt'],
  server: ['app', 'core', 'hunt'],
  cli: ['app', 'core', 'hunt', 'scenarios', 'main'],
  main: ['app', 'core', 'store', 'scenarios', 'hunt'],
};

const layer = (name, from) => ({
  group: [`**/${name}/**`, `**/${name}`],
  message: `src/${from} may not import src/${name} (the rule: ${from} -> ${LAYERS[from].join(', ') || 'nothing but itself'}; see the README's layout)`,
});
const forbidden = (from, extra = []) => Object.keys(LAYERS).filter((l) => l !== from && !LAYERS[from].includes(l) && !extra.includes(l)).map((l) => layer(l, from));

const PURE = { regex: '^(?!\\.)', message: 'src/core is pure: no node:*, no packages, no I/O. Time and randomness come in as parameters.' };
const PURE_SCENARIOS = { regex: '^(?!\\.)', message: 'src/scenarios are pure data generators: no node:*, no packages.' };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'web/dist/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The layer rule holds for tests next to the code too: a test reaches other layers only through
  // test/support (which is outside src/ and may use anything).
  ...Object.keys(LAYERS).map((from) => ({
    files: [`src/${from}/**/*.ts`],
    ignores: from === 'cli' ? ['src/cli/commands/serve.ts'] : [],
    rules: { 'no-restricted-imports': ['error', { patterns: forbidden(from) }] },
  })),
  { files: ['src/cli/commands/serve.ts'], rules: { 'no-restricted-imports': ['error', { patterns: forbidden('cli', ['server']) }] } },
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [PURE, ...forbidden('core')] }],
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
    rules: { 'no-restricted-imports': ['error', { patterns: [PURE_SCENARIOS, ...forbidden('scenarios')] }] },
  },
);
