package dynamolocal

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// pidFile is the file in Options.DBPath that names the server running on
// that directory.
const pidFile = "dynamodb-local.pid"

// StopStale stops a DynamoDB Local that an earlier process left running on
// dbPath, and reports whether there was one. The server runs in a process
// group of its own, so it outlives a parent killed before it could call
// Stop (a second Ctrl-C, a crash); the next start would find its port
// taken. It is asked to stop (SIGTERM; every acknowledged write is already
// on disk) and waited for until ctx ends.
func StopStale(ctx context.Context, dbPath string) (bool, error) {
	pid, ok := stalePID(ctx, filepath.Join(dbPath, pidFile))
	if !ok {
		return false, nil
	}
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return false, nil
		}
		return false, fmt.Errorf("dynamolocal: stop DynamoDB Local %d left running on %s: %w", pid, dbPath, err)
	}
	for alive(pid) {
		select {
		case <-ctx.Done():
			return false, fmt.Errorf("dynamolocal: DynamoDB Local %d left running on %s does not stop: %w", pid, dbPath, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	return true, nil
}

// stalePID returns the process named in the pid file when it is alive and
// is a DynamoDB Local (the pid may have been reused since).
func stalePID(ctx context.Context, path string) (int, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(b)))
	if err != nil || pid <= 0 || !alive(pid) {
		return 0, false
	}
	cmd, err := exec.CommandContext(ctx, "ps", "-o", "command=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		return 0, false
	}
	return pid, bytes.Contains(cmd, []byte("DynamoDBLocal.jar"))
}

func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
