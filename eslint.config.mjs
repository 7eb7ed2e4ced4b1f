// ESLint (flat config) with typescript-eslint's recommended rules, tuned to this codebase.
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  globalIgnores(['**/node_modules/', 'dist/', 'coverage/', 'docs/api/', 'bench/results/', 'examples/angular/dist/']),
  tseslint.configs.recommended,
  {
    rules: {
      // Parameters and destructured names that are unused on purpose start with `_` (`(_v, i) => ...`).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
      // `x != null` (null or undefined) is the one loose comparison the code uses on purpose.
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // A library prints nothing.
    files: ['lib/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
