import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { defaultEndpoint } from '../hub-options.js';

type Environment = Readonly<Record<string, string | undefined>>;

const truthy = new Set(['1', 'on', 'yes', 'true']);

/**
 * The Hub settings huggingface_hub (constants.py) reads from the environment: the cache folder
 * (`HF_HUB_CACHE`, else `$HF_HOME/hub`, `HF_HOME` defaulting to `$XDG_CACHE_HOME/huggingface` or
 * `~/.cache/huggingface`), `HF_ENDPOINT`, the token (`HF_TOKEN`, else the file `HF_TOKEN_PATH` or
 * `$HF_HOME/token` that `huggingface-cli login` writes) and `HF_HUB_OFFLINE` (1/ON/YES/TRUE); the older
 * `HUGGINGFACE_HUB_CACHE`, `HUGGING_FACE_HUB_TOKEN` and `TRANSFORMERS_OFFLINE` too, after the new names.
 *
 * @example
 * ```ts
 * hubEnvironment({ HF_HOME: '/data/hf' }).cacheDir; // '/data/hf/hub'
 * ```
 */
export function hubEnvironment(environment: Environment = process.env): {
  readonly cacheDir: string;
  readonly endpoint: string;
  readonly token: string | undefined;
  readonly offline: boolean;
} {
  const home =
    environment.HF_HOME || join(environment.XDG_CACHE_HOME || join(homedir(), '.cache'), 'huggingface');
  // HUGGINGFACE_HUB_CACHE, HUGGING_FACE_HUB_TOKEN and TRANSFORMERS_OFFLINE: the older names Python still reads.
  const cacheDir = environment.HF_HUB_CACHE || environment.HUGGINGFACE_HUB_CACHE || join(home, 'hub');
  const endpoint = (environment.HF_ENDPOINT || defaultEndpoint).replace(/\/+$/, '');
  let token = environment.HF_TOKEN || environment.HUGGING_FACE_HUB_TOKEN || undefined;
  if (token === undefined) {
    const tokenPath = environment.HF_TOKEN_PATH || join(home, 'token');
    if (existsSync(tokenPath)) token = readFileSync(tokenPath, 'utf8').trim() || undefined;
  }
  const offline = truthy.has(
    (environment.HF_HUB_OFFLINE || environment.TRANSFORMERS_OFFLINE || '').trim().toLowerCase(),
  );
  return { cacheDir, endpoint, token, offline };
}
