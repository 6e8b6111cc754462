import path from 'node:path';
import { ESLint } from 'eslint';

/** The import-boundary rules of DESIGN.md, checked through the project's own ESLint config. */
describe('layering rules', () => {
  const eslint = new ESLint({ cwd: path.resolve(__dirname, '..', '..') });

  async function violations(file: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: path.resolve(__dirname, '..', '..', file) });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  /** The import plus a use of the imported name, so only the boundary rule can complain. */
  const withUse = (code: string) => `${code}\nexport const used = ${/\{ (\w+) \}/.exec(code)?.[1]};\n`;

  it.each([
    ['services/x/a.service.ts', "import { TurnContext } from 'botbuilder';", /only bots\/ and dialogs\//],
    ['services/x/a.service.ts', "import { sql } from 'drizzle-orm';", /only models\//],
    ['dialogs/a.dialog.ts', "import { Pool } from 'pg';", /only models\//],
    ['bots/a.ts', "import { loadConfig } from '../app/config';", /nothing imports app\//],
    ['models/a.repository.ts', "import { X } from '../services/x';", /imports only go down/],
    ['dialogs/a.dialog.ts', "import { X } from '../bots/x';", /imports only go down/],
    ['console/a.ts', "import { X } from '../models';", /console\/ calls services only/],
  ])('%s: %s is refused', async (file, code, message) => {
    expect(await violations(file, withUse(code))).toEqual([expect.stringMatching(message)]);
  });

  it.each([
    ['models/a.repository.ts', "import { sql } from 'drizzle-orm';"],
    ['bots/a.ts', "import { TurnContext } from 'botbuilder';"],
    ['dialogs/a.dialog.ts', "import { X } from '../services/x';"],
    ['app/a.ts', "import { X } from '../bots/x';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await violations(file, withUse(code))).toEqual([]);
  });
});
