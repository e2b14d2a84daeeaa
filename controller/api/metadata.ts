/** Reading the user-facing annotations of a MixpanelDataflow. */
import { ANNOTATIONS, PAUSED_VALUE } from './constants.js';
import type { ObjectMeta } from './object-meta.js';

/** True when `aepflows.io/paused: "true"` is set: the controller must not write to Adobe. */
export function isPaused(metadata: ObjectMeta | undefined): boolean {
  return metadata?.annotations?.[ANNOTATIONS.paused] === PAUSED_VALUE;
}
