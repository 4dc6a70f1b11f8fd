import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { describeMetaStoreContract } from './meta-store.contract.js';
import { openPgliteClient } from './pglite-client.js';

// A fresh PGlite directory costs an initdb (seconds); copying an empty one costs milliseconds.
let template: Promise<string> | undefined;
function emptyTemplate(): Promise<string> {
  template ??= (async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-meta-template-'));
    const client = await openPgliteClient(path.join(dir, 'meta'));
    await client.close();
    return dir;
  })();
  return template;
}
afterAll(async () => {
  if (template) await fs.rm(await template, { recursive: true, force: true });
});

let dir = '';

describeMetaStoreContract('PGlite', {
  async create() {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pharos-meta-'));
    await fs.cp(path.join(await emptyTemplate(), 'meta'), path.join(dir, 'meta'), {
      recursive: true,
    });
    return openPgliteClient(path.join(dir, 'meta'));
  },
  reopen: () => openPgliteClient(path.join(dir, 'meta')),
  async destroy() {
    await fs.rm(dir, { recursive: true, force: true });
  },
});
