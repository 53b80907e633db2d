/**
 * File and chunk walking. The file is a 4 KiB header then 64 KiB chunks; chunks are walked by
 * file size, never by the header's chunk count (dirty and carved files lie about it).
 *
 * Per chunk: all-zero slots are skipped silently (unused preallocated space); a bad
 * "ElfChnk\0" magic is one ReadError and the chunk is skipped; a header or event-records CRC32
 * mismatch is reported (a possible sign of tampering) but the records are still read one by
 * one, because each record is validated on its own — Windows leaves a stale CRC on the chunk it
 * was writing when the file was copied, and the mature parsers read those records too.
 *
 * Per record (as evtx does): records run from offset 512 up to the header's free-space offset,
 * and stop after the header's last record id; a zero signature ends the chunk cleanly; a bad
 * signature or impossible size is one ReadError and ends the chunk (nothing to resync on);
 * a BinXML error is one ReadError for that record and the walk goes on with the next one.
 *
 * Recovery (`recover`): after the walk of a chunk ends (free-space offset, last record id, a bad
 * record), the rest of the chunk is slack: what a previous use of the chunk left behind, records
 * deleted or overwritten. So is the whole of a chunk whose header is gone. Those areas are
 * searched for record signatures whose size is repeated at the record's end (as a real record's
 * is), each is parsed with the chunk's templates, and the ones that give an event (an EventID and
 * a time) are passed on with `recovered: true`. A carved record identical to a live record of the
 * same file (same EventRecordID and time) is not passed on: it was never lost.
 */
import type { EventRecord, ReadError } from '../record.ts';
import { asBuffer, crc32, EvtxFormatError, u32, u64 } from './bytes.ts';
import type { Node } from './binxml.ts';
import { ChunkContext, newValuePool } from './binxml.ts';
import type { ValuePool } from './binxml.ts';
import { Flattener } from './flatten.ts';
import { filetimeIso } from './values.ts';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
export const CHUNK_HEADER_SIZE = 512;
const RECORD_HEADER_SIZE = 24;

/** Chunk flag: the chunk carries no CRC32s (seen on some exported logs). */
const CHUNK_FLAG_NO_CRC32 = 0x4;
/** File flag with the same meaning for the file header. */
const FILE_FLAG_NO_CRC32 = 0x4;

const FILE_MAGIC = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00]; // "ElfFile\0"
const CHUNK_MAGIC = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00]; // "ElfChnk\0"

/** Counts for one file. See EvtxFileSummary in index.ts for their meaning. */
export interface Summary {
  records: number;
  errors: number;
  chunks: number;
  badChunks: number;
  /** Records carved from slack space and headerless chunks (only with `recover`); part of `records`. */
  recovered: number;
}

export interface WalkOptions {
  /** Carve deleted or overwritten records from slack space and headerless chunks. */
  readonly recover?: boolean;
}

/** Carved records held back until the end of the file (to drop copies of live records), at most. */
const MAX_HELD_CARVED = 20_000;
const RECORD_SIGNATURE = Buffer.from([0x2a, 0x2a, 0x00, 0x00]);

function hasMagic(b: Uint8Array, o: number, magic: readonly number[]): boolean {
  if (o + magic.length > b.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[o + i] !== magic[i]) return false;
  return true;
}

const ZEROS = Buffer.alloc(CHUNK_SIZE);

function allZero(b: Uint8Array): boolean {
  // Native memcmp: preallocated files are mostly zero chunks, and a JS loop over them showed up.
  return Buffer.compare(b, ZEROS.subarray(0, b.length)) === 0;
}

/**
 * One parse of one file: holds the reusable parsing state (chunk context, flattener) and the
 * callbacks. Nothing in it refers to a chunk's bytes once the next chunk starts.
 */
