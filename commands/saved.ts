import { UserError } from '../src/chat/errors.ts';
import { fileNameOf, type Inline } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { toBibtex, toMarkdownCitation } from '../src/corpus/citation.ts';
import { defineCommand } from './framework/command-spec.ts';
import { paperUrl } from './presenters/paper.ts';

const usage = 'saved | saved export [bibtex|markdown]';

type SavedArgs = { action: 'list' } | { action: 'export'; format: 'bibtex' | 'markdown' };

/** `saved`: the channel's reading list, or all of it as BibTeX or Markdown. */
export const savedCommand = defineCommand<SavedArgs>({
  name: 'saved',
  summary: "This channel's reading list, or all of it as citations",
  usage,
  examples: ['saved', 'saved export bibtex', 'saved export markdown'],
  arguments: [
    { name: 'action', description: 'export: the whole list as citations', kind: 'text', choices: ['export'] },
    { name: 'format', description: 'the citation format of an export', kind: 'text', choices: ['bibtex', 'markdown'] },
  ],
  options: [],
  permission: 'anyone',
  parse: ({ words }) => {
    const [first, second, ...rest] = words.map((w) => w.toLowerCase());
    if (first === undefined) return { action: 'list' };
    if (first === 'export' && rest.length === 0 && (second === undefined || second === 'bibtex' || second === 'markdown')) {
      return { action: 'export', format: second ?? 'bibtex' };
    }
    throw new UserError('invalid-argument', `"saved ${words.join(' ')}" is not something saved does; use /papers saved or /papers saved export bibtex|markdown`);
  },
  run: async (args, ctx) => {
    const entries = await ctx.stores.saved.list(encodeRef(ctx.channel));
    const papers = await ctx.papers.getMany(entries.map((entry) => entry.paperId));
    if (papers.length === 0) {
      const text = 'The reading list of this channel is empty. Press Save on a paper card, or /papers save <paper>.';
      return { fallbackText: text, blocks: [{ kind: 'text', text: [text] }], visibility: 'user' };
    }
    if (args.action === 'export') {
      const body = papers.map((paper) => (args.format === 'bibtex' ? toBibtex(paper) : `- ${toMarkdownCitation(paper)}`)).join(args.format === 'bibtex' ? '\n\n' : '\n');
      return {
        fallbackText: body,
        blocks: [
          { kind: 'context', text: [`${papers.length} saved paper${papers.length === 1 ? '' : 's'} as ${args.format === 'bibtex' ? 'BibTeX' : 'Markdown'}`] },
          { kind: 'text', text: [{ text: body, style: 'code' }] },
        ],
        visibility: 'channel',
        fileName: fileNameOf('reading list', args.format === 'bibtex' ? 'bib' : 'md'),
      };
    }
    const items: Inline[][] = papers.map((paper) => {
      const url = paperUrl(paper);
      return [url ? { text: paper.titleDisplay, url } : paper.titleDisplay];
    });
    return {
      fallbackText: [`Reading list (${papers.length}):`, ...papers.map((p) => `- ${p.titleDisplay}`)].join('\n'),
      blocks: [
        { kind: 'text', text: [{ text: `Reading list (${papers.length})`, style: 'bold' }] },
        { kind: 'list', items, ordered: true },
        { kind: 'context', text: ['Export it: /papers saved export bibtex'] },
      ],
      visibility: 'channel',
    };
  },
});
