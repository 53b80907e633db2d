import { createHash } from 'node:crypto';
import type { Sha256 } from '../core/journal.ts';

/** The platform SHA-256 the core's journal functions take as a parameter. */
export const sha256: Sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');
