/**
 * Re-indexing from Discord: optional upload → build in a child process → open the new index →
 * swap it in. The old engine serves every question until the swap, and keeps serving when
 * anything fails. One re-index at a time per process; the build's own lock covers other shards.
 */
import type { Logger } from 'pino';
import type { CoreConfig } from '../../config.js';
import type { Engine } from '../../rag/engine.js';
import type { Manifest } from '../../rag/types.js';
import type { EngineHolder } from '../engineHolder.js';
import { safeError } from '../errors.js';
import {
  formatProgress,
  formatReindexDone,
  formatReindexFailed,
  notices,
  type IndexProgress,
} from '../format.js';
import { runIndexer, type IndexerRun, type RunIndexerOptions } from './runIndexer.js';
import {
  checkAttachment,
  checkUploadContent,
  downloadAttachment,
  installUpload,
  UploadError,
  type AttachmentInfo,
  type InstalledUpload,
} from './upload.js';
import { UserFacingError } from '../../errors.js';
import type { FetchPolicy } from '../../ingest/fetch.js';

/** Thrown when a re-index is requested while one is running. */
export class ReindexBusyError extends UserFacingError {
  constructor() {
    super(notices.reindexBusy());
  }
}

/** Sends a status text to the admin (edits the deferred reply). Failures are the caller's to log. */
export type Reporter = (text: string) => Promise<void>;

/** How a re-index ended. */
export type ReindexOutcome =
  | { ok: true; manifest: Manifest; upload?: string }
  | { ok: false; message: string; file?: string; upload?: string };

export interface ReindexerDeps {
  config: CoreConfig & { MAX_UPLOAD_BYTES: number };
  engines: EngineHolder;
  openEngine: (config: CoreConfig) => Promise<Engine>;
  logger: Logger;
  /** Tells the other shards to reload (no-op without sharding). */
  broadcastReload?: () => Promise<void>;
  /** The build runner; the real child process unless a test substitutes the process boundary. */
  runIndexer?: (options: RunIndexerOptions) => IndexerRun;
  /** Minimum time between two progress edits (Discord rate-limits edits). */
  progressIntervalMs?: number;
  fetchImpl?: typeof fetch;
  /** Limits for `/reindex url:` fetches; tests pass their loopback allowance here, in code. */
  fetchPolicy?: FetchPolicy;
}

/**
 * Coalesces progress texts: sends at most one every `intervalMs`, always the latest, never two
 * at once; `final` cancels anything pending and sends last.
 */
export class ThrottledReporter {
  private pending: string | undefined;
  private lastSent = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: Reporter,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  update(text: string): void {
    this.pending = text;
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - this.clock());
    this.timer = setTimeout(() => this.flushPending(), wait);
  }

  private flushPending(): void {
    this.timer = undefined;
    const text = this.pending;
    this.pending = undefined;
    if (text === undefined) return;
    this.lastSent = this.clock();
    this.chain = this.chain.then(() => this.send(text)).catch(this.onError);
  }

  async final(text: string): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.chain;
    this.lastSent = this.clock();
    await this.send(text).catch(this.onError);
  }
}

function sameIndex(a: Manifest | undefined, b: Manifest): boolean {
  return Boolean(a && a.corpusFingerprint === b.corpusFingerprint && a.builtAt === b.builtAt);
}

/** Runs re-indexes and reloads; one instance per bot process. */
export class Reindexer {
  private active: IndexerRun | undefined;
  private busy = false;

  constructor(private readonly deps: ReindexerDeps) {}

  /** True while a re-index runs in this process. */
  get running(): boolean {
    return this.busy;
  }

