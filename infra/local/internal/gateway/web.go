package gateway

import (
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"
)

// Cache-Control of the web app's files. Vite names the files under assets/
// after their content, so a cached copy is never wrong; every other file
// (index.html, which names the current assets, the OpenAPI documents, the
// icon) is revalidated at every use, so a new build shows at once.
const (
	cacheImmutable   = "public, max-age=31536000, immutable"
	cacheRevalidated = "no-cache"
)

// webApp serves the single-page app built into dir: files as they are, and
// index.html for GET and HEAD requests of paths that match no file, so that
// the app's client-side routes survive a reload. That is what the CloudFront
// distribution does in AWS. Dot files are never served.
func webApp(dir string) http.Handler {
	fsys := os.DirFS(dir)
	files := http.FileServerFS(fsys)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			notFound(w, r)
			return
		}
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
		if name == "" {
			name = "."
		}
		if hidden(name) {
			notFound(w, r)
			return
		}
		if !exists(fsys, name) {
			w.Header().Set("Cache-Control", cacheRevalidated)
			http.ServeFileFS(w, r, fsys, "index.html")
			return
		}
		if strings.HasPrefix(name, "assets/") {
			w.Header().Set("Cache-Control", cacheImmutable)
		} else {
			w.Header().Set("Cache-Control", cacheRevalidated)
		}
		files.ServeHTTP(w, r)
	})
}

// exists reports whether name is a file, or a directory with an index.html
// (directories are never listed).
func exists(fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return false
	}
	if info.IsDir() {
		return exists(fsys, path.Join(name, "index.html"))
	}
	return true
}

// hidden reports whether a slash-separated path has a dot-file element, such
// as ".env" or ".git/config".
func hidden(name string) bool {
	for elem := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(elem, ".") && elem != "." {
			return true
		}
	}
	return false
}
