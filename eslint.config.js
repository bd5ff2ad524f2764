// ESLint over everything we write: the service, migrations, tests, benches and scripts (TypeScript, type-checked
// against tsconfig.json / scripts' own tsconfig) and the pages' ES modules (type-checked as JavaScript through
// src/web/public/tsconfig.json). Prettier owns the layout, so eslint-config-prettier switches off layout rules.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['node_modules/', 'dist/', 'dist-bench/', 'dist-chaos/', 'data/', 'coverage/', 'test-artifacts/', 'test/fixtures/'] },
  eslint.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // scripts/*.mjs are typed by scripts/tsconfig.json; the few config files left share the default project.
        projectService: { allowDefaultProject: ['*.js', 'test/support/*.cjs', 'test/support/*.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Numbers and bigints (money in minor units) print exactly in a template; objects, nullish and the rest must be
      // turned into text on purpose.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // A leading underscore marks a parameter that must be there but is not read (e.g. a route id taken for its
      // validation pipe only).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      // NestJS modules are decorated empty classes.
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      // Request and response DTOs are classes only so that Swagger and class-validator can read their decorators; the
      // service builds responses as plain object literals of that shape, and nothing checks `instanceof` on them.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['src/web/public/**/*.js'],
    languageOptions: { globals: globals.browser },
  },
  {
    files: ['scripts/**/*.mjs', 'test/support/*.mjs', '**/*.cjs', 'eslint.config.js', 'jest.config.js'],
    languageOptions: { globals: globals.node },
  },
  prettier,
);
