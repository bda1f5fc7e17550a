// Prints the closing line CI reads: "N passed, N failed" over vitest's JSON and pytest's JUnit XML.
import fs from 'node:fs';

const [vitestFile, pytestFile, failedSteps = '0'] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedSteps) || 0;
let skipped = 0;
if (vitestFile && fs.existsSync(vitestFile)) {
  const report = JSON.parse(fs.readFileSync(vitestFile, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else failed += 1;
if (pytestFile && fs.existsSync(pytestFile)) {
  const xml = fs.readFileSync(pytestFile, 'utf8');
  const attr = (name) => Number((xml.match(new RegExp(`<testsuite[^>]*\\s${name}="(\\d+)"`)) ?? [])[1] ?? 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  const skip = attr('skipped');
  passed += total - bad - skip;
  failed += bad;
  skipped += skip;
} else failed += 1;
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
