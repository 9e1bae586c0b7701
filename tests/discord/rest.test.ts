import { describe, expect, it } from 'vitest';
import { InteractionAwareREST, isInteractionReply } from '../../src/discord/rest.js';

describe('isInteractionReply', () => {
  it('picks out interaction edits and follow-ups, which carry no bot token', () => {
    expect(
      isInteractionReply({ auth: false, fullRoute: '/webhooks/123/tok/messages/@original' }),
    ).toBe(true);
    expect(isInteractionReply({ auth: false, fullRoute: '/webhooks/123/tok' })).toBe(true);
  });

  it('leaves every bot-token request in the rate-limited queue', () => {
    expect(isInteractionReply({ auth: true, fullRoute: '/webhooks/123/tok' })).toBe(false);
    expect(isInteractionReply({ fullRoute: '/channels/1/messages' })).toBe(false);
    expect(isInteractionReply({ auth: false, fullRoute: '/interactions/1/tok/callback' })).toBe(
      false,
    );
  });
});

describe('InteractionAwareREST', () => {
  it('keeps the 50 per second global limit for the bot token', () => {
    const rest = new InteractionAwareREST();
    expect(rest.options.globalRequestsPerSecond).toBe(50);
    rest.clearHashSweeper();
    rest.clearHandlerSweeper();
  });
});
