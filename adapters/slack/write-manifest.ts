/**
 * Writes the Slack app manifest generated from the command registry:
 *   npm run slack:manifest            → adapters/slack/manifest.json (Socket Mode, the easy start)
 *   npm run slack:manifest -- --http https://your-host/slack/events
 *   npm run slack:manifest -- --http https://your-host/slack/events --distributed
 *                                     (installable in many workspaces: OAuth redirect URL, uninstall events)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commandRegistry } from '../../commands/registry.ts';
import { slackManifest } from './manifest.ts';

const args = process.argv.slice(2);
const httpIndex = args.indexOf('--http');
const requestUrl = httpIndex >= 0 ? args[httpIndex + 1] : undefined;
const distributed = args.includes('--distributed');
if (distributed && requestUrl === undefined) {
  process.stderr.write('--distributed needs --http https://your-host/slack/events (installs go through the public URL)\n');
  process.exit(2);
}
const manifest = slackManifest(commandRegistry, {
  name: 'Paperboy',
  command: '/papers',
  socketMode: requestUrl === undefined,
  ...(requestUrl ? { requestUrl } : {}),
  distributed,
});
const path = fileURLToPath(new URL('./manifest.json', import.meta.url));
writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`Wrote ${path}\n`);
