// Package reviews is the reviews context's domain: customers' reviews of
// products, the helpful votes other customers give them, and each product's
// rating summary. It declares the Store it needs; adapters in sibling
// packages implement it for MongoDB and memory.
package reviews

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/quartet/packages/validation"
)

// Errors returned by the reviews domain. Adapters translate driver errors
// into them.
var (
	ErrNotFound        = errors.New("review not found")
	ErrDuplicateReview = errors.New("this customer has already reviewed this product")
	ErrDuplicateVote   = errors.New("this customer has already voted this review helpful")
	ErrOwnReview       = errors.New("customers cannot vote their own review helpful")
	ErrNotAuthor       = errors.New("only the review's author may do this")
	ErrVersionMismatch = errors.New("the review was changed since it was read")
	// ErrConflict means other writers kept changing the review until the
	// store ran out of attempts (packages/optimistic); the same request
	// may succeed if sent again.
	ErrConflict = errors.New("the review is being changed by others; try again")
	ErrInvalid  = validation.ErrInvalid
)

// Limits enforced by NewReview.Create and Patch.Apply, in characters.
const (
	MinRating        = 1
	MaxRating        = 5
	MaxTitleLen      = 120
	MaxBodyLen       = 5000
	MaxAuthorNameLen = 100
)

// Author is the customer who wrote a review.
type Author struct {
	Subject string // the account id, the token's "sub"
	Name    string // the name shown beside the review
}

// Review is one customer's review of one product.
type Review struct {
	ID               string
	ProductID        string
	Author           Author
	Rating           int // MinRating..MaxRating
	Title            string
	Body             string
	VerifiedPurchase bool // its author has a confirmed, uncancelled order of the product; set by the store
	HelpfulCount     int  // helpful votes received; not an edit, so it leaves Version alone
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Version          int // starts at 1, incremented by every edit of its author
}

// NewReview holds what is needed to create a review. Whether it is a
// verified purchase is for the store to find out.
type NewReview struct {
	ProductID string
	Author    Author
	Rating    int
	Title     string
	Body      string
}

// FieldError names one invalid field and why.
type FieldError = validation.FieldError

// ValidationError lists every invalid field. It matches ErrInvalid.
type ValidationError = validation.Error

// Create validates n and returns a review at version 1 with no votes.
func (n NewReview) Create(id string, now time.Time) (Review, error) {
	r := Review{
		ID: id, ProductID: n.ProductID,
		Author:    Author{Subject: n.Author.Subject, Name: strings.TrimSpace(n.Author.Name)},
		Rating:    n.Rating,
		Title:     strings.TrimSpace(n.Title),
		Body:      strings.TrimSpace(n.Body),
		CreatedAt: now, UpdatedAt: now, Version: 1,
	}
	if err := r.validate(); err != nil {
		return Review{}, err
	}
	return r, nil
}

// Patch holds the fields an author changes; nil fields stay as they are.
type Patch struct {
	Rating *int
	Title  *string
	Body   *string
}

// Apply changes r, validates the result and bumps the version.
func (p Patch) Apply(r *Review, now time.Time) error {
	next := *r
	if p.Rating != nil {
		next.Rating = *p.Rating
	}
	if p.Title != nil {
		next.Title = strings.TrimSpace(*p.Title)
	}
	if p.Body != nil {
		next.Body = strings.TrimSpace(*p.Body)
	}
	if err := next.validate(); err != nil {
		return err
	}
	next.Version++
	next.UpdatedAt = now
	*r = next
	return nil
}

func (r *Review) validate() error {
	var errs validation.Errors
	check := errs.Check
	check(ValidRating(r.Rating), "rating", fmt.Sprintf("must be an integer from %d to %d", MinRating, MaxRating))
	check(r.Title != "" && utf8.RuneCountInString(r.Title) <= MaxTitleLen, "title", fmt.Sprintf("must be 1 to %d characters", MaxTitleLen))
	check(utf8.RuneCountInString(r.Body) <= MaxBodyLen, "body", fmt.Sprintf("must be at most %d characters", MaxBodyLen))
	check(r.Author.Subject != "", "author.subject", "is required")
	check(r.Author.Name != "" && utf8.RuneCountInString(r.Author.Name) <= MaxAuthorNameLen, "author.name", fmt.Sprintf("must be 1 to %d characters", MaxAuthorNameLen))
	return errs.Err()
}

// ValidRating reports whether n is a star rating.
func ValidRating(n int) bool { return n >= MinRating && n <= MaxRating }
