/**
 * The shape of an event module in `events/`, and the predicate that checks each one.
 */
import type { ClientEvents } from 'discord.js';
import type { BotContext } from './context.js';

/** One gateway event handler; `once` handlers run for the first occurrence only. */
export interface BotEvent<K extends keyof ClientEvents = keyof ClientEvents> {
  name: K;
  once?: boolean;
  execute(ctx: BotContext, ...args: ClientEvents[K]): Promise<void> | void;
}

/** True when `value` has the shape of a {@link BotEvent}. */
export function isBotEvent(value: unknown): value is BotEvent {
  if (!value || typeof value !== 'object') return false;
  const v = value as Partial<BotEvent>;
  return (
    typeof v.name === 'string' &&
    typeof v.execute === 'function' &&
    (v.once === undefined || typeof v.once === 'boolean')
  );
}
