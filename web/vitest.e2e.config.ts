import { defineConfig } from "vitest/config";

// The end-to-end journey in headless Chromium against a whole local system
// that e2e/system.ts starts on free ports (make web-e2e).
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    globalSetup: ["e2e/system.ts"],
    testTimeout: 60_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
