// Package load drives a running Quartet system with the journeys of its
// users — browsing, searching, signing in, filling a cart, ordering and
// reviewing — over HTTP, bounded in time and rate, and reports throughput,
// latency percentiles and errors per route.
//
// A Runner holds what the journeys need (products to look at, one account
// per worker, made by Prepare) and runs them either closed-loop (every
// worker starts its next journey as soon as the last ends: the system's
// saturation) or open-loop at a fixed rate of journeys per second.
package load

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"
)

// Limits that keep a run bounded whatever the flags say.
const (
	MaxDuration = 10 * time.Minute
	MaxRate     = 2000 // journeys per second
	MaxWorkers  = 256
)

// Journey names, for Config.Journeys.
const (
	Browse  = "browse"  // list products, open one, its reviews and rating, the categories
	Search  = "search"  // full-text search, then open a result
	Shopper = "shopper" // sign in, account, cart, order, orders, a review
)

// Public returns the journeys that need no account: they run against any
// handler that serves catalog's and reviews' public routes.
func Public() []string { return []string{Browse, Search} }

// All returns every journey: the mix Options.Journeys defaults to.
func All() []string { return []string{Browse, Search, Shopper} }

// weight is a journey's share of the mix, 0 for an unknown journey: most
// visitors browse, fewer search, fewer still sign in and buy.
func weight(journey string) int {
	switch journey {
	case Browse:
		return 6
	case Search:
		return 3
	case Shopper:
		return 1
	}
	return 0
}

// Runner runs journeys against one base URL.
type Runner struct {
	base     string
	client   *http.Client
	journeys []string
	products []product
	words    []string
	accounts chan *account // one per worker; a worker takes one for a shopper journey
}

type product struct{ ID, Name, Category string }

type account struct {
	email, password string
	reviewed        map[string]bool // products this account has reviewed
	orders          int
}

// Options configure Prepare.
type Options struct {
	// BaseURL is the system's gateway, such as http://127.0.0.1:8080.
	BaseURL string
	// Journeys to mix; nil means All.
	Journeys []string
	// Workers is how many journeys may run at once (at most MaxWorkers);
	// shopper journeys need one account each, which Prepare signs up.
	Workers int
	// Client makes the requests; nil means a client with a keep-alive
	// pool sized for Workers and a 10 s timeout.
	Client *http.Client
}

// Prepare reads the catalog the journeys browse and signs up one account
// per worker when the mix has shopper journeys. It signs up one account at
// a time: the local accounts store, go-mysql-server, loses inserts under
// concurrency.
func Prepare(ctx context.Context, opts Options) (*Runner, error) {
	if opts.Workers < 1 || opts.Workers > MaxWorkers {
		return nil, fmt.Errorf("load: %d workers, want 1 to %d", opts.Workers, MaxWorkers)
	}
	journeys := opts.Journeys
	if journeys == nil {
		journeys = All()
	}
	for _, j := range journeys {
		if weight(j) == 0 {
			return nil, fmt.Errorf("load: unknown journey %q (want %s)", j, strings.Join(All(), ", "))
		}
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{
			Timeout:   10 * time.Second,
			Transport: &http.Transport{MaxIdleConns: opts.Workers, MaxIdleConnsPerHost: opts.Workers, IdleConnTimeout: time.Minute},
		}
	}
	r := &Runner{base: strings.TrimSuffix(opts.BaseURL, "/"), client: client, journeys: journeys}

	var page struct {
		Items []product `json:"items"`
	}
	if _, err := r.do(ctx, nil, "GET /v1/products", http.MethodGet, "/v1/products?limit=50", "", nil, &page, http.StatusOK); err != nil {
		return nil, fmt.Errorf("load: read the catalog: %w", err)
	}
	if len(page.Items) == 0 {
		return nil, errors.New("load: the catalog lists no products (is the system seeded?)")
	}
	r.products = page.Items
	seen := map[string]bool{}
	for _, p := range page.Items {
		for _, w := range strings.Fields(strings.ToLower(p.Name)) {
			if w = strings.Trim(w, ",.;:()'\""); len(w) > 3 && !seen[w] {
				seen[w] = true
				r.words = append(r.words, w)
			}
		}
	}
	if len(r.words) == 0 {
		r.words = []string{"mug"}
	}

	if slices.Contains(journeys, Shopper) {
		r.accounts = make(chan *account, opts.Workers)
		run := rand.Text()[:10]
		for i := range opts.Workers {
			a := &account{
				email:    fmt.Sprintf("load-%s-%d@example.com", strings.ToLower(run), i),
				password: "load-test-password-" + run,
				reviewed: map[string]bool{},
			}
			body := fmt.Sprintf(`{"email":%q,"displayName":"Load %d","password":%q}`, a.email, i, a.password)
			if _, err := r.do(ctx, nil, "POST /v1/accounts", http.MethodPost, "/v1/accounts", "", []byte(body), nil, http.StatusCreated); err != nil {
				return nil, fmt.Errorf("load: sign up a shopper: %w", err)
			}
			r.accounts <- a
		}
	}
	return r, nil
}

