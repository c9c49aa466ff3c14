// Generated from services/reviews/openapi.yaml by scripts/types.mjs (make web-types). Do not edit.
export interface paths {
    "/v1/products/{id}/reviews": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id, as the catalog issues it. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        /**
         * List a product's reviews
         * @description Pages are resumed with the opaque `nextCursor` of the previous page,
         *     sent with the same `sort`; the last page has none. A cursor that was
         *     altered, or issued for another sort, answers 400. A product without
         *     reviews has an empty list; an id that is no product's answers 404
         *     (reviews knows the products catalog announced: one created a moment
         *     ago may be unknown for as long as its event takes to arrive). An
         *     archived product's reviews are still listed.
         */
        get: operations["listReviews"];
        put?: never;
        /**
         * Review a product (customer)
         * @description A customer reviews each product at most once; a second review answers
         *     409 (after deleting their review, they may write a new one). A product
         *     reviews does not know answers 404; an archived product may still be
         *     reviewed. `verifiedPurchase` is true when the author has a confirmed,
         *     uncancelled order of the product; a review written before the
         *     confirmation becomes verified when it arrives.
         */
        post: operations["createReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/products/{id}/rating": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id, as the catalog issues it. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        /**
         * A product's rating summary
         * @description Always exact. A product without reviews has a count of 0; an id that
         *     is no product's answers 404.
         */
        get: operations["getRating"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reviews/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The review's id. An id that is not a review's answers 404. */
                id: components["parameters"]["ReviewID"];
            };
            cookie?: never;
        };
        /** A review */
        get: operations["getReview"];
        put?: never;
        post?: never;
        /** Delete a review (its author or an admin) */
        delete: operations["deleteReview"];
        options?: never;
        head?: never;
        /** Edit a review (its author) */
        patch: operations["updateReview"];
        trace?: never;
    };
    "/v1/reviews/{id}/helpful": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The review's id. An id that is not a review's answers 404. */
                id: components["parameters"]["ReviewID"];
            };
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Vote a review helpful (customer)
         * @description One vote per customer per review: a second answers 409. Customers
         *     cannot vote for their own reviews (422).
         */
        post: operations["voteHelpful"];
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
        /** @example "3" */
        EntityTag: string;
        /**
         * @description `*`, or a comma-separated list of entity tags such as `"3", "4"`.
         * @example "3"
         */
        IfMatch: string;
        Rating: {
            productId: string;
            count: number;
            /** @description The mean rating; 0 without reviews. */
            average: number;
            /** @description The number of reviews giving each rating. */
            histogram: {
                1: number;
                2: number;
                3: number;
                4: number;
                5: number;
            };
        };
        Review: {
            /** Format: uuid */
            id: string;
            /** Format: uuid */
            productId: string;
            author: {
                /** @description The author's account id. */
                id: string;
                name: string;
            };
            rating: number;
            title: string;
            body: string;
            /** @description The author has a confirmed order of the product that was not cancelled (from orders' events). */
            verifiedPurchase: boolean;
            helpfulCount: number;
            /** @description Incremented by every edit; the ETag carries it. */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ReviewPage: {
            items: components["schemas"]["Review"][];
            /** @description Pass as `cursor`, with the same `sort`, to get the next page; absent on the last page. */
            nextCursor?: string;
        };
        NewReview: {
            rating: number;
            title: string;
            /** @default  */
            body: string;
        };
        ReviewPatch: {
            rating?: number;
            title?: string;
            body?: string;
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
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The token lacks the role, or the caller did not write the review. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description No review (or, for a new review, no product) has this id. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The customer has already reviewed this product, or voted for this
         *     review; or, for an edit or a deletion, others kept changing the
         *     review while it was being written: send the same request again after
         *     `Retry-After` seconds.
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The review changed since the `If-Match` version was read. */
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
         * @description The body is well-formed but its values are not acceptable (`errors`
         *     points at each offending member), or customers vote for their own
         *     review.
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
        /** @description The product's id, as the catalog issues it. */
        ProductID: string;
        /** @description The review's id. An id that is not a review's answers 404. */
        ReviewID: string;
        /**
         * @description The `ETag` of the review as last read, a list of entity tags, or
         *     `*` (RFC 9110 §13.1.1). Missing: 428. When `*` is not sent and no
         *     listed strong tag is the current `ETag` (weak tags never match): 412.
         *     A value that is not `*` or a list of entity tags: 400.
         */
        IfMatchRequired: components["schemas"]["IfMatch"];
        /**
         * @description When given, the operation applies only if it matches the review's
         *     current `ETag` as for a required `If-Match` (412 otherwise; 400 when
         *     it is not `*` or a list of entity tags).
         */
        IfMatchOptional: components["schemas"]["IfMatch"];
    };
    requestBodies: never;
    headers: {
        /** @description The review's version as a strong entity tag. */
        ETag: components["schemas"]["EntityTag"];
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    listReviews: {
        parameters: {
            query?: {
                /**
                 * @description `newest` first (default), most `helpful` first, or highest
                 *     `rating` first; ties list the newest first.
                 */
                sort?: "newest" | "helpful" | "rating";
                /** @description The `nextCursor` of the previous page. */
                cursor?: string;
                /** @description The largest number of reviews to return. */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The product's id, as the catalog issues it. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of reviews. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReviewPage"];
                };
            };
            400: components["responses"]["BadRequest"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    createReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id, as the catalog issues it. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NewReview"];
            };
        };
        responses: {
            /** @description The review was created. */
            201: {
                headers: {
                    /** @description The review's URL. */
                    Location: string;
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Review"];
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
    getRating: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The product's id, as the catalog issues it. */
                id: components["parameters"]["ProductID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The rating summary. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Rating"];
                };
            };
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The review's id. An id that is not a review's answers 404. */
                id: components["parameters"]["ReviewID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The review. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Review"];
                };
            };
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteReview: {
        parameters: {
            query?: never;
            header?: {
                /**
                 * @description When given, the operation applies only if it matches the review's
                 *     current `ETag` as for a required `If-Match` (412 otherwise; 400 when
                 *     it is not `*` or a list of entity tags).
                 */
                "If-Match"?: components["parameters"]["IfMatchOptional"];
            };
            path: {
                /** @description The review's id. An id that is not a review's answers 404. */
                id: components["parameters"]["ReviewID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The review and its votes were deleted. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            412: components["responses"]["PreconditionFailed"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateReview: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The `ETag` of the review as last read, a list of entity tags, or
                 *     `*` (RFC 9110 §13.1.1). Missing: 428. When `*` is not sent and no
                 *     listed strong tag is the current `ETag` (weak tags never match): 412.
                 *     A value that is not `*` or a list of entity tags: 400.
                 */
                "If-Match": components["parameters"]["IfMatchRequired"];
            };
            path: {
                /** @description The review's id. An id that is not a review's answers 404. */
                id: components["parameters"]["ReviewID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReviewPatch"];
            };
        };
        responses: {
            /** @description The edited review. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Review"];
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
    voteHelpful: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The review's id. An id that is not a review's answers 404. */
                id: components["parameters"]["ReviewID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The review, with its helpful count raised. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Review"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["UnprocessableContent"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
