// Moved to @icd/train; re-exported for compatibility.
export type { ProgressStream, ProgressUpdate } from '@icd/train';
export { formatDuration, ProgressReporter } from '@icd/train';
