import { fileNameOf } from '../src/chat/message.ts';
import { toBibtex, toMarkdownCitation } from '../src/corpus/citation.ts';
import { defineCommand } from './framework/command-spec.ts';
import { citationFormatArgument, paperArgument, resolvePaper } from './framework/validators.ts';

/** `cite`: a citation to paste, as BibTeX or Markdown. */
export const citeCommand = defineCommand({
  name: 'cite',
  summary: 'A citation to paste, as BibTeX (default) or Markdown',
  examples: ['cite 2501.12948', 'cite 1706.03762 markdown', 'cite monge gap bibtex'],
  arguments: {
    paper: paperArgument('the paper to cite: arXiv id, URL or title words'),
    format: { ...citationFormatArgument('citation format (default bibtex)'), default: 'bibtex' },
  },
  options: {},
  permission: 'anyone',
  run: async (args, ctx) => {
    const paper = await resolvePaper(ctx.papers, args.paper, 'cite');
    const citation = args.format === 'bibtex' ? toBibtex(paper) : toMarkdownCitation(paper);
    return {
      fallbackText: citation,
      blocks: [
        { kind: 'context', text: [`${args.format === 'bibtex' ? 'BibTeX' : 'Markdown'} for ${paper.titleDisplay}`] },
        { kind: 'text', text: [{ text: citation, style: 'code' }] },
      ],
      visibility: 'channel',
      fileName: fileNameOf(paper.titleDisplay, args.format === 'bibtex' ? 'bib' : 'md'),
    };
  },
});
