import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

// The four contexts whose OpenAPI documents the API reference (/docs) shows.
const contexts = ["catalog", "accounts", "orders", "reviews"];

const docPath = (name: string) => fileURLToPath(new URL(`../services/${name}/openapi.yaml`, import.meta.url));

// openapiDocuments serves each context's openapi.yaml at /openapi/<context>.yaml:
// from the source on the dev server, and copied into dist by the build, so
// the local gateway and CloudFront serve them like any other asset.
function openapiDocuments(): Plugin {
  return {
    name: "quartet-openapi-documents",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /^\/openapi\/([a-z]+)\.yaml$/.exec(req.url ?? "")?.[1];
        if (!name || !contexts.includes(name)) return next();
        readFile(docPath(name)).then(
          (body) => {
            res.setHeader("Content-Type", "application/yaml");
            res.end(body);
          },
          (err: unknown) => next(err),
        );
      });
    },
    async generateBundle() {
      for (const name of contexts) {
        this.emitFile({ type: "asset", fileName: `openapi/${name}.yaml`, source: await readFile(docPath(name)) });
      }
    },
  };
}

// WEB_API is where the dev server sends /v1 and /.well-known: the gateway
// of a running `make dev`.
const api = process.env.WEB_API ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react(), openapiDocuments()],
  server: {
    host: "127.0.0.1",
    proxy: { "/v1": api, "/.well-known": api },
  },
  // Swagger UI, loaded only by /docs, is one large chunk by nature.
  build: { target: "es2022", sourcemap: true, chunkSizeWarningLimit: 2000 },
});