export class EvtxWalker {
  readonly summary: Summary = { records: 0, errors: 0, chunks: 0, badChunks: 0, recovered: 0 };
  private readonly ctx: ChunkContext;
  private readonly flat: Flattener;
  private readonly top: Node[] = [];
  private fileHeaderBad = false;
  /** Chunks the file header says the file holds (undefined until a good header is read). */
  private headerChunks: number | undefined;
  /** Chunk slots present in the file (a slot cut short counts). */
  private slots = 0;
  private headerBytes = 0;
  private readonly recover: boolean;
  /** With `recover`: EventRecordID + time of every live record, to drop carved copies of them. */
  private readonly live = new Set<string>();
  private held: EventRecord[] = [];
  private readonly heldKeys = new Set<string>();
  private finished = false;

  constructor(
    private readonly file: string,
    private readonly onRecord: (r: EventRecord) => void,
    private readonly onError: (e: ReadError) => void,
    opts: WalkOptions = {},
  ) {
    this.ctx = new ChunkContext(takePool());
    this.flat = new Flattener(this.ctx);
    this.recover = opts.recover === true;
  }

  /**
   * Ends the walk (call once): passes on the carved records, reports chunks the header promised
   * and the file does not hold, and hands the value pool back for the next file.
   */
  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.flushCarved();
    if (!this.fileHeaderBad && this.headerBytes >= 128 && this.headerBytes < FILE_HEADER_SIZE) {
      this.report({ file: this.file, offset: 0, message: `file cut inside its header: ${this.headerBytes} of ${FILE_HEADER_SIZE} bytes, no chunk to read`, unreadable: true }, true);
    } else if (this.headerChunks !== undefined && this.headerChunks > this.slots) {
      this.report({
        file: this.file,
        offset: FILE_HEADER_SIZE + this.slots * CHUNK_SIZE,
        message: `the file header promises ${this.headerChunks} chunks but the file holds ${this.slots}: the file was cut short (copy or download not finished?), ${this.headerChunks - this.slots} chunk(s) missing`,
        unreadable: true,
      }, true);
    }
    releasePool(this.ctx);
  }

  /** Reports a problem; `counts` is false for warnings whose records were still read. */
  private report(e: ReadError, counts: boolean): void {
    if (counts) this.summary.errors++;
    this.onError(e);
  }

  /** Checks the 4 KiB file header (given whatever bytes of it exist). */
  fileHeader(h: Uint8Array): void {
    this.headerBytes = h.length;
    if (h.length < 128 || !hasMagic(h, 0, FILE_MAGIC)) {
      this.fileHeaderBad = true;
      const what = h.length < 128 ? `file too short for an EVTX header (${h.length} bytes)` : 'not an EVTX file: bad "ElfFile" signature';
      this.report({ file: this.file, offset: 0, message: what, unreadable: true }, true);
      return;
    }
    // Chunk count (u16 at 42): only ever compared with what the file holds, never used to walk.
    this.headerChunks = (h[42] as number) | ((h[43] as number) << 8);
    const flags = u32(h, 120);
    if ((flags & FILE_FLAG_NO_CRC32) === 0 && crc32(h, 0, 120) !== u32(h, 124)) {
      // Dirty files (not closed by the event log service) often carry a stale header CRC;
      // chunks are walked by file size anyway, so nothing read depends on the header.
      this.report({ file: this.file, offset: 0, message: 'file header CRC32 mismatch (dirty or altered file header)' }, false);
    }
  }

  /** Parses the chunk at index `index` (file offset 4096 + index * 64 KiB); `b` may be short. */
  chunk(b: Uint8Array, index: number): void {
    const fileOffset = FILE_HEADER_SIZE + index * CHUNK_SIZE;
    this.slots = Math.max(this.slots, index + 1);
    const magicOk = hasMagic(b, 0, CHUNK_MAGIC);
    if (!magicOk && allZero(b)) return; // preallocated, never used
    this.summary.chunks++;
    if (!magicOk) {
      this.summary.badChunks++;
      // After a bad file signature every slot would fail: the one error for the file is enough
      // (such chunks are still counted in badChunks).
      if (!this.fileHeaderBad) this.report({ file: this.file, chunk: index, offset: fileOffset, message: `bad chunk signature (expected "ElfChnk\\0"); chunk skipped${this.recover ? ', records carved from it' : ''}` }, true);
      if (this.recover) {
        this.ctx.reset(b);
        this.carve(b, index, fileOffset, CHUNK_HEADER_SIZE);
      }
      return;
    }
    let truncated = false;
    if (b.length < CHUNK_SIZE) {
      truncated = true;
      this.summary.badChunks++;
      this.report({ file: this.file, chunk: index, offset: fileOffset, message: `truncated chunk: ${b.length} of ${CHUNK_SIZE} bytes; records past the end are lost` }, true);
      if (b.length < CHUNK_HEADER_SIZE) return;
    }
    const flags = u32(b, 120);
    const freeSpace = u32(b, 48);
    const lastRecordId = u64(b, 32);
    if (!truncated && (flags & CHUNK_FLAG_NO_CRC32) === 0) {
      const headerOk = crc32(b, 128, 512, crc32(b, 0, 120)) === u32(b, 124);
      const dataEnd = Math.min(Math.max(freeSpace, CHUNK_HEADER_SIZE), b.length);
      const dataOk = crc32(b, CHUNK_HEADER_SIZE, dataEnd) === u32(b, 52);
      if (!headerOk || !dataOk) {
        this.summary.badChunks++;
        const which = !headerOk && !dataOk ? 'header and event records' : headerOk ? 'event records' : 'header';
        this.report({ file: this.file, chunk: index, offset: fileOffset, message: `chunk ${which} CRC32 mismatch; records read one by one` }, false);
      }
    }
    const slack = this.records(b, index, fileOffset, Math.min(freeSpace, b.length), lastRecordId);
    if (this.recover) this.carve(b, index, fileOffset, slack);
  }

  /**
   * Walks the live records of a chunk. Returns where slack may begin: the end of the last record
   * that parsed (a record that did not may carry a bogus size that hides the next one).
   */
  private records(b: Uint8Array, index: number, fileOffset: number, end: number, lastRecordId: number): number {
    const ctx = this.ctx;
    ctx.reset(b);
    let p = CHUNK_HEADER_SIZE;
    let good = p;
    while (p + 4 <= end) {
      const sig = u32(b, p);
      if (sig === 0) return good; // zero-filled slack after the last record
      if (sig !== 0x00002a2a) {
        this.report({ file: this.file, chunk: index, offset: fileOffset + p, message: `bad record signature 0x${sig.toString(16).padStart(8, '0')}; rest of chunk skipped` }, true);
        return good;
      }
      if (p + RECORD_HEADER_SIZE > b.length) return good; // header cut by the chunk end
      const size = u32(b, p + 4);
      const id = u64(b, p + 8);
      if (size < RECORD_HEADER_SIZE + 4 || p + size > b.length) {
        this.report({ file: this.file, chunk: index, record: id, offset: fileOffset + p, message: `impossible record size ${size}; rest of chunk skipped` }, true);
        return good;
      }
      const rec = this.parse(b, index, fileOffset, p, size, id, false);
      p += size;
      if (rec) {
        this.emit(rec);
        good = p;
      }
      if (id === lastRecordId) return good;
    }
    return good;
  }

  private emit(rec: EventRecord): void {
    if (this.recover) this.live.add(liveKey(rec));
    this.summary.records++;
    this.onRecord(rec);
  }

  /**
   * Searches b[from..] for records: a signature, a size that fits, the same size in the record's
   * last four bytes; then the record must parse into an event with an EventID and a time.
   */
  private carve(b: Uint8Array, index: number, fileOffset: number, from: number): void {
    const buf = asBuffer(b);
    let p = Math.max(from, CHUNK_HEADER_SIZE);
    while (p + RECORD_HEADER_SIZE + 4 <= b.length) {
      const at = buf.indexOf(RECORD_SIGNATURE, p);
      if (at < 0 || at + RECORD_HEADER_SIZE + 4 > b.length) return;
      const size = u32(b, at + 4);
      if (size >= RECORD_HEADER_SIZE + 8 && at + size <= b.length && u32(b, at + size - 4) === size) {
        const rec = this.parse(b, index, fileOffset, at, size, u64(b, at + 8), true);
        if (rec && typeof rec.system.EventID === 'number' && typeof rec.system.TimeCreated_SystemTime === 'string') {
          this.hold(rec);
          p = at + size;
          continue;
        }
      }
      p = at + 1;
    }
  }

  private hold(rec: EventRecord): void {
    const key = liveKey(rec);
    if (this.heldKeys.has(key)) return; // the same stale record left in two places
    this.heldKeys.add(key);
    this.held.push(rec);
    if (this.held.length >= MAX_HELD_CARVED) this.flushCarved();
  }

  private flushCarved(): void {
    const held = this.held;
    this.held = [];
    for (const rec of held) {
      if (this.live.has(liveKey(rec))) continue;
      this.summary.recovered++;
      this.summary.records++;
      this.onRecord(rec);
    }
  }

  /** Parses one record; a broken live record is one ReadError, a broken carved one is ignored. */
  private parse(b: Uint8Array, index: number, fileOffset: number, p: number, size: number, id: number, carved: boolean): EventRecord | undefined {
    const ctx = this.ctx;
    const top = this.top;
    top.length = 0;
    ctx.poolTop = 0;
    let system;
    let data;
    try {
      ctx.parseFragment(p + RECORD_HEADER_SIZE, p + size - 4, top, 0);
      this.flat.run(top);
      system = this.flat.system;
      data = this.flat.data;
    } catch (e) {
      if (!(e instanceof EvtxFormatError) && !(e instanceof RangeError)) throw e;
      if (!carved) this.report({ file: this.file, chunk: index, record: id, offset: fileOffset + p, message: e.message }, true);
      return undefined;
    }
    const ts = system.TimeCreated_SystemTime;
    const erid = system.EventRecordID;
    const eventRecordId = typeof erid === 'number' ? erid : typeof erid === 'string' && /^\d+$/.test(erid) ? Number(erid) : id;
    const timestamp = typeof ts === 'string' ? ts : filetimeIso(b, p + 16);
    const provider = str(system.Provider_Name ?? system.Provider_EventSourceName);
    // Two literals rather than a spread: this runs for every record, and one shape per kind keeps
    // the matcher's property reads monomorphic.
    if (carved) {
      return {
        file: this.file, recordId: id, eventRecordId, chunk: index, offset: fileOffset + p, recovered: true, timestamp,
        channel: str(system.Channel), provider, eventId: num(system.EventID), level: num(system.Level), computer: str(system.Computer), data, system,
      };
    }
    return {
      file: this.file, recordId: id, eventRecordId, chunk: index, offset: fileOffset + p, timestamp,
      channel: str(system.Channel), provider, eventId: num(system.EventID), level: num(system.Level), computer: str(system.Computer), data, system,
    };
  }
}

function liveKey(r: EventRecord): string {
  return `${r.eventRecordId}|${r.timestamp}`;
}

// The value pool is 576 KiB of typed arrays: allocating it per file dominated small files.
// One is kept for reuse; a walk started while another is running (a callback that reads
// another file) gets its own.
let spare: ValuePool | undefined;

function takePool(): ValuePool {
  const p = spare ?? newValuePool();
  spare = undefined;
  return p;
}

function releasePool(ctx: ChunkContext): void {
  spare = { type: ctx.poolType, off: ctx.poolOff, size: ctx.poolSize };
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}
