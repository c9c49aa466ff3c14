// swagger-ui-dist ships no types; this is the little of its API the docs page uses.
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  interface SwaggerUIOptions {
    domNode: HTMLElement;
    url: string;
    deepLinking?: boolean;
    docExpansion?: "list" | "full" | "none";
    defaultModelsExpandDepth?: number;
    tryItOutEnabled?: boolean;
    persistAuthorization?: boolean;
    requestInterceptor?: (req: { headers: Record<string, string> }) => unknown;
  }
  const SwaggerUIBundle: (opts: SwaggerUIOptions) => unknown;
  export default SwaggerUIBundle;
}
declare module "swagger-ui-dist/swagger-ui.css";
