/*
 * What was typed, checked against what a command declares: every option known and given once, every word
 * taken by an argument (none left over, none given twice), every required argument there, and each value
 * through its own validator. Anything else is a `UserError` that says what to type instead.
 */
import type { z } from 'zod';
import { UserError } from '../../src/chat/errors.ts';
import type { Capabilities } from '../../src/chat/platform.port.ts';
import { echo } from '../../src/chat/text.ts';
import { closest, type ParsedArgs } from './args.ts';
import type { AnyCommandSpec, ArgumentSpec, OptionSpec, ValueContext } from './command-spec.ts';
import { argumentUsage, usageOf } from './usage.ts';

/** Whether a word is meant for a one-word argument. */
function accepts(argument: ArgumentSpec, word: string): boolean {
  if (argument.accepts) return argument.accepts(word);
  if (argument.choices) return argument.choices.includes(word.toLowerCase());
  return true;
}

/**
 * The words of a line bound to a command's arguments, as text per argument name. One-word arguments take
 * the first word they accept, in any order; a `rest` argument takes what the one-word arguments before it
 * (from the start) and after it (from the end) leave.
 */
export function bindWords(spec: AnyCommandSpec, words: readonly string[]): Record<string, string> {
  const entries = Object.entries(spec.arguments as Record<string, ArgumentSpec>);
  const bound: Record<string, string> = {};
  const problem = (message: string): UserError => new UserError('invalid-argument', message, [`Usage: /papers ${usageOf(spec)}`]);
  const given = (word: string, candidates: [string, ArgumentSpec][]): never => {
    const taken = candidates.find(([name, argument]) => bound[name] !== undefined && accepts(argument, word));
    if (taken) throw problem(`/papers ${spec.name} takes one ${taken[0]}: you gave "${echo(bound[taken[0]]!)}" and "${echo(word)}". Keep one.`);
    if (entries.length === 0) throw problem(`/papers ${spec.name} takes nothing after its name ("${echo(word)}"); type just /papers ${spec.name}`);
    const expected = candidates.map(([name, argument]) => (argument.choices ? argument.choices.join(', ') : argument.placeholder ?? name));
    throw problem(`"${echo(word)}" is not something /papers ${spec.name} takes here; it takes ${expected.join('; ')}.`);
  };
  const restAt = entries.findIndex(([, argument]) => argument.takes === 'rest');
  if (restAt === -1) {
    for (const word of words) {
      const target = entries.find(([name, argument]) => bound[name] === undefined && accepts(argument, word));
      if (!target) given(word, entries);
      else bound[target[0]] = word;
    }
    return bound;
  }
  let start = 0;
  let end = words.length;
  const front = entries.slice(0, restAt);
  const back = entries.slice(restAt + 1).reverse();
  for (const [name, argument] of front) {
    if (start < end && accepts(argument, words[start]!)) bound[name] = words[start++]!;
  }
  for (const [name, argument] of back) {
    if (end > start && accepts(argument, words[end - 1]!)) bound[name] = words[--end]!;
  }
  // A word one of them would have taken, left next to it: given twice (`trending week month`).
  if (start < end && front.some(([name, argument]) => bound[name] !== undefined && accepts(argument, words[start]!))) given(words[start]!, front);
  if (end > start && back.some(([name, argument]) => bound[name] !== undefined && accepts(argument, words[end - 1]!))) given(words[end - 1]!, back);
  if (end > start) bound[entries[restAt]![0]] = words.slice(start, end).join(' ');
  return bound;
}

/** Anything with a validator built for where it is used. */
type Validated = { schema(at: ValueContext): z.ZodType<unknown, string> };
const NO_PLATFORM = {};
const builtSchemas = new WeakMap<object, WeakMap<Validated, Map<string, z.ZodType<unknown, string>>>>();

/**
 * The validator of an argument or option where it is used, built once per platform, value and command: building
 * a zod schema costs far more than running it (a fifth of a search command's time before this).
 */
function schemaOf(value: Validated, at: ValueContext): z.ZodType<unknown, string> {
  const platformKey = at.platform ?? NO_PLATFORM;
  let byValue = builtSchemas.get(platformKey);
  if (!byValue) builtSchemas.set(platformKey, (byValue = new WeakMap()));
  let byPlace = byValue.get(value);
  if (!byPlace) byValue.set(value, (byPlace = new Map()));
  const place = `${at.command} ${at.name}`;
  let schema = byPlace.get(place);
  if (!schema) byPlace.set(place, (schema = value.schema(at)));
  return schema;
}

/** A value through its validator, or a `UserError` with its message and the usage line. */
function checkValue(spec: AnyCommandSpec, schema: z.ZodType<unknown, string>, text: string): unknown {
  const result = schema.safeParse(text);
  if (result.success) return result.data;
  throw new UserError('invalid-argument', result.error.issues[0]?.message ?? 'That value is not valid.', [`Usage: /papers ${usageOf(spec)}`]);
}

/**
 * A parsed line checked against `spec`: the values its `run` gets, by argument and option name. Throws a
 * `UserError` for an unknown or repeated option, a word no argument takes, a missing required argument or a
 * value its validator refuses.
 */
export function checkLine(spec: AnyCommandSpec, parsed: ParsedArgs, platform: Capabilities | undefined): Record<string, unknown> {
  const usage = [`Usage: /papers ${usageOf(spec)}`];
  const optionSpecs = spec.options as Record<string, OptionSpec>;
  const optionNames = Object.keys(optionSpecs);
  const [unknown] = parsed.unknownOptions;
  if (unknown !== undefined) {
    const suggestion = closest(unknown, optionNames);
    const known = optionNames.length > 0 ? `Its options: ${optionNames.map((n) => `${n}:`).join(' ')}` : 'It takes no options.';
    throw new UserError('unknown-option', `/papers ${spec.name} has no option "${echo(unknown)}:".${suggestion ? ` Did you mean ${suggestion}:?` : ''} ${known}`, usage);
  }
  const [repeated] = parsed.repeatedOptions;
  if (repeated !== undefined) {
    throw new UserError('invalid-argument', `${repeated}: is given more than once; keep one, e.g. ${repeated}:${optionSpecs[repeated]!.example}`, usage);
  }
  const at = (name: string): ValueContext => ({ command: spec.name, name, ...(platform ? { platform } : {}) });
  const values: Record<string, unknown> = {};
  const bound = bindWords(spec, parsed.words);
  for (const [name, argument] of Object.entries(spec.arguments as Record<string, ArgumentSpec>)) {
    const text = bound[name] ?? argument.default;
    if (text === undefined) {
      if (argument.required) {
        throw new UserError('missing-argument', `/papers ${spec.name} needs ${argumentUsage(name, argument)}: ${argument.description}. E.g. /papers ${spec.name} ${argument.example}`, usage);
      }
      continue;
    }
    values[name] = checkValue(spec, schemaOf(argument, at(name)), text);
  }
  for (const [name, option] of Object.entries(optionSpecs)) {
    const text = parsed.options[name] ?? option.default;
    if (text !== undefined) values[name] = checkValue(spec, schemaOf(option, at(name)), text);
  }
  return values;
}
