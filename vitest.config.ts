import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

// Projects: unit (pure Node, fast), integration (real SQLite, Python, servers, subprocesses),
// renderer (components in happy-dom), e2e (real Chromium against `lathe serve`).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/main/**/*.test.ts', 'test/electron/**/*.test.ts'],
          exclude: ['**/*.int.test.ts'],
          environment: 'node',
          // Generous: CI runs every project at once on two cores; speed is measured in bench/.
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/main/**/*.int.test.ts'],
          environment: 'node',
          // Python, Jupyter and Docker under the load of every project running at once.
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['test/renderer/setup.ts'],
          // Lazy panes and chunks (recharts, Monaco stubs) load slowly when every project runs at once.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // count() and getAttribute() do not wait as locators do: expect.poll does, for this long.
          expect: { poll: { timeout: 15_000 } },
        },
      },
    ],
  },
});
