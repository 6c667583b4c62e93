/*
 * PostgreSQL announces papers' commits: a process watching its schema hears another process's upsert at
 * once (its index then catches up without waiting for the poll), and hears nothing of an upsert that changed
 * nothing or of another schema's.
 */
import { afterAll, expect, it } from 'vitest';
import { openPostgresStores } from '../../src/store/postgres/postgres-store.ts';
import { ManualClock } from '../../src/clock.ts';
import { hfDailyPapers } from '../helpers/library.ts';
import { dropRunSchemas, freshSchema, testDatabaseUrl } from '../store/postgres-test-database.ts';

afterAll(dropRunSchemas);

it('tells a watching process about papers another process committed in its schema, and only then', async () => {
  const schema = freshSchema();
  const [watching, writing, elsewhere] = await Promise.all([
    openPostgresStores(testDatabaseUrl!, { schema }),
    openPostgresStores(testDatabaseUrl!, { schema }),
    openPostgresStores(testDatabaseUrl!, { schema: freshSchema() }),
  ]);
  try {
    let heard = 0;
    const stop = await watching.papers.watchChanges(() => { heard++; });
    const papers = hfDailyPapers(new ManualClock().now()).slice(0, 3);
    await elsewhere.papers.upsert(papers);
    await writing.papers.upsert(papers);
    await expect.poll(() => heard).toBe(1);
    await writing.papers.upsert(papers); // nothing changed: no announcement
    await writing.papers.upsert(papers.slice(0, 1).map((paper) => ({ ...paper, title: `${paper.title} (v2)` })));
    await expect.poll(() => heard).toBe(2);
    await stop();
    await writing.papers.upsert(papers.slice(1, 2).map((paper) => ({ ...paper, title: `${paper.title} (v2)` })));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toBe(2);
  } finally {
    await Promise.all([watching.close(), writing.close(), elsewhere.close()]);
  }
});
