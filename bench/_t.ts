import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLathe } from '../main/app';
import { seedSweep } from '../test/helpers/seedRuns';
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lathe-t-'));
const { experimentId } = await seedSweep(home, 's', 10_000);
const lathe = await createLathe({ home, background: false, runJobs: false });
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  const r = lathe.experiments.searchRuns({ experimentIds: [experimentId], maxResults: 50_000 });
  const a = performance.now() - t; t = performance.now();
  const s = JSON.stringify(r);
  console.log(`search ${a.toFixed(0)} ms, stringify ${(performance.now() - t).toFixed(0)} ms, ${s.length} bytes`);
}
await lathe.dispose();
