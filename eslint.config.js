// @ts-check
import tseslint from 'typescript-eslint'

// The core must stay pure: time and randomness are injected, never read from the environment,
// and it runs in any JavaScript runtime, so it imports no `node:*` module. The facade's defaults
// file is the one place where the real clock and random ids enter.
const ambient = [
  { name: 'Date', message: 'The core reads time only through the injected Clock or the transport.' },
  { name: 'setTimeout', message: 'Timers are effects: the facade arms them on the injected Clock.' },
  { name: 'setInterval', message: 'Timers are effects: the facade arms them on the injected Clock.' },
  { name: 'clearTimeout', message: 'Timers are effects: the facade arms them on the injected Clock.' },
  { name: 'performance', message: 'The core reads time only through the injected Clock.' },
  { name: 'crypto', message: 'Ids are injected (createSignaling({ ids })).' },
  { name: 'process', message: 'The core runs in any JavaScript runtime.' },
]

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.prosody/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/facade/defaults.ts'],
    rules: {
      'no-restricted-globals': ['error', ...ambient],
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: 'Randomness is injected (createSignaling({ ids })).' },
        { object: 'globalThis', property: 'setTimeout', message: 'Timers are effects.' },
        { object: 'globalThis', property: 'crypto', message: 'Ids are injected.' },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['node:*'], message: 'The core imports no node:* module.' }, { group: ['@beckon/adapter-*'], message: 'The core imports no adapter.' }] },
      ],
      // Bundlers must see fp-ts's ES modules, the copy io-ts's ES build imports, or a bundle carries
      // fp-ts twice; Node must see its CommonJS build (its ES files are not valid Node modules).
      // `#fp-ts/*` in package.json "imports" picks per tool; types may still name fp-ts/lib.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['fp-ts', 'fp-ts/*'], allowTypeImports: true, message: "Import fp-ts values through '#fp-ts/<Module>.js'." }] },
      ],
    },
  },
  {
    // The adapter's main entry runs in browsers too: Node-only code sits behind `@beckon/adapter-im/node`.
    files: ['packages/adapter-im/src/**/*.ts'],
    ignores: ['packages/adapter-im/src/node.ts', 'packages/adapter-im/src/fileStore.ts', 'packages/adapter-im/src/**/*.d.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*'], message: 'Node-only code goes behind @beckon/adapter-im/node (src/node.ts).' }] }],
    },
  },
)
