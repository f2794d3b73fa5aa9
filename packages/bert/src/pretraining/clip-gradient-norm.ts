// Moved to @icd/train as clipGradientsByGlobalNorm; the old name stays for compatibility.
export { clipGradientsByGlobalNorm as clipGradientNorm } from '@icd/train';
