/**
 * The one order of checks every handler follows (docs/errors.md, "Order of checks"). A request that
 * fails two stages at once gets the error of the earlier one. Every catalogue code belongs to one.
 */
export const ERROR_STAGES = [
  'request',
  'route',
  'authentication',
  'media-type',
  'input',
  'idempotency',
  'access',
  'preconditions',
  'validation',
  'rules',
  'store',
] as const;

export type ErrorStage = (typeof ERROR_STAGES)[number];

/** Position of a stage in the order (0 = first). */
export const stageRank = (stage: ErrorStage): number => ERROR_STAGES.indexOf(stage);
