// Package catalogclient reads products from the catalog context's public
// HTTP API (GET /v1/products/{id}); it is the orders.ProductLookup used in
// production. Contexts share no code: the JSON shape is the contract.
package catalogclient

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"example.com/quartet/services/orders/internal/orders"
)

// DefaultTimeout bounds one product request, connection included.
const DefaultTimeout = 3 * time.Second

// maxBody bounds the product document read from the catalog.
const maxBody = 1 << 20

// maxDrain bounds what is read and discarded after a response, so that its
// connection can be reused; a longer rest is not worth reading.
const maxDrain = 64 << 10

// Client is an orders.ProductLookup over the catalog's HTTP API. It is safe
// for concurrent use.
type Client struct {
	base string
	http *http.Client
}

var _ orders.ProductLookup = (*Client)(nil)

// New returns a client of the catalog API at baseURL (such as
// "https://api.example.com"; the client adds "/v1/products/{id}"). A nil
// httpClient means one with DefaultTimeout and bounded dialing.
func New(baseURL string, httpClient *http.Client) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("catalog API URL %q: want an absolute http(s) URL", baseURL)
	}
	if httpClient == nil {
		transport := http.DefaultTransport.(*http.Transport).Clone()
		transport.DialContext = (&net.Dialer{Timeout: time.Second}).DialContext
		httpClient = &http.Client{Timeout: DefaultTimeout, Transport: transport}
	}
	return &Client{base: strings.TrimSuffix(baseURL, "/"), http: httpClient}, nil
}

// product is the part of the catalog's product document orders reads.
type product struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Price struct {
		Amount   *int64 `json:"amount"`
		Currency string `json:"currency"`
	} `json:"price"`
	Status string `json:"status"`
}

// Product returns the catalog's product with the given ID. It returns
// orders.ErrUnknownProduct on 404, and an error matching
// orders.ErrCatalogUnavailable when the catalog fails or answers what
// this client does not understand.
func (c *Client) Product(ctx context.Context, id string) (orders.Product, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/v1/products/"+url.PathEscape(id), nil)
	if err != nil {
		return orders.Product{}, fmt.Errorf("%w: %v", orders.ErrCatalogUnavailable, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return orders.Product{}, fmt.Errorf("%w: %v", orders.ErrCatalogUnavailable, err)
	}
	defer func() {
		// Read what is left (a 404's problem, a chunked body's last chunk)
		// so that the connection goes back to the pool instead of being
		// closed: a new one costs a TLS handshake per product.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxDrain))
		resp.Body.Close()
	}()
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return orders.Product{}, fmt.Errorf("%w: %s", orders.ErrUnknownProduct, id)
	case resp.StatusCode != http.StatusOK:
		return orders.Product{}, fmt.Errorf("%w: GET product %s: status %d", orders.ErrCatalogUnavailable, id, resp.StatusCode)
	}
	var p product
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxBody)).Decode(&p); err != nil {
		return orders.Product{}, fmt.Errorf("%w: decode product %s: %v", orders.ErrCatalogUnavailable, id, err)
	}
	if p.ID != id || p.Name == "" || p.Price.Amount == nil || len(p.Price.Currency) != 3 ||
		(p.Status != "active" && p.Status != "archived") {
		return orders.Product{}, fmt.Errorf("%w: product %s: unexpected document", orders.ErrCatalogUnavailable, id)
	}
	return orders.Product{
		ID: p.ID, Name: p.Name, Price: orders.Money{Amount: *p.Price.Amount, Currency: p.Price.Currency},
		Active: p.Status == "active",
	}, nil
}