// Config configures Run.
type Config struct {
	// Duration bounds the run (at most MaxDuration); journeys still running
	// at the end finish, and count.
	Duration time.Duration
	// Rate is how many journeys start per second, open-loop; 0 runs
	// closed-loop: every worker starts its next journey as soon as the last
	// ends.
	Rate float64
	// Workers is how many journeys may run at once; at a Rate the system
	// cannot keep up with, starts that find every worker busy are counted
	// as missed rather than queued.
	Workers int
}

// Run runs journeys for cfg.Duration and returns what they measured.
func (r *Runner) Run(ctx context.Context, cfg Config) (*Report, error) {
	switch {
	case cfg.Duration <= 0 || cfg.Duration > MaxDuration:
		return nil, fmt.Errorf("load: duration %v, want more than 0 and at most %v", cfg.Duration, MaxDuration)
	case cfg.Rate < 0 || cfg.Rate > MaxRate || math.IsNaN(cfg.Rate):
		return nil, fmt.Errorf("load: rate %v journeys/s, want 0 (closed loop) to %d", cfg.Rate, MaxRate)
	case cfg.Workers < 1 || cfg.Workers > MaxWorkers:
		return nil, fmt.Errorf("load: %d workers, want 1 to %d", cfg.Workers, MaxWorkers)
	case r.accounts != nil && cfg.Workers > cap(r.accounts):
		return nil, fmt.Errorf("load: %d workers, but Prepare made accounts for %d", cfg.Workers, cap(r.accounts))
	}
	rep := newReport()
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	// Requests get their own context: a journey under way when the run
	// ends finishes rather than failing.
	reqCtx := context.WithoutCancel(ctx)

	starts := make(chan struct{}) // unbuffered: a start waits for a free worker
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Go(func() {
			rng := mrand.New(mrand.NewPCG(mrand.Uint64(), mrand.Uint64()))
			for {
				if cfg.Rate == 0 {
					if ctx.Err() != nil {
						return
					}
				} else if _, ok := <-starts; !ok {
					return
				}
				r.journey(reqCtx, rep, rng)
			}
		})
	}
	begin := time.Now()
	if cfg.Rate > 0 {
		interval := time.Duration(float64(time.Second) / cfg.Rate)
		next := begin
	pace:
		for {
			select {
			case <-ctx.Done():
				break pace
			case <-time.After(time.Until(next)):
			}
			select {
			case starts <- struct{}{}:
			default:
				rep.missed.Add(1)
			}
			next = next.Add(interval)
		}
		close(starts)
	}
	wg.Wait()
	rep.elapsed = time.Since(begin)
	return rep, nil
}

// journey runs one journey, picked by weight.
func (r *Runner) journey(ctx context.Context, rep *Report, rng *mrand.Rand) {
	total := 0
	for _, j := range r.journeys {
		total += weight(j)
	}
	n := rng.IntN(total)
	name := r.journeys[len(r.journeys)-1]
	for _, j := range r.journeys {
		if n < weight(j) {
			name = j
			break
		}
		n -= weight(j)
	}
	var err error
	switch name {
	case Browse:
		err = r.browse(ctx, rep, rng)
	case Search:
		err = r.search(ctx, rep, rng)
	case Shopper:
		a := <-r.accounts
		err = r.shop(ctx, rep, rng, a)
		r.accounts <- a
	}
	rep.journeyDone(name, err)
}

