package catalog

import "regexp"

// Category groups products on the storefront.
type Category struct {
	Slug string // stable identifier used in URLs, e.g. "kitchen"
	Name string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// ValidSlug reports whether s can name a category: lower-case words of
// letters and digits joined by single dashes, at most 64 characters.
func ValidSlug(s string) bool { return len(s) <= 64 && slugPattern.MatchString(s) }
