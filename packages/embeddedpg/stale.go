package embeddedpg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// StopStale stops a PostgreSQL that an earlier process left running on the
// persistent data directory dataPath, and reports whether there was one.
// pg_ctl starts the server in a session of its own, so it outlives a
// process killed before it could call Stop (a second Ctrl-C, a crash); the
// next start would then find its port taken. The server is asked for a fast
// shutdown (SIGINT: open transactions roll back, nothing is lost) and
// waited for until ctx ends.
func StopStale(ctx context.Context, dataPath string) (bool, error) {
	pidFiles, err := filepath.Glob(filepath.Join(dataPath, "pg*", "postmaster.pid"))
	if err != nil {
		return false, fmt.Errorf("embeddedpg: %w", err)
	}
	stopped := false
	for _, f := range pidFiles {
		pid, ok := postmaster(f)
		if !ok {
			continue // a stale file: the server is gone
		}
		if err := syscall.Kill(pid, syscall.SIGINT); err != nil {
			if errors.Is(err, syscall.ESRCH) {
				continue
			}
			return false, fmt.Errorf("embeddedpg: stop PostgreSQL %d left running on %s: %w", pid, filepath.Dir(f), err)
		}
		for alive(pid) {
			select {
			case <-ctx.Done():
				return false, fmt.Errorf("embeddedpg: PostgreSQL %d left running on %s does not stop: %w", pid, filepath.Dir(f), ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
		stopped = true
	}
	return stopped, nil
}

// postmaster returns the process id in a postmaster.pid file when that
// process is alive and is a postgres server.
func postmaster(pidFile string) (int, bool) {
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	pid, err := strconv.Atoi(string(bytes.TrimSpace(line)))
	if err != nil || pid <= 0 || !alive(pid) {
		return 0, false
	}
	// The pid may have been reused since: make sure it is a postgres.
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline"))
	if err != nil {
		return 0, false
	}
	exe, _, _ := bytes.Cut(cmdline, []byte{0})
	return pid, filepath.Base(string(exe)) == "postgres"
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
