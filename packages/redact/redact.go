// Package redact keeps secrets out of logs and banners. Connection strings
// are the secrets Quartet prints: each is shown with its password masked
// by the one function for its form. URL does it for URLs (postgres://,
// mongodb://, http://); packages/mysqlx.Redacted for go-sql-driver DSNs.
package redact

import "net/url"

// URL returns raw with the password of its user information masked, as
// url.URL.Redacted does, and "(unparsable URL)" when raw is not a URL (a
// url.Error would quote it, password included).
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}
