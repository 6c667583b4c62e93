/**
 * `npm start`: runs the compiled bot (dist/main.js) in this process, building it first when dist/ is
 * missing or older than any source file. Starting from JavaScript reaches the prompt in about half the
 * time tsx takes to load the TypeScript (README, "Run it as a service"); `npm run dev` runs the sources
 * with tsx instead.
 */
import { buildIfStale } from './build.js';

const code = buildIfStale();
if (code !== 0) process.exit(code);
await import('../dist/main.js');
