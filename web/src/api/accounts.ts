// Generated from services/accounts/openapi.yaml by scripts/types.mjs (make web-types). Do not edit.
export interface paths {
    "/v1/accounts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Open a customer account
         * @description Emails are unique ignoring case. Passwords need at least 10
         *     characters and must not be one of the well-known leaked passwords.
         */
        post: operations["signUp"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Sign in and get an access token
         * @description An unknown email and a wrong password get the same 401. After 5
         *     failed sign-ins in a row the account is locked for a minute, then
         *     for twice as long after every further failure (at most an hour):
         *     429 with `Retry-After`.
         */
        post: operations["signIn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read the caller's account */
        get: operations["getMe"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Change the caller's email or display name */
        patch: operations["updateMe"];
        trace?: never;
    };
    "/v1/me/addresses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the caller's addresses, oldest first */
        get: operations["listAddresses"];
        put?: never;
        /** Add an address */
        post: operations["addAddress"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/me/addresses/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The address's id. An id that is not one of the caller's addresses answers 404. */
                id: components["parameters"]["AddressID"];
            };
            cookie?: never;
        };
        get?: never;
        /** Replace an address */
        put: operations["replaceAddress"];
        post?: never;
        /** Delete an address */
        delete: operations["deleteAddress"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/jwks.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The public keys that verify access tokens
         * @description The current key first, then previous keys that still verify tokens issued before a rotation.
         */
        get: operations["getJWKS"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/.well-known/openid-configuration": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * OpenID Provider metadata
         * @description What API Gateway's JWT authorizer reads to find the issuer's keys.
         */
        get: operations["getOpenIDConfiguration"];
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
        /** @example "3" */
        EntityTag: string;
        /**
         * @description `*`, or a comma-separated list of entity tags such as `"3", "4"`.
         * @example "3"
         */
        IfMatch: string;
        /** @example ann@example.com */
        Email: string;
        /** @example Ann Lee */
        DisplayName: string;
        SignUp: {
            email: components["schemas"]["Email"];
            displayName: components["schemas"]["DisplayName"];
            /** Format: password */
            password: string;
        };
        Credentials: {
            email: string;
            /** Format: password */
            password: string;
        };
        Session: {
            /** @description A JWT to send as `Authorization: Bearer <token>`. */
            accessToken: string;
            /** @enum {string} */
            tokenType: "Bearer";
            /**
             * @description Seconds the token is valid for.
             * @example 900
             */
            expiresIn: number;
        };
        Account: {
            /** Format: uuid */
            id: string;
            email: components["schemas"]["Email"];
            displayName: components["schemas"]["DisplayName"];
            roles: ("admin" | "customer")[];
            /** @description Incremented by every change; the ETag carries it. */
            version: number;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        ProfilePatch: {
            email?: components["schemas"]["Email"];
            displayName?: components["schemas"]["DisplayName"];
        };
        AddressInput: {
            /** @example Ann Lee */
            name: string;
            /**
             * @example [
             *       "Hauptstraße 1"
             *     ]
             */
            lines: string[];
            /** @example Berlin */
            city: string;
            /** @example 10115 */
            postalCode: string;
            /**
             * @description ISO 3166-1 alpha-2 code
             * @example DE
             */
            country: string;
        };
        Address: {
            /** Format: uuid */
            id: string;
            name: string;
            lines: string[];
            city: string;
            postalCode: string;
            country: string;
            /** Format: date-time */
            createdAt: string;
            /** Format: date-time */
            updatedAt: string;
        };
        AddressList: {
            items: components["schemas"]["Address"][];
        };
        JWKS: {
            keys: {
                /** @enum {string} */
                kty: "RSA";
                /** @description The modulus, base64url without padding. */
                n: string;
                /** @description The public exponent, base64url without padding. */
                e: string;
                /** @description The RFC 7638 thumbprint of the key. */
                kid: string;
                /** @enum {string} */
                alg: "RS256";
                /** @enum {string} */
                use: "sig";
            }[];
        };
        OpenIDConfiguration: {
            issuer: string;
            jwks_uri: string;
            response_types_supported: string[];
            subject_types_supported: string[];
            id_token_signing_alg_values_supported: string[];
            claims_supported?: string[];
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
                /** @description A JSON Pointer into the request body, or the name of a header. */
                pointer: string;
                detail: string;
            }[];
        };
    };
    responses: {
        /**
         * @description The request is malformed: a body that is not JSON, has unknown
         *     members or members of the wrong type, or a bad header (`errors`
         *     names it).
         */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The request carries no valid bearer token, or the email or password is wrong. */
        Unauthorized: {
            headers: {
                "WWW-Authenticate": string;
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The account or address does not exist. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /**
         * @description The request conflicts with the state: the email belongs to another
         *     account, the account has 10 addresses already, or other requests kept
         *     changing it until the server ran out of attempts (then `Retry-After`
         *     says when the same request may succeed).
         */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description The account changed since the `If-Match` version was read. */
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
         * @description The body is well-formed but its values are not acceptable (a weak
         *     password, an invalid email or country); `errors` points at each
         *     offending member.
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
        /** @description The address's id. An id that is not one of the caller's addresses answers 404. */
        AddressID: string;
        /**
         * @description The `ETag` of the account as last read, a list of entity tags, or
         *     `*` (RFC 9110 §13.1.1). Missing: 428. When `*` is not sent and no
         *     listed strong tag is the current `ETag` (weak tags never match): 412.
         *     A value that is not `*` or a list of entity tags: 400.
         */
        IfMatch: components["schemas"]["IfMatch"];
    };
    requestBodies: never;
    headers: {
        /** @description The account's version as a strong entity tag. */
        ETag: components["schemas"]["EntityTag"];
        /** @description Caches may keep the document for five minutes. */
        KeysCache: string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    signUp: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SignUp"];
            };
        };
        responses: {
            /** @description The new account. */
            201: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    /** @description Where the account can be read once signed in. */
                    Location: "/v1/me";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            400: components["responses"]["BadRequest"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    signIn: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["Credentials"];
            };
        };
        responses: {
            /** @description An access token. */
            200: {
                headers: {
                    "Cache-Control": "no-store";
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Session"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            /** @description The account is locked after repeated failed sign-ins. */
            429: {
                headers: {
                    /** @description Seconds until the lock ends. */
                    "Retry-After": number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getMe: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The caller's account. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    updateMe: {
        parameters: {
            query?: never;
            header: {
                /**
                 * @description The `ETag` of the account as last read, a list of entity tags, or
                 *     `*` (RFC 9110 §13.1.1). Missing: 428. When `*` is not sent and no
                 *     listed strong tag is the current `ETag` (weak tags never match): 412.
                 *     A value that is not `*` or a list of entity tags: 400.
                 */
                "If-Match": components["parameters"]["IfMatch"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ProfilePatch"];
                "application/merge-patch+json": components["schemas"]["ProfilePatch"];
            };
        };
        responses: {
            /** @description The changed account. */
            200: {
                headers: {
                    ETag: components["headers"]["ETag"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Account"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
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
    listAddresses: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every address of the caller (at most 10). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AddressList"];
                };
            };
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    addAddress: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddressInput"];
            };
        };
        responses: {
            /** @description The new address. */
            201: {
                headers: {
                    /** @description The address's URL. */
                    Location: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Address"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    replaceAddress: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The address's id. An id that is not one of the caller's addresses answers 404. */
                id: components["parameters"]["AddressID"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AddressInput"];
            };
        };
        responses: {
            /** @description The changed address. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Address"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["ContentTooLarge"];
            415: components["responses"]["UnsupportedMediaType"];
            422: components["responses"]["UnprocessableContent"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    deleteAddress: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The address's id. An id that is not one of the caller's addresses answers 404. */
                id: components["parameters"]["AddressID"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The address is gone. */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            401: components["responses"]["Unauthorized"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
    getJWKS: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A JSON Web Key Set (RFC 7517). */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["KeysCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["JWKS"];
                };
            };
        };
    };
    getOpenIDConfiguration: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OpenID Connect Discovery 1.0 metadata. */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["KeysCache"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenIDConfiguration"];
                };
            };
        };
    };
}
