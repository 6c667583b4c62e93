/*
 * Suggestions while someone types an argument (Discord's autocomplete): papers from the index by title
 * words or id, titles for a search, the channel's subscriptions, IANA time zones, and the fixed choices of
 * an argument. Lookups of a few milliseconds.
 */
import { encodeRef, type ChannelRef } from '../../src/chat/refs.ts';
import type { Paper } from '../../src/corpus/paper.ts';
import type { Papers } from '../../src/library/papers.ts';
import type { SubscriptionStore } from '../../src/store/subscription-store.port.ts';
import type { ArgumentSpec } from './command-spec.ts';

/** A value offered while typing: what is shown, and what is filled in when it is picked. */
export interface Suggestion {
  label: string;
  value: string;
}

/** Discord shows at most 25 choices. */
export const MAX_SUGGESTIONS = 25;


function paperSuggestion(paper: Paper): Suggestion {
  const id = paper.arxivId ?? paper.id;
  return { label: `${paper.titleDisplay} (${id})`, value: paper.id };
}

const ZONES: readonly string[] = [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];

/** Offers values for arguments while they are typed. */
export class ArgumentSuggester {
  constructor(
    private readonly library: Papers,
    private readonly subscriptions: Pick<SubscriptionStore, 'list'>,
  ) {}

  /** Up to {@link MAX_SUGGESTIONS} values for `argument` in `channel`, best first, given what is typed so far. */
  async suggest(argument: ArgumentSpec, partial: string, channel: ChannelRef): Promise<Suggestion[]> {
    const typed = partial.trim();
    if (argument.choices) {
      const lower = typed.toLowerCase();
      return argument.choices.filter((choice) => choice.startsWith(lower)).slice(0, MAX_SUGGESTIONS).map((choice) => ({ label: choice, value: choice }));
    }
    if (argument.kind === 'paper') return typed === '' ? this.trending() : this.papers(typed);
    if (argument.kind === 'query') return typed === '' ? [] : this.queries(typed);
    if (argument.kind === 'subscription') return this.channelSubscriptions(typed, channel);
    if (argument.kind === 'time-zone') return this.zones(typed);
    return [];
  }

  private async papers(typed: string): Promise<Suggestion[]> {
    return (await this.library.search({ text: typed, limit: MAX_SUGGESTIONS })).papers.map((hit) => paperSuggestion(hit.paper));
  }

  /** What was typed, to search for it as it is, then the titles it already matches, to search for one of them. */
  private async queries(typed: string): Promise<Suggestion[]> {
    const titles = (await this.library.search({ text: typed, limit: MAX_SUGGESTIONS - 1 })).papers.map((hit) => hit.paper.titleDisplay);
    return [typed, ...titles.filter((title) => title !== typed)].map((text) => ({ label: text, value: text }));
  }

  /** The channel's subscriptions whose number or topic contains what is typed: `#3 diffusion models` → `3`. */
  private async channelSubscriptions(typed: string, channel: ChannelRef): Promise<Suggestion[]> {
    const wanted = typed.replace(/^#/, '').toLowerCase();
    return (await this.subscriptions.list(encodeRef(channel)))
      .filter((s) => String(s.id).startsWith(wanted) || s.topic.toLowerCase().includes(wanted))
      .slice(0, MAX_SUGGESTIONS)
      .map((s) => ({ label: `#${s.id} ${s.topic}`, value: String(s.id) }));
  }

  /** What is trending this week, for a field not typed in yet (a window's papers only: milliseconds at 100k). */
  private async trending(): Promise<Suggestion[]> {
    return (await this.library.trending({ window: 'week', limit: MAX_SUGGESTIONS })).map((entry) => paperSuggestion(entry.paper));
  }

  /** Zones whose name contains every typed word (`new york` → America/New_York), shortest first. */
  private zones(typed: string): Suggestion[] {
    const words = typed.toLowerCase().split(/[\s/_]+/).filter(Boolean);
    const matches = ZONES.filter((zone) => {
      const name = zone.toLowerCase().replace(/_/g, ' ');
      return words.every((word) => name.includes(word));
    });
    const ordered = words.length === 0 ? matches : [...matches].sort((a, b) => a.length - b.length);
    return ordered.slice(0, MAX_SUGGESTIONS).map((zone) => ({ label: zone, value: zone }));
  }
}
