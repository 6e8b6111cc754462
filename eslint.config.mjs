// ESLint flat config. The import-boundary rules below enforce the layering in DESIGN.md:
//   app → bots → dialogs → services → models (imports only go down), console calls services only,
//   only models/ touches the ORM/driver, only bots/ and dialogs/ import botbuilder, nothing imports app/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const DB = ['drizzle-orm', 'drizzle-orm/*', 'pg', 'pg-*', '@electric-sql/*'];
const BOTBUILDER = ['botbuilder', 'botbuilder-*', 'botframework-*', 'botbuilder/*'];
const layer = (name) => [`**/${name}/**`, `../${name}`, `../../${name}`, `../../../${name}`];

function boundary(message, forbidden) {
  return ['error', { patterns: forbidden.map((group) => ({ group: group.patterns, message: `${message}: ${group.why}` })) }];
}

const noDb = { patterns: DB, why: 'only models/ may import the ORM or the database driver' };
const noBot = { patterns: BOTBUILDER, why: 'only bots/ and dialogs/ may import botbuilder' };
const noApp = { patterns: layer('app'), why: 'nothing imports app/ (the composition root)' };
const noBots = { patterns: layer('bots'), why: 'imports only go down: app → bots → dialogs → services → models' };
const noDialogs = { patterns: layer('dialogs'), why: 'imports only go down: app → bots → dialogs → services → models' };
const noServices = { patterns: layer('services'), why: 'imports only go down: app → bots → dialogs → services → models' };
const noConsole = { patterns: layer('console'), why: 'console/ is wired by app/ only' };
const noModelsFromConsole = { patterns: layer('models'), why: 'console/ calls services only' };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', 'public/vendor/**', 'models/migrations/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['app/**/*.ts'], rules: { 'no-restricted-imports': boundary('layering', [noDb, noBot]) } },
  { files: ['bots/**/*.ts'], rules: { 'no-restricted-imports': boundary('layering', [noDb, noApp, noConsole]) } },
  { files: ['dialogs/**/*.ts'], rules: { 'no-restricted-imports': boundary('layering', [noDb, noApp, noBots, noConsole]) } },
  { files: ['services/**/*.ts'], rules: { 'no-restricted-imports': boundary('layering', [noDb, noBot, noApp, noBots, noDialogs, noConsole]) } },
  { files: ['models/**/*.ts'], rules: { 'no-restricted-imports': boundary('layering', [noBot, noApp, noBots, noDialogs, noServices, noConsole]) } },
  { files: ['console/**/*.ts'], rules: { 'no-restricted-imports': boundary('layering', [noDb, noBot, noApp, noBots, noDialogs, noModelsFromConsole]) } },
  { files: ['app/cli.ts', 'app/cli-*.ts', 'scripts/**', 'bench/**', 'test/**'], rules: { 'no-console': 'off' } },
  { files: ['scripts/**/*.js', '*.js', '*.mjs', 'public/**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['console/web/**/*.js'], languageOptions: { sourceType: 'module', globals: { ...globals.browser } } },
  { files: ['public/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
);
