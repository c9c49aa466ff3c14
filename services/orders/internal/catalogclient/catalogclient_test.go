package catalogclient_test

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"example.com/quartet/services/orders/internal/catalogclient"
	"example.com/quartet/services/orders/internal/orders"
)

// productJSON is a product document as the catalog serves it.
const productJSON = `{"id":"%s","sku":"KIT-001","name":"Cast Iron Skillet","description":"10 inch.",
"price":{"amount":3499,"currency":"USD"},"category":"kitchen","stock":12,"status":"%s","version":3,
"createdAt":"2025-03-14T15:09:26Z","updatedAt":"2025-03-14T15:09:26Z"}`

func TestProduct(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/products/{id}", func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		status := map[string]string{"p-active": "active", "p-archived": "archived"}[id]
		switch id {
		case "p-active", "p-archived":
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(fmt.Sprintf(productJSON, id, status)))
		case "p-broken":
			w.Write([]byte(`{"id":"p-broken"`))
		case "p-wrong":
			w.Write([]byte(fmt.Sprintf(productJSON, "someone-else", "active")))
		case "p-fail":
			http.Error(w, "boom", http.StatusInternalServerError)
		case "p-slow":
			time.Sleep(200 * time.Millisecond)
		default:
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"type":"about:blank","title":"Not Found","status":404}`))
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := catalogclient.New(srv.URL+"/", &http.Client{Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		id      string
		want    orders.Product
		wantErr error
	}{
		{id: "p-active", want: orders.Product{ID: "p-active", Name: "Cast Iron Skillet", Price: orders.Money{Amount: 3499, Currency: "USD"}, Active: true}},
		{id: "p-archived", want: orders.Product{ID: "p-archived", Name: "Cast Iron Skillet", Price: orders.Money{Amount: 3499, Currency: "USD"}}},
		{id: "p-missing", wantErr: orders.ErrUnknownProduct},
		{id: "p-broken", wantErr: orders.ErrCatalogUnavailable},
		{id: "p-wrong", wantErr: orders.ErrCatalogUnavailable},
		{id: "p-fail", wantErr: orders.ErrCatalogUnavailable},
		{id: "p-slow", wantErr: orders.ErrCatalogUnavailable},
	} {
		t.Run(tt.id, func(t *testing.T) {
			got, err := c.Product(t.Context(), tt.id)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Errorf("Product(%s) = %+v, %v; want %+v, %v", tt.id, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "catalog", "ftp://catalog", "http://"} {
		if _, err := catalogclient.New(u, nil); err == nil {
			t.Errorf("New(%q) succeeded, want an error", u)
		}
	}
}

// TestProductReusesConnections checks that the client reads every response
// to the end, so its connection goes back to the pool: on Lambda a new
// connection to the catalog costs a TLS handshake per product.
func TestProductReusesConnections(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		if r.URL.Path == "/v1/products/p-active" {
			w.Write([]byte(fmt.Sprintf(productJSON, "p-active", "active")))
			w.(http.Flusher).Flush() // no Content-Length: the body is chunked
			w.Write([]byte("\n"))
			return
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"type":"about:blank","title":"Not Found","status":404,"detail":"no product ` + id + `"}`))
	}))
	var conns atomic.Int32
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := catalogclient.New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"p-active", "p-missing", "p-active", "p-missing"} {
		if _, err := c.Product(t.Context(), id); err != nil && !errors.Is(err, orders.ErrUnknownProduct) {
			t.Fatalf("Product(%s): %v", id, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("4 sequential requests opened %d connections, want 1", n)
	}
}
