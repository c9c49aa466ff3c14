// Generated from services/catalog/openapi.yaml by scripts/types.mjs (make web-types). Do not edit.
export interface paths {
    "/v1/products": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List active products, newest first
         * @description Pages are resumed with the opaque `nextCursor` of the previous page;
         *     the last page has none. Archived products are never listed.
         */
        get: operations["listProducts"];
        put?: never;
        /** Create a product (admin) */
        post: operations["createProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        /** Get a product, active or archived */
        get: operations["getProduct"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /**
         * Change some members of a product (admin)
         * @description A merge patch (RFC 7396) of the product's changeable members: members
         *     present replace the current values, absent (or null) members stay as
         *     they are. `price` is replaced as a whole, so it needs both `amount`
         *     and `currency`. Archived products cannot be changed (409).
         */
        patch: operations["updateProduct"];
        trace?: never;
    };
    "/v1/products/{id}/archive": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stop selling a product (admin)
         * @description Archiving an archived product changes nothing and succeeds.
         */
        post: operations["archiveProduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}/stock-adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add to or take from a product's stock (admin)
         * @description Adjustments apply atomically, so concurrent adjustments never lose
         *     one another. Stock never falls below zero: an adjustment that would
         *     take more than there is answers 409 and changes nothing.
         */
        post: operations["adjustStock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/categories": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List every category, ordered by name */
        get: operations["listCategories"];
        put?: never;
        post?: never;
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
        /** @example kitchen */
        Slug: string;
        /** @example "3" */
        EntityTag: string;
        /**
         * @description `*`, or a comma-separated list of entity tags such as `"3", "4"`.
         * @example "3"
         */
        IfMatch: string;
        /** @description An amount in the minor unit of its currency (cents for USD). */
        Money: {
            /**
             * Format: int64
             * @example 1299
             */
            amount: number;
            /**
             * @description ISO 4217 code
             * @example USD
             */
            currency: string;
        };
        Product: {
            /** Format: uuid */
            id: string;
            /** @example MUG-001 */
            sku: string;
            /** @example Enamel mug */
            name: string;
            description: string;
            price: components["schemas"]["Money"];
            category: components["schemas"]["Slug"];
            stock: number;
            /** @enum {string} */
            status: "active" | "archived";
            /** @description Incremented by every change; the ETag carries it. */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
            rating: components["schemas"]["Rating"];
        };
        /**
         * @description What the product's reviews add up to, kept by the catalog from the reviews context's events (ReviewSubmitted, ReviewRevised, ReviewWithdrawn): it follows the reviews within the bus's delivery time. Not part of the version: a new review changes neither the version nor the ETag.
         * @example {
         *       "count": 12,
         *       "average": 4.25
         *     }
         */
        Rating: {
            /**
             * @description How many reviews the product has.
             * @example 12
             */
            count: number;
            /**
             * @description The mean of their ratings (1 to 5), rounded to 2 decimals; 0 when there is no review.
             * @example 4.25
             */
            average: number;
        };
        ProductPage: {
            items: components["schemas"]["Product"][];
            /** @description Pass as `cursor` to get the next page; absent on the last page. */
            nextCursor?: string;
        };
        NewProduct: {
            sku: string;
            name: string;
            /** @default  */
            description: string;
            price: components["schemas"]["Money"];
            category: components["schemas"]["Slug"];
            /** @default 0 */
            stock: number;
        };
        ProductPatch: {
            name?: string;
            description?: string;
            price?: components["schemas"]["Money"];
            category?: components["schemas"]["Slug"];
            stock?: number;
        };
        StockAdjustment: {
            /** @description Added to the stock; negative to take stock out. */
            delta: number;
        };
        Category: {
            slug: components["schemas"]["Slug"];
            name: string;
        };
        CategoryList: {
            items: components["schemas"]["Category"][];
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
        /**
         * @description The request is malformed: a body that is not JSON, has unknown
         *     members or members of the wrong type, or a bad query parameter or
         *     header (`errors` names it).
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
                /** @description The scheme to authenticate with. */
                "WWW-Authenticate": "Bearer";
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the `admin` role. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No product has this id. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request conflicts with the product's state: its SKU is taken,
         *     it is archived, or it has too little stock for the adjustment.
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The product changed since the `If-Match` version was read. */
        PreconditionFailed: {
            headers: {
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
        /** @description The request body is not JSON. */
        UnsupportedMediaType: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The body is well-formed but its values are not acceptable; `errors`
         *     points at each offending member.
         */
        UnprocessableContent: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request needs an `If-Match` header. */
        PreconditionRequired: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The server failed. The detail is withheld; quote `requestId` when
         *     reporting it.
         */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description Its database is unavailable or too slow.
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
        /** @description The product's id. An id that is not a product's answers 404. */
        ProductID: string;
        /**
         * @description The `ETag` of the product as last read, a list of entity tags, or
         *     `*` (RFC 9110 §13.1.1). Missing: 428. When `*` is not sent and no
         *     listed strong tag is the current `ETag` (weak tags never match): 412.
         *     A value that is not `*` or a list of entity tags: 400.
         */
        IfMatchRequired: components["schemas"]["IfMatch"];
        /**
         * @description When given, the operation applies only if it matches the product's
         *     current `ETag` as for a required `If-Match` (412 otherwise; 400 when
         *     it is not `*` or a list of entity tags).
         */
        IfMatchOptional: components["schemas"]["IfMatch"];
    };
    requestBodies: never;
    headers: {
        /** @description The product's version as a strong entity tag. */
        ETag: components["schemas"]["EntityTag"];
        /** @description Shared caches may keep the response for a short while. */
        PublicCache: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listProducts: {
        parameters: {
            query?: {
                /** @description Only products of this category. */
                category?: components["schemas"]["Slug"];
                /** @description Full-text search over name and description. */
                q?: string;
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
                /** @description The largest number of products to return. */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of products. */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["PublicCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProductPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createProduct: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewProduct"];
            };
        };
        responses: {
            /** @description The product was created. */
            201: {
                headers: {
                    /** @description The product's URL. */
                    Location: string;
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getProduct: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The product. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    "Cache-Control": components["headers"]["PublicCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateProduct: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The `ETag` of the product as last read, a list of entity tags, or
                 *     `*` (RFC 9110 §13.1.1). Missing: 428. When `*` is not sent and no
                 *     listed strong tag is the current `ETag` (weak tags never match): 412.
                 *     A value that is not `*` or a list of entity tags: 400.
                 */
                "If-Match": components["parameters"]["IfMatchRequired"];
            };
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/merge-patch+json": components["schemas"]["ProductPatch"];
                "application/json": components["schemas"]["ProductPatch"];
            };
        };
        responses: {
            /** @description The changed product. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            428: components["responses"]["PreconditionRequired"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    archiveProduct: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description When given, the operation applies only if it matches the product's
                 *     current `ETag` as for a required `If-Match` (412 otherwise; 400 when
                 *     it is not `*` or a list of entity tags).
                 */
                "If-Match"?: components["parameters"]["IfMatchOptional"];
            };
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The archived product. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            412: components["responses"]["PreconditionFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    adjustStock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id. An id that is not a product's answers 404. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StockAdjustment"];
            };
        };
        responses: {
            /** @description The product with its new stock. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Product"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    listCategories: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description All categories. */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["PublicCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CategoryList"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
