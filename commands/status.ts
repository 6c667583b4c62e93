import { defineCommand } from './command-spec.ts';

function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}

/** `status`: what the bot serves and from where. */
export const statusCommand = defineCommand({
  name: 'status',
  summary: 'Corpus size, sources and how long the bot has been up',
  usage: 'status',
  examples: ['status'],
  options: [],
  permission: 'anyone',
  parse: () => ({}),
  run: (_args, ctx) => {
    const now = ctx.clock.now();
    const { corpus, index } = ctx.search;
    const sources = ctx.status.sources.length > 0 ? ctx.status.sources.join(', ') : 'none configured (bundled corpus only)';
    const fields = [
      { label: 'Papers', value: [`${corpus.size.toLocaleString('en')} (${index.termCount.toLocaleString('en')} indexed terms)`] },
      { label: 'Sources', value: [sources] },
      { label: 'Up for', value: [`${duration(now.getTime() - ctx.status.startedAt.getTime())} (since ${ctx.status.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC)`] },
      { label: 'Version', value: [ctx.status.version] },
    ];
    return {
      fallbackText: fields.map((f) => `${f.label}: ${f.value.join('')}`).join('\n'),
      blocks: [{ kind: 'heading', text: 'Paperboy status' }, { kind: 'fields', fields }],
      visibility: 'channel',
    };
  },
});
