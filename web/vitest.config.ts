import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Component and unit tests (src/**/*.test.ts[x]) in happy-dom; the
// end-to-end tests in Chromium have their own config (vitest.e2e.config.ts).
export default defineConfig({
  plugins: [react()],
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test-setup.ts"],
  },
});
