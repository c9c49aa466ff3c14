// The API reference: the four OpenAPI documents, served beside the app at
// /openapi/<context>.yaml, rendered by Swagger UI. This module and Swagger UI
// load only when someone opens /docs.
import { useEffect, useRef } from "react";
import SwaggerUIBundle from "swagger-ui-dist/swagger-ui-es-bundle.js";
import "swagger-ui-dist/swagger-ui.css";
import { useSearchParams } from "react-router";
import { useApp } from "../app";
import { usePageTitle } from "../components/Layout";

export const apis = [
  { name: "catalog", title: "Catalog", about: "products, categories, prices and stock" },
  { name: "accounts", title: "Accounts", about: "sign-up, sign-in, profile and addresses" },
  { name: "orders", title: "Orders", about: "the cart and orders" },
  { name: "reviews", title: "Reviews", about: "reviews, helpful votes and ratings" },
] as const;

export default function DocsPage() {
  const [params, setParams] = useSearchParams();
  const { session } = useApp();
  const current = apis.find((a) => a.name === params.get("api")) ?? apis[0];
  const node = useRef<HTMLDivElement>(null);
  const token = useRef(session?.token);
  usePageTitle(`${current.title} API reference`);

  useEffect(() => {
    token.current = session?.token;
  }, [session]);

  useEffect(() => {
    if (!node.current) return;
    node.current.replaceChildren();
    SwaggerUIBundle({
      domNode: node.current,
      url: `/openapi/${current.name}.yaml`,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      // "Try it out" sends the signed-in user's token, unless one was typed in.
      requestInterceptor: (req) => {
        if (token.current && !req.headers.Authorization) req.headers.Authorization = `Bearer ${token.current}`;
        return req;
      },
    });
  }, [current.name]);

  return (
    <section className="docs">
      <h1>API reference</h1>
      <p>
        Every context publishes its HTTP contract as an OpenAPI document; the same documents define the routes, the API tests
        and this site's client. “Try it out” calls the running system{session ? " with your token" : ""}.
      </p>
      <nav aria-label="APIs" className="tabs">
        <ul>
          {apis.map((a) => (
            <li key={a.name}>
              <button
                type="button"
                aria-current={a.name === current.name ? "page" : undefined}
                onClick={() => setParams({ api: a.name })}
              >
                {a.title}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <p className="muted">
        {current.title}: {current.about}. <a href={`/openapi/${current.name}.yaml`}>Download the document</a>.
      </p>
      <div ref={node} className="swagger" />
    </section>
  );
}
