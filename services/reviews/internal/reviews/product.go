package reviews

import (
	"errors"
	"slices"
)

// ErrProductNotFound means reviews knows no product with the id: catalog
// never announced it, or announced it a moment ago and the event has not
// arrived yet.
var ErrProductNotFound = errors.New("no product has this id")

// ProductArchived is the status catalog gives a product it no longer sells.
// Reviews of it are still listed, and may still be written: its buyers
// keep their say (see the README).
const ProductArchived = "archived"

// Product is reviews' copy of what it needs about one of catalog's
// products (the product projection), kept from catalog's Product* events.
type Product struct {
	ID      string
	Name    string
	Status  string // "active", "archived", … as catalog says
	Version int    // catalog's version of the product; a higher one replaces
}

// OrderEvent is what an OrderConfirmed or OrderCancelled tells reviews:
// that a customer's order of some products was confirmed, or cancelled.
type OrderEvent struct {
	EventID    string // the event's id, recorded with its effect
	OrderID    string
	CustomerID string
	ProductIDs []string // the products of the order's lines
	Cancelled  bool     // OrderCancelled; else OrderConfirmed
}

func (o OrderEvent) validate() error {
	switch {
	case o.EventID == "" || o.OrderID == "" || o.CustomerID == "":
		return errors.New("want an order id and a customer id")
	case len(o.ProductIDs) == 0:
		return errors.New("want at least one line")
	case slices.ContainsFunc(o.ProductIDs, func(id string) bool { return !ValidID(id) }):
		return errors.New("want a product id on every line")
	}
	return nil
}

// Purchases is what reviews knows of one customer's orders of one product:
// the ids of the orders confirmed and of those cancelled. Both are sets,
// so duplicates and the order events arrive in change nothing.
type Purchases struct {
	Confirmed []string
	Cancelled []string
}

// Verified reports whether some confirmed order was not cancelled: a review
// by this customer of this product is then a verified purchase.
func (p Purchases) Verified() bool {
	for _, id := range p.Confirmed {
		if !slices.Contains(p.Cancelled, id) {
			return true
		}
	}
	return false
}
