import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../logger.ts';

/*
 * Work on an SQLite file that would hold the event loop for a long time, done on worker threads with their
 * own connections: checkpointing the write-ahead log, and the integrity check at start.
 */

/** A worker thread running `source` (plain CommonJS, run with `eval`, so it needs neither a build step nor
 *  a loader) with `workerData` plus `driver`, the absolute path of better-sqlite3 to require. */
function sqliteWorker(source: string, workerData: Record<string, unknown>): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  return new Worker(source, { eval: true, workerData: { ...workerData, driver } });
}

/** How often the background checkpointer moves the write-ahead log into the database file. */
export const CHECKPOINT_EVERY_MS = 5000;

/**
 * The checkpointer's thread: its own connection to the database file, checkpointing the write-ahead log in
 * PASSIVE mode (never blocking a writer or a reader) on a timer; on 'stop', one last checkpoint, then close.
 */
const CHECKPOINTER_SOURCE = `
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
  const worker = sqliteWorker(CHECKPOINTER_SOURCE, { file, everyMs });
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

/** The integrity check's thread: `PRAGMA quick_check` on a read-only connection, posting the problems found. */
const QUICK_CHECK_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
try {
  const db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  const problems = db.pragma('quick_check').map((row) => row.quick_check).filter((line) => line !== 'ok');
  db.close();
  parentPort.postMessage({ problems });
} catch (error) {
  parentPort.postMessage({ problems: [String(error && error.message || error)], code: error && error.code });
}
`;

/**
 * SQLite's `quick_check` (pages, records and indexes consistent) on a worker thread: the problems it found,
 * none for a sound file. It reads the whole file (about a second at 100k papers), so a start runs it beside
 * loading the papers instead of before.
 */
export function quickCheckInBackground(file: string): Promise<{ problems: string[]; code?: string }> {
  const worker = sqliteWorker(QUICK_CHECK_SOURCE, { file });
  return new Promise((resolve, reject) => {
    worker.once('message', (result: { problems: string[]; code?: string }) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the integrity check stopped (exit ${code})`)));
  });
}
