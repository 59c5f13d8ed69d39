/** Types for `ensure-weed.mjs`, which stays plain JavaScript so that CI can run it with node alone. */
export declare const REPO_ROOT: string;
export declare const VENV_DIR: string;
export declare function ensureWeed(log?: (line: string) => void): string;
