// Lint rules. Beyond typescript-eslint's recommended set, the import restrictions below prove
// the runtime boundary CONVENTIONS.md asks for: renderer code never imports Node modules or the
// core (code that signs, prices or lays out receipts never reaches the renderer bundle), and only
// src/main/electron and src/preload import `electron`.
import tseslint from 'typescript-eslint';

const nodeBuiltins = [
  'fs',
  'path',
  'crypto',
  'child_process',
  'net',
  'http',
  'os',
  'worker_threads',
  'stream',
  'events',
  'url',
  'util',
  'zlib',
];
const nodeImportPatterns = nodeBuiltins.flatMap((m) => [m, `node:${m}`, `node:${m}/*`]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'release/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/electron/**', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only src/main/electron and src/preload import electron; the core runs under plain Node.',
            },
          ],
        },
      ],
    },
  },
  {
    // Every exchange with an issuer goes through the issuer port (src/main/issuer/port.ts): only
    // the adapters in src/main/issuer and the composition (src/main/core.ts) reach the HTTP link,
    // the enrolment call or the JSON retry driver, so no other file builds an issuer message and
    // an ISO 8583 adapter is a drop-in. (Later blocks restate this for the renderer, the issuer
    // simulator and the offline queue, which may not import src/main at all.)
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    ignores: ['src/main/electron/**', 'src/preload/**', 'src/main/issuer/**', 'src/main/core.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only src/main/electron and src/preload import electron; the core runs under plain Node.',
            },
          ],
          patterns: [
            {
              group: ['**/issuer/http-link', '**/issuer/enrol', '**/terminal/online', './online'],
              message:
                'Talk to an issuer through its port (src/main/issuer/port.ts: a typed command to router.byId(…).port or router.home.port); wire messages are the adapter’s.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeImportPatterns.map((name) => ({
            name,
            message: 'The renderer has no Node: talk to the core through window.till.',
          })),
          patterns: [
            {
              group: [
                '**/main/**',
                '**/drivers/*/!(wedge-classifier)',
                '**/offline-queue/**',
                '**/issuer-sim/**',
                'better-sqlite3',
                'serialport',
                'nfc-pcsc',
                'electron',
              ],
              message: 'Renderer code may import only src/shared and pure renderer modules.',
            },
          ],
        },
      ],
    },
  },
  {
    // The issuer simulator is the other side of the link, and the offline queue gets the link,
    // the STAN allocator and the sealer as ports (src/offline-queue/ports.ts): neither imports the
    // terminal core, so protocol code both sides use lives in src/shared and there is no cycle.
    files: ['src/issuer-sim/**', 'src/offline-queue/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The core runs under plain Node.' }],
          patterns: [
            {
              group: ['**/main/**', '**/main'],
              message:
                'src/issuer-sim and src/offline-queue import nothing from src/main: shared protocol code lives in src/shared, the rest comes in as ports.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**', 'bench/**', 'scripts/**', 'bin/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
