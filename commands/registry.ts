import type { AnyCommandSpec } from './framework/command-spec.ts';
import { askCommand } from './ask.ts';
import { citeCommand } from './cite.ts';
import { dailyCommand } from './daily.ts';
import { discussCommand } from './discuss.ts';
import { discussionsCommand } from './discussions.ts';
import { createHelpCommand } from './help.ts';
import { relatedCommand } from './related.ts';
import { saveCommand } from './save.ts';
import { savedCommand } from './saved.ts';
import { searchCommand } from './search.ts';
import { showCommand } from './show.ts';
import { statusCommand } from './status.ts';
import { subscribeCommand } from './subscribe.ts';
import { subscriptionsCommand } from './subscriptions.ts';
import { summaryCommand } from './summary.ts';
import { trendingCommand } from './trending.ts';
import { unsubscribeCommand } from './unsubscribe.ts';

/**
 * Every command, explicitly, in the order help lists them. The only way to add a command: write its
 * file and add it here. Help, the Slack manifest and the Discord schemas are generated from this list.
 */
export const commandRegistry: readonly AnyCommandSpec[] = [
  searchCommand,
  showCommand,
  relatedCommand,
  citeCommand,
  trendingCommand,
  discussCommand,
  discussionsCommand,
  askCommand,
  summaryCommand,
  dailyCommand,
  subscribeCommand,
  unsubscribeCommand,
  subscriptionsCommand,
  saveCommand,
  savedCommand,
  statusCommand,
  createHelpCommand(() => commandRegistry),
];
