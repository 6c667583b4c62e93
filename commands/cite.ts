import { z } from 'zod';
import { fileNameOf } from '../src/chat/message.ts';
import { toBibtex, toMarkdownCitation } from '../src/corpus/citation.ts';
import { defineCommand } from './framework/command-spec.ts';
import { choice, paperReference, resolvePaper, validate } from './framework/validators.ts';

const FORMATS = ['bibtex', 'markdown'] as const;
const usage = 'cite <paper> [bibtex|markdown]';
const schema = z.object({
  paper: paperReference('cite'),
  format: choice('format', FORMATS).default('bibtex'),
});

/** `cite`: a citation to paste, as BibTeX or Markdown. */
export const citeCommand = defineCommand({
  name: 'cite',
  summary: 'A citation to paste, as BibTeX (default) or Markdown',
  usage,
  examples: ['cite 2501.12948', 'cite 1706.03762 markdown', 'cite monge gap bibtex'],
  arguments: [{ name: 'paper', description: 'the paper to cite: arXiv id, URL or title words', kind: 'paper', required: true }],
  options: [{ name: 'format', description: 'citation format', example: 'markdown', choices: FORMATS }],
  permission: 'anyone',
  parse: ({ words, options }) => {
    // A trailing "bibtex" or "markdown" word picks the format.
    const last = words.at(-1)?.toLowerCase();
    const trailing = last === 'bibtex' || last === 'markdown' ? last : undefined;
    const paperWords = trailing ? words.slice(0, -1) : words;
    return validate(schema, { paper: paperWords.join(' '), format: options.format ?? trailing }, usage);
  },
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
