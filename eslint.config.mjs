// Type-aware linting for the whole project.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'packages/*/dist/**', 'node_modules/**', 'coverage/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'eslint.config.mjs',
            'vitest.config.mts',
            'vitest.serial.config.mts',
            'vitest.shared.mts',
            'vitest.load.config.mts',
            'vitest.unit.config.mts',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-console': 'off',
    },
  },
  {
    // Function code logs through the InvocationContext, never the console.
    files: ['functions/**/*.ts', 'src/domain/**/*.ts', 'src/http/**/*.ts', 'src/storage/**/*.ts', 'src/email/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    // The service's schemas are zod/mini through src/zod.ts (tree-shaken, built on first use:
    // docs/decisions.md, "Cold start"); classic zod would put 500 KiB back in the bundle.
    files: ['src/**/*.ts', 'functions/**/*.ts'],
    ignores: ['src/zod.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'zod', message: "Import zod as `import * as z from '<path>/zod'` (src/zod.ts, zod/mini)." }],
          patterns: [{ group: ['zod/*'], message: 'Only src/zod.ts imports zod/mini and its parts.' }],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['**/*.mjs', '**/*.mts'], ...tseslint.configs.disableTypeChecked },
);