func (r *Runner) browse(ctx context.Context, rep *Report, rng *mrand.Rand) error {
	var page struct {
		Items []product `json:"items"`
	}
	if _, err := r.do(ctx, rep, "GET /v1/products", http.MethodGet, "/v1/products?limit=20", "", nil, &page, 200); err != nil {
		return err
	}
	p := r.products[rng.IntN(len(r.products))]
	if len(page.Items) > 0 {
		p = page.Items[rng.IntN(len(page.Items))]
	}
	for _, step := range []struct{ route, path string }{
		{"GET /v1/products/{id}", "/v1/products/" + p.ID},
		{"GET /v1/products/{id}/reviews", "/v1/products/" + p.ID + "/reviews"},
		{"GET /v1/products/{id}/rating", "/v1/products/" + p.ID + "/rating"},
		{"GET /v1/categories", "/v1/categories"},
	} {
		if _, err := r.do(ctx, rep, step.route, http.MethodGet, step.path, "", nil, nil, 200); err != nil {
			return err
		}
	}
	return nil
}

func (r *Runner) search(ctx context.Context, rep *Report, rng *mrand.Rand) error {
	w := r.words[rng.IntN(len(r.words))]
	var page struct {
		Items []product `json:"items"`
	}
	if _, err := r.do(ctx, rep, "GET /v1/products?q", http.MethodGet, "/v1/products?limit=10&q="+w, "", nil, &page, 200); err != nil {
		return err
	}
	if len(page.Items) == 0 {
		return nil
	}
	p := page.Items[rng.IntN(len(page.Items))]
	_, err := r.do(ctx, rep, "GET /v1/products/{id}", http.MethodGet, "/v1/products/"+p.ID, "", nil, nil, 200)
	return err
}

func (r *Runner) shop(ctx context.Context, rep *Report, rng *mrand.Rand, a *account) error {
	var session struct {
		AccessToken string `json:"accessToken"`
	}
	body := fmt.Sprintf(`{"email":%q,"password":%q}`, a.email, a.password)
	if _, err := r.do(ctx, rep, "POST /v1/sessions", http.MethodPost, "/v1/sessions", "", []byte(body), &session, 200); err != nil {
		return err
	}
	token := session.AccessToken
	if _, err := r.do(ctx, rep, "GET /v1/me", http.MethodGet, "/v1/me", token, nil, nil, 200); err != nil {
		return err
	}
	p := r.products[rng.IntN(len(r.products))]
	qty := fmt.Appendf(nil, `{"quantity":%d}`, 1+rng.IntN(3))
	if _, err := r.do(ctx, rep, "PUT /v1/cart/items/{productId}", http.MethodPut, "/v1/cart/items/"+p.ID, token, qty, nil, 200); err != nil {
		return err
	}
	if _, err := r.do(ctx, rep, "GET /v1/cart", http.MethodGet, "/v1/cart", token, nil, nil, 200); err != nil {
		return err
	}
	a.orders++
	order := []byte(`{"shippingAddress":{"name":"Load Test","line1":"1 Main St","city":"Springfield","postalCode":"12345","country":"US"}}`)
	if _, err := r.doKey(ctx, rep, "POST /v1/orders", "/v1/orders", token, order, rand.Text(), 201); err != nil {
		return err
	}
	if _, err := r.do(ctx, rep, "GET /v1/orders", http.MethodGet, "/v1/orders?limit=5", token, nil, nil, 200); err != nil {
		return err
	}
	if a.reviewed[p.ID] {
		return nil // one review per customer and product
	}
	review := fmt.Appendf(nil, `{"rating":%d,"title":"Bought under load","body":"Arrived as described."}`, 1+rng.IntN(5))
	if _, err := r.do(ctx, rep, "POST /v1/products/{id}/reviews", http.MethodPost, "/v1/products/"+p.ID+"/reviews", token, review, nil, 201); err != nil {
		return err
	}
	a.reviewed[p.ID] = true
	return nil
}

// do sends one request and records it under route in rep (when not nil).
// It decodes a JSON answer into out when out is not nil, and fails when
// the status is not want.
func (r *Runner) do(ctx context.Context, rep *Report, route, method, path, token string, body []byte, out any, want int) (int, error) {
	return r.send(ctx, rep, route, method, path, token, body, "", out, want)
}

// doKey is do for a POST with an Idempotency-Key.
func (r *Runner) doKey(ctx context.Context, rep *Report, route, path, token string, body []byte, key string, want int) (int, error) {
	return r.send(ctx, rep, route, http.MethodPost, path, token, body, key, nil, want)
}

