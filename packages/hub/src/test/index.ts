/**
 * Test helpers for packages built on `@icd/hub`: a local fake of the HuggingFace Hub (Node only).
 *
 * @packageDocumentation
 */

export type { FakeHub, FakeHubSettings, FakeRepo } from './fake-hub.js';
export { startFakeHub } from './fake-hub.js';
export { MemoryCache } from './memory-cache.js';
