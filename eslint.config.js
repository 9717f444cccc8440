// Lint rules: typescript-eslint's recommended set, plus the architecture's one hard rule —
// the browser-safe layers (linalg, random) import nothing Node-only at top level.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // The AssemblyScript kernels are another language (wasm types, @inline); the base64 module is generated.
  {
    ignores: [
      'dist/',
      'node_modules/',
      'report/',
      'web/dist/',
      'site/',
      'src/linalg/wasm/assembly/',
      'bench/assembly/',
      '**/*.generated.ts',
      'docs/api/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/linalg/**/*.ts', 'src/random/**/*.ts'],
    ignores: ['src/linalg/native/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'os', 'worker_threads', 'koffi'],
              message: 'browser-safe layer: no Node-only imports',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.js', 'bin/**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
