import { UserError } from '../src/chat/errors.ts';
import { defineCommand } from './framework/command-spec.ts';
import { handleThreadMessage } from './framework/thread-message.ts';
import { wordsArgument } from './framework/validators.ts';

/**
 * `ask`: a question to the bot inside a paper's discussion thread, answered from the paper, for platforms
 * where a slash command is handier than a mention (Discord). The same answer a mention gets.
 */
export const askCommand = defineCommand({
  name: 'ask',
  summary: 'Ask about the paper of this thread; answered from its full text when arXiv has it (or mention @paperboy)',
  usageNote: "inside a paper's thread",
  examples: ['ask what dataset do they use?', 'ask which GPUs did they train on?', 'ask related papers'],
  arguments: {
    question: wordsArgument({ placeholder: 'question', what: 'a question', description: 'your question about the paper of this thread', example: 'what dataset do they use?' }),
  },
  options: {},
  permission: 'anyone',
  run: async ({ question }, ctx) => {
    if (!ctx.thread) {
      // Slack sends no thread with a slash command, so there the way to ask is a mention in the thread.
      throw new UserError(
        'invalid-argument',
        'Ask inside a paper\'s thread: open one with /papers discuss <paper>, then mention @paperboy with your question there (on Discord, /papers ask works there too).',
      );
    }
    const answer = await handleThreadMessage({ thread: ctx.thread, actor: ctx.actor, text: question, at: ctx.clock.now(), addressedToBot: true }, ctx);
    if (!answer) throw new Error('a question to the bot got no answer');
    return answer;
  },
});
