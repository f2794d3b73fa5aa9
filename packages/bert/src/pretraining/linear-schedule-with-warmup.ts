// Moved to @icd/train as linearSchedule; the old name stays for compatibility.
export type { LearningRateSchedule } from '@icd/train';
export { linearSchedule as linearScheduleWithWarmup } from '@icd/train';
