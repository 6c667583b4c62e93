import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DatabaseConnectionError } from '../../src/store/postgres/connection-error.ts';
import { openPostgresStores } from '../../src/store/postgres/postgres-store.ts';
import { npmScript } from '../helpers/npm-script.ts';

// These need no PostgreSQL server: they are about there being none (the server's refusals are in
// postgres-database.pg.test.ts).

const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-no-postgres-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let server: Server | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** Listens on a free port of 127.0.0.1 with `onConnection`, or (without it) finds a port nothing listens on. */
async function port(onConnection?: (socket: Socket) => void): Promise<number> {
  const listener = createServer((socket) => {
    sockets.add(socket);
    onConnection?.(socket);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  if (onConnection) server = listener;
  else await new Promise((resolve) => listener.close(resolve));
  return port;
}

describe('opening PostgreSQL stores when the server is not there', () => {
  it('names DATABASE_URL, the server and what to do when nothing listens, without the password', async () => {
    const url = `postgres://bot:s3cret-pw@127.0.0.1:${await port()}/paperboy`;
    const opening = openPostgresStores(url);
    await expect(opening).rejects.toThrow(DatabaseConnectionError);
    await expect(opening).rejects.toThrow(
      /^DATABASE_URL: cannot connect to the PostgreSQL server at 127\.0\.0\.1:\d+: connection refused\. Start the server, or fix the host and port in DATABASE_URL\.$/,
    );
    await expect(opening).rejects.not.toThrow(/s3cret-pw/);
  });

  it('gives up on a server that accepts the connection but never answers', async () => {
    const url = `postgres://bot@127.0.0.1:${await port(() => undefined)}/paperboy`;
    await expect(openPostgresStores(url, { connectTimeoutMs: 300 })).rejects.toThrow(
      /^DATABASE_URL: cannot connect to the PostgreSQL server at 127\.0\.0\.1:\d+: no answer within 0\.3 s\./,
    );
  });

  it('says so when the server hangs up during the start-up', async () => {
    const url = `postgres://bot:s3cret-pw@127.0.0.1:${await port((socket) => socket.destroy())}/paperboy`;
    const opening = openPostgresStores(url);
    await expect(opening).rejects.toThrow(/^DATABASE_URL: cannot connect to the PostgreSQL server at 127\.0\.0\.1:\d+: /);
    await expect(opening).rejects.not.toThrow(/s3cret-pw/);
  });
});

describe('npm start and npm run import with DATABASE_URL on a server that is not there', () => {
  it('both exit 1 with one line that names DATABASE_URL and the server, never the password', async () => {
    const env = { DATA_DIR: dataDir, DATABASE_URL: `postgres://bot:s3cret-pw@127.0.0.1:${await port()}/paperboy` };
    const start = await npmScript('start', ['--once', 'help'], env);
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(
      /^Paperboy could not start: DATABASE_URL: cannot connect to the PostgreSQL server at 127\.0\.0\.1:\d+: connection refused\. Start the server, or fix the host and port in DATABASE_URL\.\n$/,
    );
    expect(start.stdout).toBe('');

    const file = join(dataDir, 'papers.jsonl');
    writeFileSync(file, '');
    const imported = await npmScript('import', [file], env);
    expect(imported.code).toBe(1);
    expect(imported.stderr).toMatch(/^Import failed: DATABASE_URL: cannot connect to the PostgreSQL server at 127\.0\.0\.1:\d+: connection refused\./);
    expect(start.stderr + imported.stderr).not.toContain('s3cret-pw');
  }, 30_000);
});
