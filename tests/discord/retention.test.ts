import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBotConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/open.js';
import { StateStore } from '../../src/db/state.js';
import { sweepRetention } from '../../src/discord/botState.js';
import { SettingsService } from '../../src/discord/settings.js';

describe('the retention sweep', () => {
  let dir: string;
  let store: StateStore;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'storybot-retention-'));
    store = await StateStore.open(await openDatabase(path.join(dir, 'state.db')));
  });
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("erases question text past each server's retention and keeps the rows", async () => {
    const config = loadBotConfig({
      DISCORD_TOKEN: 'aaaaaaaaaaaaaaaaaaaaaaaa.bbbbbb.cccccccccccccccccccccccccccccccccccccc',
      DISCORD_CLIENT_ID: '123456789012345678',
      INSIGHTS_RETENTION_DAYS: '30',
    });
    const settings = new SettingsService(store, config);
    await settings.set('short', '', 'retentionDays', 2);
    const now = new Date('2026-11-30T00:00:00Z');
    const log = (id: string, guildId: string, daysAgo: number) =>
      store.logAnswer({
        id,
        at: new Date(now.getTime() - daysAgo * 86_400_000),
        guildId,
        channelId: 'c',
        userId: 'u',
        via: 'slash',
        question: 'Who?',
        refused: false,
        latencyMs: 1,
        citations: [],
        answerer: 'extractive',
      });
    await log('short-old', 'short', 5);
    await log('short-new', 'short', 1);
    await log('default-old', 'default', 40);
    await log('default-mid', 'default', 5);
    expect(await sweepRetention(store, settings, now)).toBe(2);
    const rows = await store.db
      .selectFrom('answers')
      .select(['id', 'question'])
      .orderBy('id')
      .execute();
    expect(rows).toEqual([
      { id: 'default-mid', question: 'Who?' },
      { id: 'default-old', question: null },
      { id: 'short-new', question: 'Who?' },
      { id: 'short-old', question: null },
    ]);
  });
});
