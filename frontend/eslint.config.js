// ESLint for the SPA (`npm run lint`, part of `make lint`): the recommended
// JavaScript and TypeScript rules, and React's rules of hooks, including the
// React Compiler checks (no state copied from props or queries in an effect,
// no impure render). Generated code (src/gql) and the build are not linted.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'src/gql/**', 'node_modules/**', 'e2e/screenshots/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs['recommended-latest'].rules,
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['e2e/**/*.mjs', 'scripts/**/*.mjs', '*.config.{js,ts}', 'codegen.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
