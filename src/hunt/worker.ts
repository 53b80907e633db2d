/**
 * Hunt worker thread: compiles the rules it is given once, then scans the files the main thread
 * sends one at a time (pull model: a worker asks for the next file when it finishes one, so big
 * and small files balance themselves across threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RuleSet, type RuleDoc } from './sigma/ruleset.ts';
import type { Level } from './sigma/compile.ts';
import type { Placeholders } from './sigma/field-test.ts';
import { scanFile } from './pipeline-scan.ts';
import type { ToWorker, FromWorker } from './pipeline-protocol.ts';

interface Init {
  readonly docs: RuleDoc[];
  readonly minLevel?: Level;
  readonly placeholders?: Placeholders;
}

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread');
const init = workerData as Init;
const rules = RuleSet.build(init.docs, { ...(init.minLevel ? { minLevel: init.minLevel } : {}), ...(init.placeholders ? { placeholders: init.placeholders } : {}) });
const send = (m: FromWorker): void => port.postMessage(m);

port.on('message', (m: ToWorker) => {
  if (m.type === 'stop') {
    port.close();
    return;
  }
  try {
    const res = scanFile(rules, m.path, {
      detections: (items) => send({ type: 'det', items }),
      progress: (records) => send({ type: 'progress', records }),
      readError: (error) => send({ type: 'read-error', error }),
    });
    send({ type: 'file-done', path: m.path, records: res.records, errors: res.errors });
  } catch (e) {
    send({ type: 'read-error', error: { file: m.path, message: (e as Error).message } });
    send({ type: 'file-done', path: m.path, records: 0, errors: 1 });
  }
});
send({ type: 'ready' });