func (r *Runner) send(ctx context.Context, rep *Report, route, method, path, token string, body []byte, key string, out any, want int) (int, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, r.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	start := time.Now()
	res, err := r.client.Do(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	took := time.Since(start)
	status := 0
	if err == nil {
		status = res.StatusCode
		if status != want {
			err = fmt.Errorf("%s %s: status %d, want %d: %.200s", method, path, status, want, data)
		} else if out != nil {
			if jerr := json.Unmarshal(data, out); jerr != nil {
				err = fmt.Errorf("%s %s: %w", method, path, jerr)
			}
		}
	} else {
		err = fmt.Errorf("%s %s: %w", method, path, err)
	}
	if rep != nil {
		rep.request(route, took, err)
	}
	return status, err
}

// Report is what a run measured.
type Report struct {
	mu       sync.Mutex
	routes   map[string]*routeStats
	journeys map[string]*journeyStats
	missed   atomic.Int64
	elapsed  time.Duration
}

type routeStats struct {
	latencies []time.Duration
	errors    int
	sample    string // the first error
}

type journeyStats struct{ done, failed int }

func newReport() *Report {
	return &Report{routes: map[string]*routeStats{}, journeys: map[string]*journeyStats{}}
}

func (rep *Report) request(route string, took time.Duration, err error) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	s := rep.routes[route]
	if s == nil {
		s = &routeStats{}
		rep.routes[route] = s
	}
	s.latencies = append(s.latencies, took)
	if err != nil {
		s.errors++
		if s.sample == "" {
			s.sample = err.Error()
		}
	}
}

func (rep *Report) journeyDone(name string, err error) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	s := rep.journeys[name]
	if s == nil {
		s = &journeyStats{}
		rep.journeys[name] = s
	}
	s.done++
	if err != nil {
		s.failed++
	}
}

// Requests is how many requests the run sent.
func (rep *Report) Requests() int {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	n := 0
	for _, s := range rep.routes {
		n += len(s.latencies)
	}
	return n
}

// Errors is how many requests failed: a transport error, an unexpected
// status or an undecodable answer.
func (rep *Report) Errors() int {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	n := 0
	for _, s := range rep.routes {
		n += s.errors
	}
	return n
}

// Journeys is how many journeys ran to their end or to their first error.
func (rep *Report) Journeys() int {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	n := 0
	for _, s := range rep.journeys {
		n += s.done
	}
	return n
}

// Missed is how many journeys an open-loop run could not start because
// every worker was busy.
func (rep *Report) Missed() int64 { return rep.missed.Load() }

// RequestsPerSecond is the run's throughput.
func (rep *Report) RequestsPerSecond() float64 {
	return float64(rep.Requests()) / rep.elapsed.Seconds()
}

// JourneysPerSecond is the rate at which journeys completed.
func (rep *Report) JourneysPerSecond() float64 {
	return float64(rep.Journeys()) / rep.elapsed.Seconds()
}

// Write prints the report: one row per route with its requests,
// throughput, latency percentiles and errors, a total, the journeys, and
// the first error of every route that had one.
func (rep *Report) Write(w io.Writer) {
	rep.mu.Lock()
	defer rep.mu.Unlock()
	secs := rep.elapsed.Seconds()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "route\trequests\treq/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\terrors\t")
	var all []time.Duration
	errs := 0
	for _, name := range sortedKeys(rep.routes) {
		s := rep.routes[name]
		all = append(all, s.latencies...)
		errs += s.errors
		writeRow(tw, name, s.latencies, secs, s.errors)
	}
	writeRow(tw, "all", all, secs, errs)
	tw.Flush()
	fmt.Fprintf(w, "%.1f s;", secs)
	for _, name := range sortedKeys(rep.journeys) {
		s := rep.journeys[name]
		fmt.Fprintf(w, " %s %d journeys (%d failed);", name, s.done, s.failed)
	}
	fmt.Fprintf(w, " %d starts missed (every worker busy)\n", rep.missed.Load())
	for _, name := range sortedKeys(rep.routes) {
		if s := rep.routes[name]; s.sample != "" {
			fmt.Fprintf(w, "first error of %s: %s\n", name, s.sample)
		}
	}
}

func writeRow(tw io.Writer, name string, ds []time.Duration, secs float64, errs int) {
	s := slices.Clone(ds)
	slices.Sort(s)
	fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t\n", name, len(s), float64(len(s))/secs,
		ms(Percentile(s, 50)), ms(Percentile(s, 90)), ms(Percentile(s, 99)), ms(Percentile(s, 100)), errs)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Percentile returns the p-th percentile (nearest rank) of sorted, or 0
// when it is empty.
func Percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (p*len(sorted)+99)/100 - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
