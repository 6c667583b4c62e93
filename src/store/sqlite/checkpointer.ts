import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.ts';

/** How often the background checkpointer moves the write-ahead log into the database file. */
export const CHECKPOINT_EVERY_MS = 5000;

/**
 * The checkpointer's thread: its own connection to the database file, checkpointing the write-ahead log in
 * PASSIVE mode (never blocking a writer or a reader) on a timer; on 'stop', one last checkpoint, then close.
 * It is plain CommonJS run with `eval`, so it needs neither a build step nor a loader; the driver is
 * required by its absolute path.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = ${5000}');
const checkpoint = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage(String(error)); }
};
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message === 'checkpoint') {
    checkpoint();
    parentPort.postMessage('done');
    return;
  }
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** A running background checkpointer. */
export interface Checkpointer {
  /** Checkpoints now (on the worker's thread) and resolves when it is done. */
  checkpoint(): Promise<void>;
  /** Makes a last checkpoint and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Checkpoints a WAL-mode SQLite file from a worker thread. The bot's own connection turns automatic
 * checkpoints off (`wal_autocheckpoint = 0`), because SQLite runs them inside the commit that crossed the
 * log's size limit: copying megabytes into the database file and flushing it, on the event loop (measured:
 * a 500-paper write held it for 475 ms at 300k papers). Here the same work happens on another thread.
 */
export function startCheckpointer(file: string, log: Logger, everyMs = CHECKPOINT_EVERY_MS): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, file, everyMs } });
  const waiting: (() => void)[] = [];
  worker.on('message', (message: string) => {
    if (message === 'done') waiting.shift()?.();
    else log.warn({ error: message }, 'background checkpoint of the database failed');
  });
  worker.on('error', (error) => log.error({ error: String(error) }, 'the database checkpointer stopped'));
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    checkpoint() {
      worker.ref();
      return new Promise<void>((resolve) => {
        waiting.push(() => {
          worker.unref();
          resolve();
        });
        worker.postMessage('checkpoint');
      });
    },
    async stop() {
      // Unreferenced, the thread would not keep the process alive while it finishes: a process with nothing
      // else left to do would exit here, before whatever follows the close (its exit code, say) happens.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
