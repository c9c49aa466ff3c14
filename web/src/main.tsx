import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createBrowserRouter, RouterProvider } from "react-router";
import { AppProvider } from "./app";
import { routes } from "./routes";
import { sessionStore } from "./session";
import "./styles.css";

const router = createBrowserRouter(routes);
const root = document.getElementById("root");
if (!root) throw new Error("no #root element");

createRoot(root).render(
  <StrictMode>
    <AppProvider store={sessionStore(window.sessionStorage)}>
      <RouterProvider router={router} />
    </AppProvider>
  </StrictMode>,
);
