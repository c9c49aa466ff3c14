package mysql_test

import (
	"context"
	"testing"

	"example.com/quartet/services/catalog/internal/mysql"
)

// A token travels as a cleartext password: Open refuses to send one
// without TLS.
func TestOpenWithPasswordNeedsTLSAndCleartext(t *testing.T) {
	token := func(context.Context, string, int, string) (string, error) { return "token", nil }
	for _, dsn := range []string{
		"catalog@tcp(proxy:3306)/catalog",
		"catalog@tcp(proxy:3306)/catalog?tls=true",
		"catalog@tcp(proxy:3306)/catalog?allowCleartextPasswords=true",
	} {
		if db, err := mysql.Open(dsn, token); err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) with a token password: no error", dsn)
		}
	}
	db, err := mysql.Open("catalog@tcp(proxy:3306)/catalog?tls=true&allowCleartextPasswords=true", token)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	_ = db.Close()
}
