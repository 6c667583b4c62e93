import { afterAll } from 'vitest';
import { openPostgresStores } from '../../src/store/postgres/postgres-store.ts';
import { dropRunSchemas, freshSchema, testDatabaseUrl } from './postgres-test-database.ts';
import { describeStoreContract } from './store-contract.ts';

afterAll(dropRunSchemas);
describeStoreContract('postgres', () => openPostgresStores(testDatabaseUrl!, { schema: freshSchema() }));
