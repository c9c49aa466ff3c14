// Package workspace locates the root of the Quartet repository, where the
// local system keeps its data (.data) and finds the web app (web/dist).
package workspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Root returns the nearest directory at or above dir that holds a go.work
// file: the repository root.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.work")); err == nil {
			return d, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.work in %s or any parent directory", dir)
		}
		d = parent
	}
}

// Path returns p as is if it is absolute, or else p resolved against the
// repository root above the working directory.
func Path(p string) (string, error) {
	if filepath.IsAbs(p) {
		return p, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root, err := Root(wd)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", p, err)
	}
	return filepath.Join(root, p), nil
}
