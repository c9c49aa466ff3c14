import { lazy, Suspense } from "react";
import type { RouteObject } from "react-router";
import { Layout } from "./components/Layout";
import { Loading } from "./components/Loading";
import { AccountPage } from "./pages/Account";
import { AdminPage } from "./pages/Admin";
import { SignInPage, SignUpPage } from "./pages/Auth";
import { CartPage } from "./pages/Cart";
import { Catalog } from "./pages/Catalog";
import { CheckoutPage } from "./pages/Checkout";
import { NotFound } from "./pages/NotFound";
import { OrderPage, OrdersPage } from "./pages/Orders";
import { ProductPage } from "./pages/Product";

// The API reference pulls in Swagger UI: it loads only when /docs is opened.
const DocsPage = lazy(() => import("./pages/Docs"));

/** routes are the app's addresses; every one can be shared and reloaded. */
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { path: "/", element: <Catalog /> },
      { path: "/products/:id", element: <ProductPage /> },
      { path: "/cart", element: <CartPage /> },
      { path: "/checkout", element: <CheckoutPage /> },
      { path: "/orders", element: <OrdersPage /> },
      { path: "/orders/:id", element: <OrderPage /> },
      { path: "/signin", element: <SignInPage /> },
      { path: "/signup", element: <SignUpPage /> },
      { path: "/account", element: <AccountPage /> },
      { path: "/admin", element: <AdminPage /> },
      {
        path: "/docs",
        element: (
          <Suspense fallback={<Loading what="Loading the API reference" />}>
            <DocsPage />
          </Suspense>
        ),
      },
      { path: "*", element: <NotFound /> },
    ],
  },
];
