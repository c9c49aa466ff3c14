// Package budget bounds the time one request may spend, store work
// included: Handler gives every request's context a deadline, which pgx,
// go-sql-driver/mysql, the AWS SDK and the Mongo driver all honour, even
// on a connection to a server that froze. A request that runs out of
// budget fails with context.DeadlineExceeded, which packages/problem
// answers as 503 with Retry-After.
//
// The budget is well under the function timeout and API Gateway's 30 s, so
// a client always gets that truthful 503 rather than a gateway timeout.
package budget

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Default is the budget of a request when the configuration sets none.
const Default = 2 * time.Second

// EnvName is the environment variable every context reads its budget
// from, as a Go duration such as "2s" or "1500ms".
const EnvName = "REQUEST_BUDGET"

// Handler serves next with a deadline d from the request's arrival on the
// request's context (an earlier deadline, such as the Lambda invocation's,
// still wins). d <= 0 means Default.
func Handler(d time.Duration, next http.Handler) http.Handler {
	if d <= 0 {
		d = Default
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// FromEnv reads the budget from EnvName: Default when it is not set, an
// error when it is not a positive duration.
func FromEnv(getenv func(string) string) (time.Duration, error) {
	v := getenv(EnvName)
	if v == "" {
		return Default, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s: want a positive duration such as 2s, got %q", EnvName, v)
	}
	return d, nil
}