  /**
   * Re-indexes, optionally adding `attachment`, or the article at `link`, to the corpus first
   * (the link is fetched and extracted by src/ingest, under its address checks). Reports progress through
   * `report`; resolves with the outcome (failures are outcomes, not exceptions). Throws
   * `ReindexBusyError` when one is already running and `UploadError` when the upload is refused.
   */
  async run(report: Reporter, attachment?: AttachmentInfo, link?: string): Promise<ReindexOutcome> {
    if (this.busy) throw new ReindexBusyError();
    this.busy = true;
    const { config, logger } = this.deps;
    const reporter = new ThrottledReporter(report, this.deps.progressIntervalMs ?? 1_500, (error) =>
      logger.warn({ error: safeError(error) }, 're-index progress could not be shown'),
    );
    let upload: InstalledUpload | undefined;
    const started = Date.now();
    try {
      if (attachment) {
        const fileName = checkAttachment(attachment, config.MAX_UPLOAD_BYTES);
        await report(`Checking \`${fileName}\`…`).catch(() => undefined);
        const bytes = await downloadAttachment(attachment.url, config.MAX_UPLOAD_BYTES, {
          fetchImpl: this.deps.fetchImpl,
        });
        const articles = checkUploadContent(fileName, bytes);
        upload = await installUpload(config.CORPUS_DIR, fileName, bytes);
        logger.info(
          {
            event: 'upload',
            file: fileName,
            bytes: bytes.length,
            articles: articles.length,
            replaced: upload.replaced,
          },
          'upload added to corpus',
        );
      }

      if (link) upload = await this.addLink(link, report);

      reporter.update(
        formatProgress({ phase: 'starting the build', done: 0, total: 0 }, upload?.fileName),
      );
      const run = (this.deps.runIndexer ?? runIndexer)({
        config,
        onProgress: (progress: IndexProgress) =>
          reporter.update(formatProgress(progress, upload?.fileName)),
        onLog: (line) => logger.debug({ event: 'indexer-log', line }, 'indexer'),
      });
      this.active = run;
      const result = await run.result;
      this.active = undefined;

      if (!result.ok) {
        if (upload) await upload.rollback();
        logger.warn(
          {
            event: 'reindex',
            ok: false,
            file: result.file,
            reason: result.message,
            ms: Date.now() - started,
          },
          're-index failed',
        );
        await reporter.final(
          formatReindexFailed(result, upload && !upload.replaced ? upload.fileName : undefined),
        );
        return { ok: false, message: result.message, file: result.file, upload: upload?.fileName };
      }

      let engine: Engine;
      try {
        engine = await this.deps.openEngine(config);
      } catch (error) {
        logger.error(
          { event: 'reindex', ok: false, error: safeError(error) },
          'new index built but could not be opened',
        );
        const message =
          error instanceof UserFacingError ? error.message : 'the new index could not be opened';
        await reporter.final(formatReindexFailed({ message }));
        return { ok: false, message, upload: upload?.fileName };
      }
      this.deps.engines.swap(engine);
      logger.info(
        {
          event: 'reindex',
          ok: true,
          articles: engine.manifest.articles,
          chunks: engine.manifest.chunks,
          ms: Date.now() - started,
          generation: this.deps.engines.generation,
        },
        're-index swapped in',
      );
      await this.deps
        .broadcastReload?.()
        .catch((error: unknown) =>
          logger.warn({ error: safeError(error) }, 'could not tell other shards to reload'),
        );
      await reporter.final(formatReindexDone(engine.manifest, upload?.fileName));
      return { ok: true, manifest: engine.manifest, upload: upload?.fileName };
    } catch (error) {
      if (upload && !(error instanceof UploadError)) await upload.rollback().catch(() => undefined);
      throw error;
    } finally {
      this.active = undefined;
      this.busy = false;
    }
  }

  /** Fetches the linked article into the corpus (IngestError with the reason when refused). */
  private async addLink(link: string, report: Reporter): Promise<InstalledUpload> {
    await report(`Fetching <${link.slice(0, 300)}>…`).catch(() => undefined);
    // Loaded on first use: the reader-mode libraries are not needed to start the bot.
    const { installFromLink } = await import('../../ingest/add.js');
    const added = await installFromLink(link, this.deps.config.CORPUS_DIR, this.deps.fetchPolicy);
    this.deps.logger.info(
      {
        event: 'add-link',
        file: added.fileName,
        replaced: added.replaced,
        chars: added.article.body.length,
      },
      'linked article added to corpus',
    );
    return added;
  }

  /**
   * Loads the index on disk and swaps it in if it differs from the serving one. Other shards call
   * this when told a re-index finished. Failures keep the current engine.
   */
  async reloadFromDisk(reason: string): Promise<boolean> {
    const { engines, logger, config } = this.deps;
    try {
      const engine = await this.deps.openEngine(config);
      if (sameIndex(engines.peek()?.manifest, engine.manifest)) return false;
      engines.swap(engine);
      logger.info(
        {
          event: 'reload',
          reason,
          articles: engine.manifest.articles,
          chunks: engine.manifest.chunks,
        },
        'index reloaded',
      );
      return true;
    } catch (error) {
      logger.error(
        { event: 'reload', reason, error: safeError(error) },
        'index reload failed; the current index keeps serving',
      );
      return false;
    }
  }

  /** Stops a running build (shutdown). */
  cancel(): void {
    this.active?.cancel();
  }
}
