import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { OutgoingMessage } from '../../../src/chat/message.ts';
import { readStartArguments } from '../../../adapters/shell/once.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'paperboy-shell-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `npm start` with arguments and optional piped stdin, offline, in a fresh data directory. */
function npmStart(args: string[], stdin?: string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['start', '--silent', '--', ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, NO_COLOR: '1', LOG_LEVEL: 'info', SOURCES: '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe("npm start's command line", () => {
  it('takes --once with one command and --json with it, and says what is wrong with anything else', () => {
    expect(readStartArguments([])).toEqual({ values: { json: false } });
    expect(readStartArguments(['--once', 'search diffusion', '--json'])).toEqual({ values: { once: 'search diffusion', json: true } });
    const problems: [string[], RegExp][] = [
      [['--bogus'], /^npm start has no option --bogus\.$/],
      [['--once'], /^--once needs the command to run/],
      [['--once', ''], /^--once needs the command to run/],
      [['--once', 'status', '--once', 'help'], /^--once is given 2 times; run one command at a time\.$/],
      [['--json'], /^--json goes with --once/],
      [['search', 'diffusion'], /^"search" is not an option of npm start; to run one command: npm start -- --once "search diffusion"$/],
    ];
    for (const [argv, message] of problems) {
      const read = readStartArguments(argv);
      expect('problem' in read && read.problem, argv.join(' ')).toMatch(message);
    }
  });
});

describe('npm start -- --once', () => {
  it('runs one command and prints readable text', async () => {
    const run = await npmStart(['--once', 'search optimal transport']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1–5 of \d+ papers for "optimal transport"/);
    expect(run.stdout).toContain('Sparsity-Constrained Optimal Transport');
    expect(run.stdout).toMatch(/\[1\] Discuss {2}\[2\] Related {2}\[3\] Save {2}\[4\] Cite/);
    expect(run.stdout).not.toContain('\u001b['); // no color when not a terminal
    expect(run.stderr).toBe('');
    expect(readFileSync(join(dataDir, 'paperboy.log'), 'utf8')).toContain('search index');
  });

  it('prints the OutgoingMessage as JSON with --json', async () => {
    const run = await npmStart(['--once', 'show monge gap', '--json']);
    expect(run.code).toBe(0);
    const message = JSON.parse(run.stdout) as OutgoingMessage;
    expect(message.fallbackText).toContain('The Monge Gap');
    expect(message.blocks[0]).toEqual({ kind: 'heading', text: 'The Monge Gap: A Regularizer to Learn All Transport Maps' });
    expect(message.visibility).toBe('channel');
  });

  it('prints what it takes, not Node internals, for a flag it does not know', async () => {
    const run = await npmStart(['--onse', 'search diffusion']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('npm start has no option --onse.');
    expect(run.stderr).toContain('npm start -- --once "search diffusion"');
    expect(run.stderr).not.toMatch(/ERR_PARSE_ARGS|TypeError|at /);
  });

  it('exits 1 with the message on stderr for a user error', async () => {
    const run = await npmStart(['--once', 'serch diffusion']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('There is no command "serch". Did you mean /papers search?');
  });
});

describe('the interactive terminal', () => {
  it('answers a search, presses a numbered button, and quits cleanly', async () => {
    const run = await npmStart([], ['search monge gap', '4', 'quit', 'search never-reached'].join('\n'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Paperboy 0.1.0 · 74 papers, all bundled: titles and abstracts of the trending page, without dates, authors, arXiv ids or upvotes (connect a source with SOURCES=hf-daily in .env for those)');
    expect(run.stdout).toContain('The Monge Gap: A Regularizer to Learn All Transport Maps');
    // Button 4 of the first card is Cite: its BibTeX follows.
    expect(run.stdout).toContain('@misc{');
    expect(run.stdout).not.toContain('never-reached');
  });

  it('says so when a number is not a button, and leaves on end of input', async () => {
    const run = await npmStart([], ['7', '/papers status'].join('\n'));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('There are no buttons to pick right now.');
    expect(run.stdout).toContain('Papers: 74');
  });
});

/** Whether util-linux `script` is here to give `npm start` a pseudo-terminal. */
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Runs `npm start` on a pseudo-terminal (util-linux `script`), so stdin and stdout are a TTY as when a person
 * types: sends each line once the prompt is showing, then resolves when the process exits (or kills it and fails after 15 s).
 */
function npmStartOnTerminal(lines: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qfec', 'npm start --silent', '/dev/null'], {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, NO_COLOR: '1', SOURCES: '', TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = 0;
    const prompts = () => stdout.split('papers> ').length - 1;
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      // Each line goes once a new prompt shows that the one before was answered.
      if (sent < lines.length && prompts() > sent) {
        child.stdin.write(lines[sent++]!);
      }
    });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`still running 15 s after start; output: ${stdout.slice(-400)}`)); }, 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(!hasScript)('the interactive terminal on a real TTY', () => {
  it('leaves on quit: no new prompt, and the process exits', async () => {
    const run = await npmStartOnTerminal(['search monge gap\r', 'quit\r']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('The Monge Gap: A Regularizer to Learn All Transport Maps');
    // The prompt after the answer, and none after quit.
    expect(run.stdout.trimEnd().endsWith('quit')).toBe(true);
  }, 30_000);

  it('leaves on Ctrl-C at an empty prompt, and on Ctrl-D', async () => {
    for (const key of ['\u0003', '\u0004']) {
      const run = await npmStartOnTerminal([key]);
      expect(run.code, JSON.stringify(key)).toBe(0);
      expect(run.stdout.split('papers> ')).toHaveLength(2);
    }
  }, 45_000);
});

describe('starting on a database it cannot use', () => {
  it('says what to do with a damaged database, on one line, and exits 1', async () => {
    const damaged = mkdtempSync(join(tmpdir(), 'paperboy-damaged-'));
    try {
      writeFileSync(join(damaged, 'paperboy.db'), 'not a database at all, but long enough to have a header. '.repeat(100));
      const run = await npmStart([], '', { DATA_DIR: damaged });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^The database \S+paperboy\.db is damaged \(file is not a database\)\. Restore it from a backup, or move it aside/);
      expect(run.stderr).not.toMatch(/could not start|SqliteError|at /);
    } finally {
      rmSync(damaged, { recursive: true, force: true });
    }
  });
});

describe('starting with no network', () => {
  it('serves the bundled corpus and says in one log line that the sources are unreachable', async () => {
    const offline = mkdtempSync(join(tmpdir(), 'paperboy-offline-'));
    try {
      // Port 9 on 127.0.0.1 has no server: every request is refused, as with no network at all.
      const run = await npmStart([], 'search monge gap\n', { DATA_DIR: offline, SOURCES: 'hf-daily', HF_BASE_URL: 'http://127.0.0.1:9' });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('The Monge Gap: A Regularizer to Learn All Transport Maps');
      const log = readFileSync(join(offline, 'paperboy.log'), 'utf8');
      expect(log.match(/paper source unreachable; serving the papers we have/g)).toHaveLength(1);
    } finally {
      rmSync(offline, { recursive: true, force: true });
    }
  });
});
