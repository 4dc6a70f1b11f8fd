import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { configPaths, envNameOf } from './config.js';

it('docs/configuration.md documents every setting with its environment variable', () => {
  const docs = fs.readFileSync(
    path.join(import.meta.dirname, '../../../../docs/configuration.md'),
    'utf8',
  );
  for (const configPath of configPaths()) {
    const row = new RegExp(
      `\\|\\s*\`${configPath.replaceAll('.', '\\.')}\`\\s*\\|\\s*\`${envNameOf(configPath)}\`\\s*\\|`,
    );
    expect(docs).toMatch(row);
  }
});
