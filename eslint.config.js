// ESLint flat config: typescript-eslint's recommended rules plus the type-aware rules that catch
// real bugs in async code (a promise nobody awaits, a promise where a callback's result is
// ignored, awaiting a non-promise). Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'corpus/', 'coverage/', '.scale-tmp/'] },
  // A disable comment for a rule that no longer fires (or does not exist) is an error.
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      // The sanitizers exist to match control characters; these regexes are deliberate.
      'no-control-regex': 'off',
      // Style only (a redundant backslash changes nothing); not worth churn in shared regexes.
      'no-useless-escape': 'off',
    },
  },
  {
    // Stand-ins speak loosely typed wire JSON, and event-handler tests pass async listeners
    // whose failures fail the test anyway.
    files: ['tests/**', 'testkit/**', 'scripts/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
);
