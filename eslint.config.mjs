import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/dist', '**/out-tsc', '**/vitest.config.*.timestamp*'],
  },
  {
    // Project boundaries (docs/architecture.md#boundaries): the tags are in each project's package.json.
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.jsx', '**/*.mts', '**/*.cts', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          // the root's shared configs: ESLint's, and the workspace's Vitest convention (vitest.shared.mjs)
          allow: ['^.*/eslint(\\.base)?\\.config\\.[cm]?[jt]s$', '^(\\.\\./)+vitest\\.shared\\.mjs$'],
          depConstraints: [
            // an app imports libraries only, never another app or a tool
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:lib'] },
            // a library imports libraries only
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:lib'] },
            // end-to-end suites drive the apps as processes, images or releases, never by importing them
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:tool', 'type:lib'] },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:backend', onlyDependOnLibsWithTags: ['scope:backend', 'scope:shared'] },
            { sourceTag: 'scope:frontend', onlyDependOnLibsWithTags: ['scope:frontend', 'scope:shared'] },
            { sourceTag: 'scope:deploy', onlyDependOnLibsWithTags: ['scope:deploy', 'scope:shared', 'scope:tooling'] },
            { sourceTag: 'scope:workspace', onlyDependOnLibsWithTags: ['scope:workspace', 'scope:deploy', 'scope:shared', 'scope:tooling'] },
            // the tools' toolkit (tools/toolkit) imports nothing of the workspace; the apps never import it
            { sourceTag: 'scope:tooling', onlyDependOnLibsWithTags: ['scope:tooling'] },
          ],
        },
      ],
    },
  },
  {
    files: [
      '**/*.ts',
      '**/*.tsx',
      '**/*.cts',
      '**/*.mts',
      '**/*.js',
      '**/*.jsx',
      '**/*.cjs',
      '**/*.mjs',
    ],
    // Override or add rules here
    rules: {},
  },
];

/** What each library under libs/ adds: its package.json lists every package its sources import. */
export const libraryConfig = [
  {
    files: ['**/*.json'],
    rules: {
      '@nx/dependency-checks': [
        'error',
        {
          ignoredFiles: ['{projectRoot}/eslint.config.{js,cjs,mjs,ts,cts,mts}', '{projectRoot}/vitest.config.{js,ts,mjs,mts}'],
        },
      ],
    },
    languageOptions: {
      parser: await import('jsonc-eslint-parser'),
    },
  },
  {
    ignores: ['**/out-tsc'],
  },
];
