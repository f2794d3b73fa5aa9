import type { CardiologyProfile } from './cardiology-profile.js';
import { ISCHAEMIC_VASCULAR_INFLAMMATORY_PROFILES } from './profiles-ischaemic-vascular-inflammatory.js';
import { RHYTHM_FAILURE_SHOCK_PROFILES } from './profiles-rhythm-failure-shock.js';

export type { CardiologyProfile, FindingSlot } from './cardiology-profile.js';

/** The phrase banks of the 13 classes, keyed by the study's abbreviation. */
export const CARDIOLOGY_PROFILES: Readonly<Record<string, CardiologyProfile>> = {
  ...RHYTHM_FAILURE_SHOCK_PROFILES,
  ...ISCHAEMIC_VASCULAR_INFLAMMATORY_PROFILES,
};
