/* A command's usage line, generated from its declared arguments and options. */
import type { AnyCommandSpec, ArgumentSpec, OptionSpec } from './command-spec.ts';

/** How an argument shows in the usage line: `<paper>`, `[today|week|month]`, `[weekdays]`. */
export function argumentUsage(name: string, argument: ArgumentSpec): string {
  const shape = argument.placeholder ?? (argument.choices ? argument.choices.join('|') : name);
  return argument.required ? `<${shape}>` : `[${shape}]`;
}

/** How an option shows in the usage line: `[since:7d]`, `[sort:relevance|trending|newest]`. */
export function optionUsage(name: string, option: OptionSpec): string {
  return `[${name}:${option.placeholder ?? (option.choices ? option.choices.join('|') : option.example)}]`;
}

/** The syntax, without the `/papers` prefix: `search [query] [since:7d] [author:NAME] …`. */
export function usageOf(spec: AnyCommandSpec): string {
  return [
    spec.name,
    ...Object.entries(spec.arguments as Record<string, ArgumentSpec>).map(([name, argument]) => argumentUsage(name, argument)),
    ...Object.entries(spec.options as Record<string, OptionSpec>).map(([name, option]) => optionUsage(name, option)),
  ].join(' ') + (spec.usageNote ? `  (${spec.usageNote})` : '');
}
