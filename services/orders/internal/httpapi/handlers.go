package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/page"
	"example.com/quartet/packages/problem"
	"example.com/quartet/packages/validation"
	"example.com/quartet/services/orders/internal/orders"
)

// Headers of the idempotent POST /v1/orders.
const (
	idempotencyKeyHeader = "Idempotency-Key"
	replayedHeader       = "Idempotent-Replayed"
)

func (a *api) getCart(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	c, err := a.svc.Cart(r.Context(), caller.Subject)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCartResponse(c))
	return nil
}

func (a *api) setCartItem(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	var req setCartItemRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	if req.Quantity == nil {
		return problem.Invalid("the request needs a quantity", problem.FieldError{Pointer: "/quantity", Detail: "is required"})
	}
	c, err := a.svc.SetCartItem(r.Context(), caller.Subject, r.PathValue("productId"), *req.Quantity)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCartResponse(c))
	return nil
}

func (a *api) removeCartItem(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	c, err := a.svc.RemoveCartItem(r.Context(), caller.Subject, r.PathValue("productId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCartResponse(c))
	return nil
}

// placeOrder places an order at most once per Idempotency-Key. The stored
// response (status and body) is replayed byte for byte for a retry with
// the same key and body, marked by the Idempotent-Replayed header.
func (a *api) placeOrder(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	key := r.Header.Get(idempotencyKeyHeader)
	if key == "" {
		return problem.BadParams(problem.FieldError{Pointer: idempotencyKeyHeader, Detail: "is required: send a unique key, such as a UUID, and reuse it only to retry this request"})
	}
	var req placeOrderRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	if req.ShippingAddress == nil {
		return problem.Invalid("the request needs a shipping address", problem.FieldError{Pointer: "/shippingAddress", Detail: "is required"})
	}
	hash, err := requestHash(req)
	if err != nil {
		return err
	}
	res, replayed, err := a.svc.PlaceOrder(r.Context(), orders.PlaceOrder{
		CustomerID: caller.Subject, IdempotencyKey: key, RequestHash: hash, Shipping: req.ShippingAddress.toAddress(),
	}, func(o orders.Order) (orders.Response, error) {
		body, err := json.Marshal(toOrderResponse(o))
		return orders.Response{Status: http.StatusCreated, Body: append(body, '\n')}, err
	})
	if err != nil {
		return err
	}
	var placed struct{ ID string }
	if err := json.Unmarshal(res.Body, &placed); err != nil {
		return fmt.Errorf("stored response: %w", err)
	}
	w.Header().Set("Location", "/v1/orders/"+placed.ID)
	if replayed {
		w.Header().Set(replayedHeader, "true")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(res.Status)
	_, _ = w.Write(res.Body)
	return nil
}

// requestHash identifies a request body by its meaning, not its bytes: the
// SHA-256 of the decoded request encoded again, so spacing and member order
// do not count.
func requestHash(req placeOrderRequest) (string, error) {
	b, err := json.Marshal(req)
	if err != nil {
		return "", fmt.Errorf("hash request: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

func (a *api) listOrders(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	q, err := pageQuery(r.URL.Query())
	if err != nil {
		return err
	}
	q.CustomerID = caller.Subject
	page, err := a.svc.Orders(r.Context(), q)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOrderPageResponse(page))
	return nil
}

func (a *api) getOrder(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	o, err := a.svc.Order(r.Context(), caller.Subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOrderResponse(o))
	return nil
}

func (a *api) cancelOrder(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	o, err := a.svc.CancelOrder(r.Context(), caller.Subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toOrderResponse(o))
	return nil
}

// writeJSON writes a private response: carts and orders are the caller's.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, status, v)
}

// pageQuery reads the query parameters of GET /v1/orders. It returns a 400
// problem naming every invalid parameter.
func pageQuery(v url.Values) (orders.Query, error) {
	p, errs := page.Read(v, orders.DefaultLimit, orders.MaxLimit)
	q := orders.Query{Limit: p.Limit}
	// A cursor is the ID of the last order of a page. The store turns it
	// into the query's ExclusiveStartKey; the customer's part of that key
	// always comes from the token, so no cursor can reach another
	// customer's orders.
	if p.Cursor != nil {
		if !validation.UUID(string(p.Cursor)) {
			errs = append(errs, page.BadCursor())
		}
		q.After = string(p.Cursor)
	}
	if errs != nil {
		return orders.Query{}, problem.BadParams(errs...)
	}
	return q, nil
}
