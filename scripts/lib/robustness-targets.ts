/**
 * The robustness run's pass/fail rule, apart from the 1,300 lines that gather the figures, so it
 * can be tested: every figure that must be zero (or complete) is named when it is not.
 */

/** The figures the targets are judged on. */
export interface RobustnessFigures {
  malformedOutputs: number;
  expectationMisses: number;
  secretsLeaked: number;
  pings: number;
  mentionSyntaxInDiscordMessages: number;
  brokenCorpusCases: number;
  brokenCorpusRejectedByName: number;
  uploadCases: number;
  uploadCasesRefusedBeforeWrite: number;
  indexBytesChangedByFailedBuilds: number;
  indexEntriesChangedByFailedBuilds: number;
  oldIndexStillAnswers: boolean;
  /** A damaged index that answered with something other than the intact index's answer. */
  damagedIndexServedWrong: number;
  crashes: number;
}

/** The names of the targets missed; empty when every target is met. */
export function missedTargets(f: RobustnessFigures): string[] {
  const checks: Array<[string, boolean]> = [
    ['malformedOutputs', f.malformedOutputs > 0],
    ['expectationMisses', f.expectationMisses > 0],
    ['secretsLeaked', f.secretsLeaked > 0],
    ['pings', f.pings > 0],
    ['mentionSyntaxInDiscordMessages', f.mentionSyntaxInDiscordMessages > 0],
    ['brokenCorpusRejectedByName', f.brokenCorpusRejectedByName < f.brokenCorpusCases],
    ['uploadCasesRefusedBeforeWrite', f.uploadCasesRefusedBeforeWrite < f.uploadCases],
    ['indexBytesChangedByFailedBuilds', f.indexBytesChangedByFailedBuilds > 0],
    ['indexEntriesChangedByFailedBuilds', f.indexEntriesChangedByFailedBuilds > 0],
    ['oldIndexStillAnswers', !f.oldIndexStillAnswers],
    ['damagedIndexServedWrong', f.damagedIndexServedWrong > 0],
    ['crashes', f.crashes > 0],
  ];
  return checks.filter(([, missed]) => missed).map(([name]) => name);
}
