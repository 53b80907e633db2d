/**
 * The built-in ransomware rule pack: Sigma rules written for crisiscell (one .yml per behaviour of
 * the ransomware chain: entry, lateral movement, credential theft, defence evasion, exfiltration,
 * recovery sabotage). Loaded by `hunt` unless --no-builtin.
 */
import { fileURLToPath } from 'node:url';

/** The folder holding the built-in rule files. */
export function builtinRulesDir(): string {
  return fileURLToPath(new URL('.', import.meta.url));
}
