/**
 * Opening evidence for reading, safely: only regular files. A FIFO named `Security.evtx` would
 * block a plain open() for ever (until something writes to it), a device would never end, a
 * socket cannot be read. The folder walk never offers such paths; this is the last guard, for
 * paths named on the command line and for files replaced between the walk and the read.
 */
import { closeSync, constants, fstatSync, openSync, type Stats } from 'node:fs';
import { CrisisError } from '../../core/errors.ts';

/** What a non-regular file is, in words ("a FIFO (named pipe)"), or undefined for a regular file. */
export function nonRegularKind(st: Stats): string | undefined {
  if (st.isFile()) return undefined;
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Opens a regular file read-only and returns its descriptor. O_NONBLOCK makes the open itself
 * return at once even on a FIFO (regular files ignore the flag); fstat on the open descriptor
 * then says what was really opened, so there is no window between a check and the open.
 * Throws a CrisisError `io` naming the path for anything else and for I/O errors.
 */
export function openRegularFile(path: string): number {
  let fd: number;
  try {
    // O_NONBLOCK is undefined on Windows, where FIFOs do not live in the file system anyway.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw ioError(e, path);
  }
  let kind: string | undefined;
  try {
    kind = nonRegularKind(fstatSync(fd));
  } catch (e) {
    closeSync(fd);
    throw ioError(e, path);
  }
  if (kind !== undefined) {
    closeSync(fd);
    throw new CrisisError('io', `${path}: ${kind}, not a regular file: not read`);
  }
  return fd;
}

/** Node's own message (it names the errno and the path, e.g. `ENOENT: no such file or directory, open '…'`). */
function ioError(e: unknown, path: string): CrisisError {
  const m = e instanceof Error ? e.message : String(e);
  return new CrisisError('io', m.includes(path) ? m : `${m} (${path})`, { cause: e });
}
