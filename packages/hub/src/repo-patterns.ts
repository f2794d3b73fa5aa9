import { invalidArgument } from '@icd/core';

/**
 * Weight formats icd never reads, left out unless `ignorePatterns` says otherwise: pickles
 * (`pytorch_model.bin`, `*.pt`, `*.pth`, `*.pkl`, `*.ckpt`), TensorFlow, Flax, Rust, ONNX, GGUF, TFLite.
 */
export const defaultIgnorePatterns: readonly string[] = [
  '*.bin',
  '*.pt',
  '*.pth',
  '*.pkl',
  '*.pickle',
  '*.ckpt',
  '*.h5',
  '*.msgpack',
  '*.ot',
  '*.onnx',
  '*.onnx_data',
  '*.gguf',
  '*.tflite',
];

const patternCache = new Map<string, RegExp>();

/**
 * Whether `path` matches the fnmatch `pattern` as huggingface_hub's `filter_repo_objects` does (`*` any
 * run of characters, `/` included; `?` one character; `[abc]`, `[!abc]` a class; a trailing `/` means
 * everything below).
 *
 * @example
 * ```ts
 * matchesPattern('plm/model.safetensors', 'plm/*'); // true
 * matchesPattern('pytorch_model.bin', '*.safetensors'); // false
 * ```
 */
export function matchesPattern(path: string, pattern: string): boolean {
  if (typeof path !== 'string') invalidArgument('matchesPattern', 'path', 'a string', path);
  if (typeof pattern !== 'string' || pattern === '')
    invalidArgument('matchesPattern', 'pattern', 'a non-empty fnmatch pattern', pattern);
  const full = pattern.endsWith('/') ? `${pattern}*` : pattern;
  let regex = patternCache.get(full);
  if (regex === undefined) {
    let source = '';
    for (let i = 0; i < full.length; i++) {
      const char = full[i] as string;
      if (char === '*') source += '.*';
      else if (char === '?') source += '.';
      else if (char === '[') {
        const close = full.indexOf(']', i + 2);
        if (close < 0) source += '\\[';
        else {
          let body = full.slice(i + 1, close);
          const negate = body.startsWith('!');
          if (negate) body = body.slice(1);
          source += `[${negate ? '^' : ''}${body.replace(/[\\^\]]/g, '\\$&')}]`;
          i = close;
        }
      } else source += char.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
    regex = new RegExp(`^${source}$`, 's');
    patternCache.set(full, regex);
  }
  return regex.test(path);
}
