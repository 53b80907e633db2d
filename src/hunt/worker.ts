/**
 * Hunt worker thread: receives the main thread's rule set in spec form (documents trimmed to what
 * compiling reads, index and prefilter needs already computed), so start-up compiles nothing; a
 * rule is compiled the first time an event makes it a candidate. Then scans the files the main
 * thread sends (pull model with one file queued ahead, so big and small files balance themselves
 * across threads and a worker never waits for its next file).
 *
 * The spec arrives as a message, not as workerData, so the documents of compiled rules can be
 * garbage collected (workerData stays referenced for the life of the thread).
 */
import { parentPort } from 'node:worker_threads';
import { RuleSet } from './sigma/ruleset.ts';
import { scanFile, type WireDetection } from './pipeline-scan.ts';
import type { ToWorker, FromWorker } from './pipeline-protocol.ts';

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const send = (m: FromWorker): void => port.postMessage(m);
let rules: RuleSet | undefined;
const FLUSH_DETECTIONS = 1024;
const FLUSH_RECORDS = 8192;

port.on('message', (m: ToWorker) => {
  if (m.type === 'rules') {
    rules = RuleSet.fromSpec(m.spec);
    send({ type: 'ready' });
    return;
  }
  if (m.type === 'stop') {
    port.close();
    return;
  }
  // Detections and progress are held back until the file ends (then they ride on 'file-done'),
  // unless there are many: big files still report while they are being read.
  let items: WireDetection[] = [];
  let progress = 0;
  try {
    if (!rules) throw new Error('hunt worker: file before rules');
    const res = scanFile(rules, m.path, {
      detections: (batch) => {
        for (const d of batch) items.push(d);
        if (items.length >= FLUSH_DETECTIONS) {
          send({ type: 'det', items });
          items = [];
        }
      },
      progress: (records) => {
        progress += records;
        if (progress >= FLUSH_RECORDS) {
          send({ type: 'progress', records: progress });
          progress = 0;
        }
      },
      readError: (error) => send({ type: 'read-error', error }),
    }, { recover: m.recover });
    send({ type: 'file-done', path: m.path, result: res, items, progress });
  } catch (e) {
    send({ type: 'read-error', error: { file: m.path, message: (e as Error).message, unreadable: true } });
    send({ type: 'file-done', path: m.path, result: { records: 0, errors: 1, recovered: 0, unreadable: true, first: '', last: '', runs: [], clears: [] }, items, progress });
  }
});
