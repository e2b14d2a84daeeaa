/** Kubernetes events the engine asks the runtime to emit. They never carry a secret. */

/** Stable event reasons. */
export const EVENT_REASONS = {
  Created: 'Created',
  Adopted: 'Adopted',
  Updated: 'Updated',
  Replaced: 'Replaced',
  Deleted: 'Deleted',
  Enabled: 'Enabled',
  Disabled: 'Disabled',
  CredentialsRotated: 'CredentialsRotated',
  CredentialsRejected: 'CredentialsRejected',
  TerminalError: 'TerminalError',
  MissingSecret: 'MissingSecret',
  Orphaned: 'Orphaned',
  RunFailed: 'RunFailed',
} as const;

/** One event reason. */
export type EventReason = (typeof EVENT_REASONS)[keyof typeof EVENT_REASONS];

/** An event for the CR. */
export interface EngineEvent {
  type: 'Normal' | 'Warning';
  reason: EventReason;
  message: string;
}

/** A Normal event. */
export const normal = (reason: EventReason, message: string): EngineEvent => ({
  type: 'Normal',
  reason,
  message,
});

/** A Warning event. */
export const warning = (reason: EventReason, message: string): EngineEvent => ({
  type: 'Warning',
  reason,
  message,
});
