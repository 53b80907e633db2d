export { sha256 } from '../../src/store/sha256.ts';
