// Package catalog is the catalog context's domain: products, their prices and
// stock, and the categories they belong to. It declares the Store it needs;
// adapters in sibling packages implement it for PostgreSQL, MySQL and memory.
package catalog

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/quartet/packages/validation"
)

// Errors returned by the catalog. Adapters translate driver errors into them.
var (
	ErrNotFound          = errors.New("product not found")
	ErrDuplicateSKU      = errors.New("a product with this SKU already exists")
	ErrUnknownCategory   = errors.New("unknown category")
	ErrVersionMismatch   = errors.New("the product was changed since it was read")
	ErrInsufficientStock = errors.New("not enough stock")
	ErrArchived          = errors.New("the product is archived")
	ErrInvalid           = validation.ErrInvalid
)

// Limits enforced by NewProduct and Patch.Apply.
const (
	MaxNameLen        = 200
	MaxDescriptionLen = 5000
	MaxStock          = 1_000_000
	MaxPriceAmount    = 100_000_000_00 // 100 million in a currency with two decimals
)

// Status says whether a product is sold.
type Status string

const (
	StatusActive   Status = "active"
	StatusArchived Status = "archived"
)

// Money is an amount in the minor unit of an ISO 4217 currency (cents for USD).
type Money struct {
	Amount   int64
	Currency string
}

// Product is an item the store sells.
type Product struct {
	ID          string
	SKU         string
	Name        string
	Description string
	Price       Money
	Category    string // a Category slug
	Stock       int
	Status      Status
	Version     int // starts at 1, incremented by every change
	CreatedAt   time.Time
	UpdatedAt   time.Time
	// Rating is what the product's reviews add up to, from reviews'
	// events (see Service.HandleEvent). Stores fill it on reads and
	// ignore it on writes: it changes only by RecordRating.
	Rating Rating
}

// Rating is the sum of a product's reviews: how many there are and the
// total of their ratings (1 to 5 each).
type Rating struct {
	Count int
	Total int
}

// Average returns the mean rating rounded to 2 decimals, or 0 when the
// product has no review. Deltas arrive in any order, so the sums may for a
// moment be ones that no set of reviews gives (a revision counted before
// its review): the count is then shown as at least 0 and the average kept
// between 1 and 5.
func (r Rating) Average() float64 {
	if r.Count <= 0 {
		return 0
	}
	avg := math.Round(float64(r.Total)*100/float64(r.Count)) / 100
	return min(max(avg, MinRating), MaxRating)
}

// Reviews returns the number of reviews to show: Count, or 0 while a
// withdrawal is counted before its review.
func (r Rating) Reviews() int { return max(r.Count, 0) }

// Bounds of one review's rating.
const (
	MinRating = 1
	MaxRating = 5
)

// NewProduct holds what a client supplies to create a product.
type NewProduct struct {
	SKU         string
	Name        string
	Description string
	Price       Money
	Category    string
	Stock       int
}

// FieldError names one invalid field and why.
type FieldError = validation.FieldError

// ValidationError lists every invalid field. It matches ErrInvalid.
type ValidationError = validation.Error

// Create validates n and returns an active product at version 1.
func (n NewProduct) Create(id string, now time.Time) (Product, error) {
	p := Product{
		ID: id, SKU: strings.TrimSpace(n.SKU), Name: strings.TrimSpace(n.Name),
		Description: strings.TrimSpace(n.Description), Price: n.Price,
		Category: n.Category, Stock: n.Stock, Status: StatusActive, Version: 1,
		CreatedAt: now, UpdatedAt: now,
	}
	if err := p.validate(); err != nil {
		return Product{}, err
	}
	return p, nil
}

// Patch holds the fields a client changes; nil fields stay as they are.
type Patch struct {
	Name        *string
	Description *string
	Price       *Money
	Category    *string
	Stock       *int
}

// Apply changes p, validates the result and bumps the version.
// It returns ErrArchived for an archived product.
func (pt Patch) Apply(p *Product, now time.Time) error {
	if p.Status == StatusArchived {
		return ErrArchived
	}
	next := *p
	if pt.Name != nil {
		next.Name = strings.TrimSpace(*pt.Name)
	}
	if pt.Description != nil {
		next.Description = strings.TrimSpace(*pt.Description)
	}
	if pt.Price != nil {
		next.Price = *pt.Price
	}
	if pt.Category != nil {
		next.Category = *pt.Category
	}
	if pt.Stock != nil {
		next.Stock = *pt.Stock
	}
	if err := next.validate(); err != nil {
		return err
	}
	next.touch(now)
	*p = next
	return nil
}

// Archive stops selling p. Archiving an archived product changes nothing
// and reports false.
func (p *Product) Archive(now time.Time) bool {
	if p.Status == StatusArchived {
		return false
	}
	p.Status = StatusArchived
	p.touch(now)
	return true
}

// AdjustStock adds delta (negative to take stock out). It returns
// ErrInsufficientStock when the stock would fall below zero.
func (p *Product) AdjustStock(delta int, now time.Time) error {
	next := p.Stock + delta
	switch {
	case next < 0:
		return ErrInsufficientStock
	case next > MaxStock:
		return validation.Field("delta", fmt.Sprintf("would bring stock above %d", MaxStock))
	}
	p.Stock = next
	p.touch(now)
	return nil
}

func (p *Product) touch(now time.Time) {
	p.Version++
	p.UpdatedAt = now
}

var (
	skuPattern      = regexp.MustCompile(`^[A-Z0-9][A-Z0-9-]{0,63}$`)
	currencyPattern = regexp.MustCompile(`^[A-Z]{3}$`)
)

func (p *Product) validate() error {
	var errs validation.Errors
	check := errs.Check
	check(skuPattern.MatchString(p.SKU), "sku", "must be 1 to 64 upper-case letters, digits or dashes, starting with a letter or digit")
	check(p.Name != "" && utf8.RuneCountInString(p.Name) <= MaxNameLen && ValidText(p.Name), "name", fmt.Sprintf("must be 1 to %d characters of text", MaxNameLen))
	check(utf8.RuneCountInString(p.Description) <= MaxDescriptionLen && ValidText(p.Description), "description", fmt.Sprintf("must be at most %d characters of text", MaxDescriptionLen))
	check(p.Price.Amount >= 0 && p.Price.Amount <= MaxPriceAmount, "price.amount", fmt.Sprintf("must be between 0 and %d minor units", int64(MaxPriceAmount)))
	check(currencyPattern.MatchString(p.Price.Currency), "price.currency", "must be an ISO 4217 code such as USD")
	check(ValidSlug(p.Category), "category", "must be a category slug")
	check(p.Stock >= 0 && p.Stock <= MaxStock, "stock", fmt.Sprintf("must be between 0 and %d", MaxStock))
	return errs.Err()
}

// ValidText reports whether s is text every store can hold: valid UTF-8
// without NUL characters, which PostgreSQL refuses in text values.
func ValidText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }
