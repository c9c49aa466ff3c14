package orders

import (
	"fmt"
	"slices"
	"time"

	"example.com/quartet/packages/validation"
)

// Line is one product in a cart or an order, with the name and unit price
// the catalog gave when it was last priced.
type Line struct {
	ProductID string
	Name      string
	UnitPrice Money
	Quantity  int
}

// Subtotal is the line's price: unit price times quantity.
func (l Line) Subtotal() Money {
	return Money{Amount: l.UnitPrice.Amount * int64(l.Quantity), Currency: l.UnitPrice.Currency}
}

// Cart is a customer's cart. Each customer has exactly one; a customer who
// never added anything has an empty cart at version 0.
type Cart struct {
	CustomerID string
	Lines      []Line // in the order products were first added
	Version    int    // 0 for a cart never stored, incremented by every change
	UpdatedAt  time.Time
}

// EmptyCart returns the empty cart a customer has before adding anything.
func EmptyCart(customerID string) Cart {
	return Cart{CustomerID: customerID}
}

// Expired reports whether nobody changed c for CartLifetime, so that it
// counts as abandoned and empty.
func (c Cart) Expired(now time.Time) bool {
	return c.Version > 0 && now.Sub(c.UpdatedAt) > CartLifetime
}

// Total is the sum of the lines' subtotals, and false for an empty cart,
// which has no currency.
func (c Cart) Total() (Money, bool) {
	return total(c.Lines)
}

func total(lines []Line) (Money, bool) {
	if len(lines) == 0 {
		return Money{}, false
	}
	t := Money{Currency: lines[0].UnitPrice.Currency}
	for _, l := range lines {
		t.Amount += l.Subtotal().Amount
	}
	return t, true
}

// SetItem puts quantity of product p in the cart, replacing the quantity
// of a product already there and refreshing its name and price.
func (c *Cart) SetItem(p Product, quantity int, now time.Time) error {
	if quantity < 1 || quantity > MaxQuantity {
		return validation.Field("quantity", fmt.Sprintf("must be between 1 and %d", MaxQuantity))
	}
	if !p.Active {
		return fmt.Errorf("%w: %s", ErrProductUnavailable, p.ID)
	}
	line := Line{ProductID: p.ID, Name: p.Name, UnitPrice: p.Price, Quantity: quantity}
	for _, l := range c.Lines {
		if l.ProductID != p.ID && l.UnitPrice.Currency != p.Price.Currency {
			return ErrCurrencyMismatch
		}
	}
	if i := c.index(p.ID); i >= 0 {
		c.Lines[i] = line
	} else {
		if len(c.Lines) >= MaxCartLines {
			return ErrCartFull
		}
		c.Lines = append(c.Lines, line)
	}
	c.touch(now)
	return nil
}

// RemoveItem takes a product out of the cart. Removing a product that is
// not in it changes nothing and is not an error.
func (c *Cart) RemoveItem(productID string, now time.Time) {
	if i := c.index(productID); i >= 0 {
		c.Lines = slices.Delete(c.Lines, i, i+1)
		c.touch(now)
	}
}

func (c *Cart) index(productID string) int {
	return slices.IndexFunc(c.Lines, func(l Line) bool { return l.ProductID == productID })
}

func (c *Cart) touch(now time.Time) {
	c.Version++
	c.UpdatedAt = now
}
