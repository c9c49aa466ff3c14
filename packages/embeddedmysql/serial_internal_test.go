package embeddedmysql

import "testing"

func TestClassify(t *testing.T) {
	for _, tt := range []struct {
		query string
		want  stmtKind
	}{
		{"START TRANSACTION", stmtBegin},
		{"start  transaction read only", stmtBegin},
		{"BEGIN", stmtBegin},
		{"/* tx */ begin;", stmtBegin},
		{"COMMIT", stmtEnd},
		{"rollback", stmtEnd},
		{"ROLLBACK TO SAVEPOINT a", stmtRead},
		{"SELECT 1", stmtRead},
		{"  -- comment\nSELECT 1", stmtRead},
		{"SHOW TABLES", stmtRead},
		{"SET NAMES utf8mb4", stmtRead},
		{"INSERT INTO t VALUES (1)", stmtWrite},
		{"update t set v = 1", stmtWrite},
		{"(SELECT 1)", stmtWrite}, // unknown forms count as writes: a snapshot too many, never one too few
		{"CREATE TABLE t (id INT)", stmtWrite},
	} {
		if got := classify(tt.query); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.query, got, tt.want)
		}
	}
}
