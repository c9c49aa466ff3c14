package embeddedpg

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// unprivilegedUser runs postgres when this process is root.
const unprivilegedUser = "nobody"

// account is the user that postgres runs as when this process is root.
type account struct {
	name     string
	uid, gid int
	setpriv  string // path of setpriv(1)
}

// nobody looks up unprivilegedUser and the setpriv program.
func nobody() (account, error) {
	u, err := user.Lookup(unprivilegedUser)
	if err != nil {
		return account{}, fmt.Errorf("embeddedpg: PostgreSQL refuses to run as root and there is no user to run it as: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return account{}, fmt.Errorf("embeddedpg: user %s: uid %q: %w", u.Username, u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return account{}, fmt.Errorf("embeddedpg: user %s: gid %q: %w", u.Username, u.Gid, err)
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		return account{}, fmt.Errorf("embeddedpg: running as root needs setpriv (package util-linux) to run PostgreSQL as %s: %w", u.Username, err)
	}
	return account{name: u.Username, uid: uid, gid: gid, setpriv: setpriv}, nil
}

// shim runs one PostgreSQL program as another user. embedded-postgres writes
// the password file for initdb as root with mode 0600, so the shim hands
// that file to the user before dropping privileges.
const shim = `#!/bin/sh
# Written by embeddedpg: PostgreSQL refuses to run as root, so run it as %[1]s.
for arg do
	case $arg in --pwfile=*) chown %[2]d:%[3]d "${arg#--pwfile=}" || exit ;; esac
done
exec %[4]s --reuid=%[2]d --regid=%[3]d --clear-groups %[5]s "$@"
`

// binaries returns a binaries directory for embedded-postgres whose
// bin/initdb and bin/pg_ctl run the programs of src as a. The programs run
// from a copy of src under os.TempDir() that a can read, made once per
// version and build, and renamed into place so that concurrent test
// binaries share it safely. (pg_ctl and initdb find postgres, lib and share
// beside their own executable, so no other shim is needed.)
func (a account) binaries(ctx context.Context, src, version string) (string, error) {
	fi, err := os.Stat(filepath.Join(src, "bin", "postgres"))
	if err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}
	key := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d|%d|%d", src, fi.Size(), fi.ModTime().UnixNano(), a.uid, a.gid))
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("embeddedpg-%s-%x", version, key[:6]))
	shims := filepath.Join(dir, "shim")

	if err := checkPrivate(dir); !errors.Is(err, fs.ErrNotExist) {
		return shims, err // the copy exists (err == nil), or is not to be trusted
	}
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}

	tmp, err := os.MkdirTemp(os.TempDir(), "embeddedpg-copy-")
	if err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op once renamed
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}
	native := filepath.Join(tmp, "native")
	if err := os.CopyFS(native, os.DirFS(src)); err != nil {
		return "", fmt.Errorf("embeddedpg: copy binaries for user %s: %w", a.name, err)
	}
	if err := os.MkdirAll(filepath.Join(tmp, "shim", "bin"), 0o755); err != nil {
		return "", fmt.Errorf("embeddedpg: %w", err)
	}
	for _, prog := range []string{"initdb", "pg_ctl"} {
		target := filepath.Join(dir, "native", "bin", prog) // its path once renamed
		script := fmt.Sprintf(shim, a.name, a.uid, a.gid, shellQuote(a.setpriv), shellQuote(target))
		if err := os.WriteFile(filepath.Join(tmp, "shim", "bin", prog), []byte(script), 0o755); err != nil {
			return "", fmt.Errorf("embeddedpg: %w", err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		// Another process may have won the race: use its copy if it is sound.
		if checkPrivate(dir) != nil {
			return "", fmt.Errorf("embeddedpg: %w", err)
		}
	}
	return shims, nil
}

// checkPrivate returns nil if dir is a directory that only this process's
// user can write to, so that its shims, run as root, can be trusted.
func checkPrivate(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() || fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("embeddedpg: refusing to use %s: not a directory owned by uid %d and writable only by it", dir, os.Geteuid())
	}
	return nil
}

// claim hands dir, a persistent data directory, to a. It fails when a
// cannot reach dir because a parent directory is not searchable by a.
func (a account) claim(dir string) error {
	for p := filepath.Dir(dir); ; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("embeddedpg: %w", err)
		}
		if !a.canSearch(fi) {
			return fmt.Errorf("embeddedpg: DataPath %s is out of reach: running as root, PostgreSQL runs as %s (uid %d), "+
				"who cannot enter %s (mode %v, owner uid %d); choose a DataPath that user can reach, or run as a non-root user",
				dir, a.name, a.uid, p, fi.Mode().Perm(), fi.Sys().(*syscall.Stat_t).Uid)
		}
		if filepath.Dir(p) == p {
			break
		}
	}
	if err := os.Chown(dir, a.uid, a.gid); err != nil {
		return fmt.Errorf("embeddedpg: hand data directory to %s: %w", a.name, err)
	}
	return nil
}

// canSearch reports whether a may enter the directory described by fi,
// judging by its owner, group and mode (ACLs are not considered).
func (a account) canSearch(fi fs.FileInfo) bool {
	st := fi.Sys().(*syscall.Stat_t)
	perm := fi.Mode().Perm()
	switch {
	case int(st.Uid) == a.uid:
		return perm&0o100 != 0
	case int(st.Gid) == a.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}

// shellQuote quotes s as one word for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
