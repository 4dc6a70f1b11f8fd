import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TenantId } from '../../tenant.js';
import { formatDay } from '../days.js';
import type { Signal } from '../schema.js';

/**
 * Sealed data lives in Parquet files, one directory per signal, tenant and day:
 * `<root>/<signal>/<tenant>/<YYYY-MM-DD>/<uuid>.parquet`. The catalog records paths relative to
 * the root (so a data directory can move); every method here takes such a relative path. A file is written under a `.tmp`
 * name, synced, renamed and synced again before the catalog row that makes it visible commits,
 * so a crash leaves at worst an unreferenced file that `removeUnreferenced` deletes at start.
 */
export class PartFiles {
  constructor(readonly root: string) {}

  newPartPath(signal: Signal, tenant: TenantId, day: number): string {
    return path.join(signal, tenant, formatDay(day), `${randomUUID()}.parquet`);
  }

  absolute(relative: string): string {
    return path.join(this.root, relative);
  }

  async prepareDirectory(relative: string): Promise<void> {
    await fs.mkdir(path.dirname(this.absolute(relative)), { recursive: true });
  }

  /** Make a written temporary file durable under its final name; both are relative paths. */
  async publish(tmpRelative: string, finalRelative: string): Promise<number> {
    const tmpFile = this.absolute(tmpRelative);
    const finalFile = this.absolute(finalRelative);
    await syncFile(tmpFile);
    await fs.rename(tmpFile, finalFile);
    await syncFile(path.dirname(finalFile));
    const stat = await fs.stat(finalFile);
    return stat.size;
  }

  async remove(relativeFiles: readonly string[]): Promise<void> {
    const files = relativeFiles.map((file) => this.absolute(file));
    await Promise.all(files.map((file) => fs.rm(file, { force: true })));
    await Promise.all(
      [...new Set(files.map((file) => path.dirname(file)))].map((dir) => removeIfEmpty(dir)),
    );
  }

  /** Delete every file under the root that `referenced` does not name (crash leftovers). */
  async removeUnreferenced(referenced: ReadonlySet<string>): Promise<number> {
    let removed = 0;
    for (const file of await listFiles(this.root)) {
      if (!referenced.has(path.relative(this.root, file))) {
        await fs.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function removeIfEmpty(dir: string): Promise<void> {
  try {
    await fs.rmdir(dir);
  } catch {
    // not empty, or already gone: either way nothing to do
  }
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
