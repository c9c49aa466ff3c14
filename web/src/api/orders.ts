// Generated from services/orders/openapi.yaml by scripts/types.mjs (make web-types). Do not edit.
export interface paths {
    "/v1/cart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the caller's cart */
        get: operations["getCart"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/cart/items/{productId}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A catalog product's id. */
                productId: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        get?: never;
        /**
         * Put a quantity of a product in the cart
         * @description Adds the product, or replaces its quantity, with its current name and
         *     price from orders' own copy of catalog's products (kept from
         *     catalog's events, so catalog need not be up). An unknown or archived
         *     product, a price in another currency than the cart's, or a 51st
         *     product answers 422. A product created a moment ago may be unknown
         *     for as long as its event takes to arrive.
         */
        put: operations["setCartItem"];
        post?: never;
        /**
         * Take a product out of the cart
         * @description Removing a product that is not in the cart changes nothing.
         */
        delete: operations["removeCartItem"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List the caller's orders, newest first
         * @description Pages are resumed with the opaque `nextCursor` of the previous page; the last page has none.
         */
        get: operations["listOrders"];
        put?: never;
        /**
         * Place an order from the cart
         * @description Prices the cart's products again from orders' copy of catalog's
         *     products, creates a `pending` order and empties the cart, all at once.
         *     The order then moves on by itself: catalog reserves its stock
         *     (`confirmed`) or rejects it (`cancelled`), usually within a second;
         *     read the order to see which. An unknown or archived product answers
         *     422.
         *
         *     `Idempotency-Key` makes the request safe to retry: a retry with the
         *     same key and the same body gets the first response again, byte for
         *     byte, with `Idempotent-Replayed: true`, and creates nothing. Keys are
         *     the caller's and remembered for 24 hours. The same key with another
         *     body answers 422; while the first request is still running, 409.
         *     After a failed request the key may be used again.
         */
        post: operations["placeOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The order's id. An id that is not one of the caller's orders answers 404. */
                id: components["parameters"]["OrderID"];
            };
            cookie?: never;
        };
        /**
         * Read one of the caller's orders
         * @description The order as it now is. A `cancelled` order says why in
         *     `cancellation`: cancelled by its customer, or because catalog
         *     rejected its stock (with catalog's reason).
         */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The order's id. An id that is not one of the caller's orders answers 404. */
                id: components["parameters"]["OrderID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Cancel an order
         * @description Cancels a `pending` or `confirmed` order; the stock of a confirmed
         *     order goes back to the catalog. The order answered is `cancelled`,
         *     with `cancellation.reason` `customer`. An order already `cancelled`
         *     (by its customer or because its stock was rejected) answers 409 and
         *     keeps its cancellation.
         */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        Money: {
            /**
             * Format: int64
             * @description In the currency's minor unit.
             */
            amount: number;
            currency: string;
        };
        Line: {
            productId: string;
            /** @description The product's name when last priced. */
            name: string;
            unitPrice: components["schemas"]["Money"];
            quantity: number;
            subtotal: components["schemas"]["Money"];
        };
        Cart: {
            items: components["schemas"]["Line"][];
            total?: components["schemas"]["Money"];
            /** @description 0 for a cart never changed. */
            version: number;
            /** Format: date-time */
            updatedAt?: string;
        };
        Address: {
            name: string;
            line1: string;
            line2?: string;
            city: string;
            postalCode: string;
            /** @description ISO 3166-1 alpha-2 code. */
            country: string;
        };
        /**
         * @description `pending` when placed, until catalog reserves its stock (`confirmed`)
         *     or rejects it (`cancelled`). The customer may cancel a pending or
         *     confirmed order; `cancelled` is final. A cancelled order says why in
         *     its `cancellation`.
         * @enum {string}
         */
        OrderStatus: "pending" | "confirmed" | "cancelled";
        /**
         * @description Why a cancelled order was cancelled, set when it is cancelled and
         *     never changed after. Present on `cancelled` orders only; absent on
         *     an order cancelled before orders recorded why (say that it was
         *     cancelled, without a reason).
         * @example {
         *       "reason": "stock_rejected",
         *       "stockReason": "insufficient_stock"
         *     }
         */
        Cancellation: {
            /**
             * @description `customer`: its customer cancelled it (`POST /v1/orders/{id}/cancel`),
             *     while it was pending or confirmed. `stock_rejected`: catalog could
             *     not reserve its stock (every line or none), so it was never
             *     confirmed and no stock was taken. The same values as the `reason`
             *     of the `OrderCancelled` event.
             * @enum {string}
             */
            reason: "customer" | "stock_rejected";
            /**
             * @description Only with `stock_rejected`: catalog's reason, the first of these
             *     that applied to any of the order's lines. `insufficient_stock`:
             *     too few in stock. `product_unavailable`: a product was archived
             *     (it is no longer sold). `unknown_product`: a product the catalog
             *     does not know. Absent when catalog gave a reason this API does not
             *     list.
             * @enum {string}
             */
            stockReason?: "insufficient_stock" | "product_unavailable" | "unknown_product";
        };
        Order: {
            /** Format: uuid */
            id: string;
            status: components["schemas"]["OrderStatus"];
            cancellation?: components["schemas"]["Cancellation"];
            items: components["schemas"]["Line"][];
            total: components["schemas"]["Money"];
            shippingAddress: components["schemas"]["Address"];
            /** Format: date-time */
            placedAt: string;
            /** Format: date-time */
            updatedAt: string;
            version: number;
        };
        OrderSummary: {
            /** Format: uuid */
            id: string;
            status: components["schemas"]["OrderStatus"];
            cancellation?: components["schemas"]["Cancellation"];
            total: components["schemas"]["Money"];
            /** @description Units ordered. */
            itemCount: number;
            /** Format: date-time */
            placedAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        OrderPage: {
            items: components["schemas"]["OrderSummary"][];
            nextCursor?: string;
        };
        /** @description RFC 9457 problem details. */
        Problem: {
            /** @description A URI reference naming the problem type; "about:blank" when the status says it all. */
            type: string;
            title: string;
            status: number;
            detail?: string;
            /** @description The request path. */
            instance?: string;
            /** @description Quote it when reporting a problem. */
            requestId?: string;
            errors?: {
                /** @description A JSON Pointer into the request body, or the name of a query parameter or header. */
                pointer: string;
                detail: string;
            }[];
        };
    };
    responses: {
        /** @description The caller's cart. */
        Cart: {
            headers: {
                "Cache-Control": components["headers"]["NoStore"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Cart"];
            };
        };
        /** @description The order. */
        Order: {
            headers: {
                "Cache-Control": components["headers"]["NoStore"];
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Order"];
            };
        };
        /**
         * @description The request is malformed: a body that is not JSON, has unknown members
         *     or members of the wrong type, a bad query parameter, or a missing
         *     `Idempotency-Key` (`errors` names it).
         */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request carries no valid bearer token. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the `customer` role. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The caller has no order with this id. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request conflicts with the state: a request with the same
         *     `Idempotency-Key` is still running (retry after `Retry-After`
         *     seconds), the order is already cancelled, or a concurrent change won.
         */
        Conflict: {
            headers: {
                /**
                 * @description Only for a key still in progress: the seconds left, rounded up
                 *     (at least 1), on the lease of the request that holds the key.
                 *     When it ends, a retry with the same body takes the key over if
                 *     that request has not completed (it may have crashed).
                 */
                "Retry-After"?: number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is larger than 1 MiB. */
        ContentTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request body is not `application/json`. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request is well-formed but cannot be carried out: invalid members
         *     (`errors` points at them), an unknown or archived product, an empty
         *     cart, or an `Idempotency-Key` already used with another body.
         */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The server failed; quote the problem's `requestId` when reporting it. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Its table is unavailable or too slow.
         *     Retry after `Retry-After` seconds. Every context answers these
         *     failures alike: each request has a budget of about 2 s, and a store
         *     that fails or runs past it is a 503.
         */
        Unavailable: {
            headers: {
                /** @description Seconds to wait before retrying. */
                "Retry-After": number;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        /** @description A catalog product's id. */
        ProductID: string;
        /** @description The order's id. An id that is not one of the caller's orders answers 404. */
        OrderID: string;
    };
    requestBodies: never;
    headers: {
        /** @description Carts and orders are private and never cached. */
        NoStore: "no-store";
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getCart: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Cart"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    setCartItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A catalog product's id. */
                productId: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    quantity: number;
                };
            };
        };
        responses: {
            200: components["responses"]["Cart"];
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    removeCartItem: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A catalog product's id. */
                productId: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Cart"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listOrders: {
        parameters: {
            query?: {
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
                /** @description The largest number of orders to return. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of order summaries. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    placeOrder: {
        parameters: {
            query?: never;
            header: {
                /** @description A unique key for this placement, such as a UUID (1 to 128 visible ASCII characters). Missing, 400; malformed, 422. */
                "Idempotency-Key": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    shippingAddress: components["schemas"]["Address"];
                };
            };
        };
        responses: {
            /** @description The order was placed (or this is the replay of the request that placed it). */
            201: {
                headers: {
                    Location: string;
                    /** @description `true` when this response is a replay. */
                    "Idempotent-Replayed"?: "true";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The order's id. An id that is not one of the caller's orders answers 404. */
                id: components["parameters"]["OrderID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Order"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The order's id. An id that is not one of the caller's orders answers 404. */
                id: components["parameters"]["OrderID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: components["responses"]["Order"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
