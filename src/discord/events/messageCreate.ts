import { Events } from 'discord.js';
import type { BotEvent } from '../event.js';
import { handleMessage } from '../messages.js';

/** Mentions, replies to the bot's answers and messages in its threads. */
export default {
  name: Events.MessageCreate,
  async execute(ctx, message) {
    await handleMessage(ctx, message);
  },
} satisfies BotEvent<Events.MessageCreate>;
