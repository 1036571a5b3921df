// ESLint (flat config): typescript-eslint's recommended rules with type information, plus the rules that catch
// promises nobody awaits or that land where a callback's result is ignored, type-only imports spelled as such, and
// switches that miss a case. Formatting is Prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeGlobals = {
  module: 'writable',
  require: 'readonly',
  __dirname: 'readonly',
  process: 'readonly',
  console: 'readonly',
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.local/', 'web/dist/', 'test-output/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      // A switch with a default branch handles the rest on purpose; one without must name every case.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // `_name` marks a value left out on purpose (a property dropped by destructuring, an unused parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The composition root alone decides what loads late: it requires configuration, adapters and the functions'
    // bodies on first use (typed by the `import type` beside them), so that loading the functions stays cheap.
    files: ['src/composition.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The local host and the bench load an app, and the fixtures they are given, by a path known only at run time.
    files: ['local/durable-host/host.ts', 'bench/cold-load-child.ts', 'test/support/in-process-engine.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read JSON answers and documents whose shape is exactly what they assert; typing each would restate it.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
