/**
 * Checked mode: the emulator's shortcuts verify themselves. Each shortcut rests on a rule that nothing
 * enforces at full speed (do not modify an object once stored or viewed, see storedRecord.ts; decoded
 * in-process parameters equal what the form text parses to, see formBody.formParams). Checked mode
 * enforces those rules and fails loudly when one is broken. It is on under vitest, so the test suite
 * exercises it, and with STRIPE_ELT_EMULATOR_CHECKS=1; off otherwise, since the checks cost a large seed
 * a good part of what the shortcuts save.
 */
export const CHECKED = Boolean(process.env.VITEST || process.env.STRIPE_ELT_EMULATOR_CHECKS);
