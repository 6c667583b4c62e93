/*
 * Questions and summaries of one paper, end to end but without any platform: the extractive answer from
 * the abstract and full text, then, when a language model is configured, its answer written from the
 * retrieved passages. The caller passes the paper, its full text (if known) and the corpus idf, so it does
 * not matter where papers live.
 */
import type { Paper } from '../corpus/paper.ts';
import { representativeSentence } from '../corpus/sentences.ts';
import type { PaperText } from '../fulltext/paper-text.ts';
import type { PaperWriter, WriterOutcome } from '../llm/paper-writer.ts';
import { answerFromPaper, citeOf, type CitedPassage, type PaperAnswer, type Quote } from './answer.ts';
import { preparePassages } from './paper-passages.ts';

/** An answered question: the extractive answer, and what the model made of it when one is configured. */
export interface AskedPaper {
  answer: PaperAnswer;
  /** Absent without a model. */
  written?: WriterOutcome;
}

/** What asking a paper needs. */
export interface AskRequest {
  paper: Paper;
  question: string;
  /** The full text, when known. */
  text?: PaperText;
  termWeight: (term: string) => number;
  writer?: PaperWriter;
  /** Whose daily token budget pays (an encoded channel ref). */
  channel: string;
}

/** Answers a question: extractively, then by the model from the retrieved passages when one is configured. */
export async function askPaper(request: AskRequest): Promise<AskedPaper> {
  await preparePassages(request.paper, request.text);
  const answer = answerFromPaper(request.paper, request.question, request.termWeight, request.text);
  if (!request.writer) return { answer };
  const written = await request.writer.answer({
    channel: request.channel, title: request.paper.titleDisplay, question: request.question, passages: answer.passages,
  });
  return { answer, written };
}

/** One line of a summary: what the paper does, its main result, its main limitation. */
export interface SummaryPoint {
  label: 'What' | 'Result' | 'Limitation';
  quote: Quote;
}

/** A paper's TL;DR. */
export interface PaperSummary {
  points: SummaryPoint[];
  searched: 'abstract' | 'full-text';
  /** The passages the points come from (what a model is given). */
  passages: CitedPassage[];
  /** Absent without a model. */
  written?: WriterOutcome;
}

/**
 * The TL;DR of a paper, extractive: the source's AI summary or the abstract's representative sentence
 * (what it does), the sentence that best states a result, and, from the full text, the one that best
 * states a limitation. With a model, also its summary written from those passages and the conclusion.
 */
export async function summarizePaper(request: Omit<AskRequest, 'question'>): Promise<PaperSummary> {
  const { paper, text, termWeight } = request;
  await preparePassages(paper, text);
  const points: SummaryPoint[] = [];
  const passages: CitedPassage[] = [];
  const addPassages = (more: readonly CitedPassage[]): void => {
    for (const p of more) if (!passages.some((q) => q.cite === p.cite && q.text === p.text)) passages.push(p);
  };
  const what = paper.aiSummary ?? representativeSentence(paper.abstractDisplay);
  if (what) points.push({ label: 'What', quote: { text: what, source: paper.aiSummary ? 'summary' : 'abstract', score: 0 } });
  if (paper.abstractDisplay) addPassages([{ cite: 'abstract', text: paper.abstractDisplay }]);
  const result = answerFromPaper(paper, 'what are the results?', termWeight, text);
  const resultQuote = result.quotes.find((q) => q.text !== what);
  if (result.covered && resultQuote) {
    points.push({ label: 'Result', quote: resultQuote });
    addPassages(result.passages.slice(0, 2));
  }
  if (text) {
    const limitation = answerFromPaper(paper, 'what are the limitations?', termWeight, text);
    const limitationQuote = limitation.quotes.find((q) => q.source === 'body');
    if (limitation.covered && limitationQuote) {
      points.push({ label: 'Limitation', quote: limitationQuote });
      addPassages(limitation.passages.slice(0, 1));
    }
    const conclusion = text.passages.find((p) => {
      const section = text.sections.find((s) => s.id === p.section);
      return p.kind === 'paragraph' && section !== undefined && /conclusion/i.test(section.title);
    });
    if (conclusion) {
      const section = text.sections.find((s) => s.id === conclusion.section);
      addPassages([{ cite: citeOf('body', { id: conclusion.id, kind: 'paragraph', ...(section?.number ? { section: `§${section.number} ${section.title}` } : {}) }), text: conclusion.text }]);
    }
  }
  const summary: PaperSummary = { points, searched: text && text.passages.length > 0 ? 'full-text' : 'abstract', passages };
  if (!request.writer) return summary;
  return { ...summary, written: await request.writer.summarize({ channel: request.channel, title: paper.titleDisplay, passages }) };
}

/** A card's TL;DR from a summary: what the paper does, then its main result. */
export function summaryTldr(summary: PaperSummary): string | undefined {
  const parts = summary.points.filter((p) => p.label !== 'Limitation').map((p) => p.quote.text);
  return parts.length > 0 ? parts.join(' ') : undefined;
}
