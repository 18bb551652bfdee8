/** The marks of warnings emitted (src/domain/endingSoon.ts), in the partner's data. */

/** Records, with the warning's event, that it was emitted: inserted, so a second emission conflicts. */
export type WarningChange = { kind: 'markWarning'; key: string };
