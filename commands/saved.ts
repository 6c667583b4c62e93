import { UserError } from '../src/chat/errors.ts';
import { fileNameOf, textMessage, type Inline } from '../src/chat/message.ts';
import { encodeRef } from '../src/chat/refs.ts';
import { toBibtex, toMarkdownCitation } from '../src/corpus/citation.ts';
import { defineCommand } from './framework/command-spec.ts';
import { choiceArgument, citationFormatArgument } from './framework/validators.ts';
import { paperUrl } from './presenters/paper.ts';

/** `saved`: the channel's reading list, or all of it as BibTeX or Markdown. */
export const savedCommand = defineCommand({
  name: 'saved',
  summary: "This channel's reading list, or all of it as citations",
  examples: ['saved', 'saved export bibtex', 'saved export markdown'],
  arguments: {
    action: choiceArgument(['export'], { description: 'export: the whole list as citations' }),
    format: citationFormatArgument('the citation format of an export (default bibtex)'),
  },
  options: {},
  permission: 'anyone',
  run: async (args, ctx) => {
    if (args.format && !args.action) throw new UserError('invalid-argument', `${args.format} goes with export: /papers saved export ${args.format}`);
    const format = args.format ?? 'bibtex';
    const entries = await ctx.stores.saved.list(encodeRef(ctx.channel));
    const papers = await ctx.papers.getMany(entries.map((entry) => entry.paperId));
    if (papers.length === 0) return textMessage('The reading list of this channel is empty. Press Save on a paper card, or /papers save <paper>.', 'user');
    if (args.action === 'export') {
      const body = papers.map((paper) => (format === 'bibtex' ? toBibtex(paper) : `- ${toMarkdownCitation(paper)}`)).join(format === 'bibtex' ? '\n\n' : '\n');
      return {
        fallbackText: body,
        blocks: [
          { kind: 'context', text: [`${papers.length} saved paper${papers.length === 1 ? '' : 's'} as ${format === 'bibtex' ? 'BibTeX' : 'Markdown'}`] },
          { kind: 'text', text: [{ text: body, style: 'code' }] },
        ],
        visibility: 'channel',
        fileName: fileNameOf('reading list', format === 'bibtex' ? 'bib' : 'md'),
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
