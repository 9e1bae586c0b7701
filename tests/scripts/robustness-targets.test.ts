import { describe, expect, it } from 'vitest';
import { missedTargets, type RobustnessFigures } from '../../scripts/lib/robustness-targets.js';

const clean: RobustnessFigures = {
  malformedOutputs: 0,
  expectationMisses: 0,
  secretsLeaked: 0,
  pings: 0,
  mentionSyntaxInDiscordMessages: 0,
  brokenCorpusCases: 12,
  brokenCorpusRejectedByName: 12,
  uploadCases: 5,
  uploadCasesRefusedBeforeWrite: 5,
  indexBytesChangedByFailedBuilds: 0,
  indexEntriesChangedByFailedBuilds: 0,
  oldIndexStillAnswers: true,
  damagedIndexServedWrong: 0,
  crashes: 0,
};

describe('missedTargets', () => {
  it('meets every target when nothing went wrong', () => {
    expect(missedTargets(clean)).toEqual([]);
  });

  it('misses a target when a damaged index served a wrong answer', () => {
    expect(missedTargets({ ...clean, damagedIndexServedWrong: 1 })).toEqual([
      'damagedIndexServedWrong',
    ]);
  });

  it('names each missed target', () => {
    expect(
      missedTargets({
        ...clean,
        secretsLeaked: 2,
        brokenCorpusRejectedByName: 11,
        oldIndexStillAnswers: false,
      }),
    ).toEqual(['secretsLeaked', 'brokenCorpusRejectedByName', 'oldIndexStillAnswers']);
  });
});
