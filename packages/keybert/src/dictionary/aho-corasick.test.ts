import { describe, expect, it } from 'vitest';
import { WordAutomaton } from './aho-corasick.js';

// Brute force as the reference: every (pattern, first word) where the pattern's words follow.
function bruteForce(patterns: number[][], words: number[]): string[] {
  const found: string[] = [];
  patterns.forEach((pattern, id) => {
    for (let first = 0; first + pattern.length <= words.length; first++) {
      if (pattern.every((word, offset) => words[first + offset] === word)) {
        found.push(`${id}:${first}:${first + pattern.length - 1}`);
      }
    }
  });
  return found.sort();
}

describe('WordAutomaton', () => {
  it('finds exactly the occurrences brute force finds, overlapping and nested, on random inputs', () => {
    let seed = 12345;
    const random = (bound: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % bound;
    };
    for (let trial = 0; trial < 200; trial++) {
      const vocabulary = 2 + random(4);
      const patterns = Array.from({ length: 1 + random(12) }, () =>
        Array.from({ length: 1 + random(4) }, () => random(vocabulary)),
      );
      // Duplicate patterns report the first id only, as the matcher stores one id per phrase.
      const unique = patterns.filter((p, i) => patterns.findIndex((q) => q.join() === p.join()) === i);
      const words = Array.from({ length: random(40) }, () => (random(10) === 0 ? -1 : random(vocabulary)));
      const automaton = new WordAutomaton(unique);
      const found: string[] = [];
      automaton.scan(words, (pattern, first, last) => found.push(`${pattern}:${first}:${last}`));
      expect(found.sort()).toEqual(bruteForce(unique, words));
    }
  });
});
