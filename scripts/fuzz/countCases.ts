import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * Preloaded (`node --import`) into a fuzz target by the fuzz runner: every `fc.assert` appends the
 * number of cases it ran to `OXK_FUZZ_COUNT_FILE`, then fails as fast-check itself would.
 */
const countFile = process.env.OXK_FUZZ_COUNT_FILE;
if (countFile) {
  fc.configureGlobal({
    ...fc.readConfigureGlobal(),
    reporter(details) {
      appendFileSync(countFile, `${details.numRuns}\n`);
      if (details.failed) throw new Error(fc.defaultReportMessage(details), { cause: details.errorInstance });
    },
  });
}
