import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type Database from 'better-sqlite3';
import type { Db } from '../../../db/open.ts';
import { endpoints } from '../../../db/schema.ts';
import type { ContractCheck } from '../compatibility/index.ts';
import type { CoreEvents } from '../events.ts';
import type { ArtifactStore } from '../registry/artifact-store.ts';
import type { RowCodec } from '../requests/row-codec.ts';
import type { StorageHealth } from '../storage/health.ts';
import { probeDirectory } from '../storage/probes.ts';
import type { WriteGate } from '../storage/write-gate.ts';
import { exportBundle, type ExportOptions, type ExportStream } from './export.ts';
import { ensureDiskRoom } from './disk-room.ts';
import { importBundle, type ImportOptions, type ImportResult } from './import.ts';
import type { Manifest } from './manifest-schema.ts';
import { selectEndpoints } from './manifest.ts';

export type { ExportOptions, ExportStream, ImportOptions, ImportResult, Manifest };
export type { OnConflict } from './plan.ts';

const staleAfterMs = 24 * 60 * 60 * 1000;

/**
 * Registry bundles (DESIGN §6): export to and import from `.modeldesk` files. Temp files
 * (uploads, model files being verified) live in <dataDir>/tmp, on the same disk as the
 * artifact store so a verified file is moved in with one rename, and never in os.tmpdir(),
 * which may be a small RAM disk.
 */
export class BundleService {
  readonly tmpDir: string;
  /** imports run one at a time: each plans against the registry the previous one left */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
    private readonly writes: WriteGate,
    private readonly store: ArtifactStore,
    dataDir: string,
    /** this registry's stable id (registry/identity.ts): bundles carry it as their rows' origin */
    readonly registryId: string,
    /** an applied import is announced as `registry.changed` (the serving cache and the A/B router reload) */
    private readonly events: CoreEvents,
    /** a full or unwritable disk met while importing is answered 507/503 and reported (area `data`) */
    private readonly health: StorageHealth,
    /** new algorithms of endpoints already here are checked against their input contract */
    private readonly contracts: ContractCheck,
    /** request lines carry the logged JSON texts; the log stores them its own way */
    private readonly codec: RowCodec
  ) {
    this.tmpDir = join(dataDir, 'tmp');
    mkdirSync(this.tmpDir, { recursive: true });
    this.removeStaleTemps();
  }

  /** Refuses (404 naming `endpoint`) an export selection that names an endpoint not in the registry. */
  checkSelection(names: string[]): void {
    if (names.length) selectEndpoints(this.db.select({ name: endpoints.name }).from(endpoints).all(), names);
  }

  /** A bundle as a stream (HTTP download). Throws before streaming if the selection or a model file is wrong. */
  export(options: ExportOptions = {}): Promise<ExportStream> {
    return exportBundle(this.db, this.store, this.codec, this.registryId, options);
  }

  /** Writes a bundle to `file` (through a temp file beside it, so a failed export leaves no partial bundle). */
  async exportToFile(file: string, options: ExportOptions = {}): Promise<Manifest> {
    const target = resolve(file);
    const temp = join(dirname(target), `.${randomUUID()}.modeldesk.tmp`);
    const exported = await this.export(options);
    try {
      await pipeline(exported.stream, createWriteStream(temp));
      const manifest = await exported.done;
      renameSync(temp, target);
      return manifest;
    } catch (err) {
      rmSync(temp, { force: true });
      throw err;
    }
  }

  import(file: string, options: ImportOptions = {}): Promise<ImportResult> {
    const run = this.queue.then(async () => {
      const target = { db: this.db, sqlite: this.sqlite, writes: this.writes, store: this.store, tmpRoot: this.tmpDir, registryId: this.registryId, contracts: this.contracts, codec: this.codec };
      let result: ImportResult;
      try {
        result = await importBundle(target, file, options);
      } catch (err) {
        throw this.storageFault(err, 'the imported bundle');
      } finally {
        // a rolled-back import may have stored layouts or read algorithms that are gone again
        this.codec.reload();
      }
      if (result.applied) this.events.emit('registry.changed', { cause: 'imported', result });
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Refuses (507) an upload of this many bytes that the data directory's disk cannot hold. */
  ensureRoomForUpload(bytes: number): void {
    ensureDiskRoom(this.tmpDir, bytes, 'the upload');
  }

  /** A failed file write of an import or upload as the user sees it: 507/503 naming the tmp folder. */
  storageFault(err: unknown, what: string): unknown {
    return this.health.fault('data', err, { what, where: this.tmpDir }, () => probeDirectory(this.tmpDir));
  }

  /** A fresh path in the data dir's tmp folder, for an upload being received. */
  tempFile(prefix: string): string {
    return join(this.tmpDir, `${prefix}-${randomUUID()}.tmp`);
  }

  /** Leftovers of a crash; only old ones, in case another process shares the data dir. */
  private removeStaleTemps(): void {
    for (const name of readdirSync(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (stat && Date.now() - stat.mtimeMs > staleAfterMs) rmSync(path, { recursive: true, force: true });
    }
  }
}
