// The estate import done in slices (so the server keeps answering during a 30 MB import) writes
// exactly what the plain path would: the same canonical payload, a hash that verifies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson, canonicalJsonPieces } from '../core/canonical-json.ts';
import { hashInput } from '../core/journal.ts';
import { sha256 } from '../../test/support/sha.ts';
import { openTestApp } from '../../test/support/app.ts';
import { bigEstate } from '../../test/support/big-estate.ts';

describe('estate import in slices', () => {
  it('encodes in pieces exactly as canonicalJson does', () => {
    const v = { b: [1, { z: 2, a: [3, 'x'] }, null], a: 'é"\n', c: { y: [], x: 1.5 }, d: [] };
    assert.equal([...canonicalJsonPieces(v)].join(''), canonicalJson(v));
  });

  it('writes an entry whose hash is the plain one and whose chain verifies, and lets the event loop run meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cc-slices-'));
    try {
      const app = await openTestApp(join(dir, 'x.db'));
      await app.init({ name: 'a', role: 'admin' }, { name: 'Slices' });
      const est = bigEstate(2 * 1024 * 1024);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      const r = await app.importEstate({ name: 'a', role: 'admin' }, est.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })));
      clearInterval(timer);
      assert.ok(ticks > 5, `the event loop ran ${ticks} times during the import`);
      const [e] = r.entries;
      assert.ok(e);
      assert.equal(e.hash, sha256(hashInput(e)));
      assert.equal(app.state.assets.size, est.assets);
      const v = await app.verify();
      assert.ok(v.ok, JSON.stringify(v));
      const [back] = await app.store.read(1, 1);
      assert.deepEqual(back, e);
      await app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
