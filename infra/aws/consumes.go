package quartet

import (
	"example.com/quartet/services/catalog"
	"example.com/quartet/services/orders"
	"example.com/quartet/services/reviews"
)

// ConsumedTypes returns the event types each consumer consumes (by
// context), from which the stack builds the consumers' rules: what each
// context lists in services/<ctx>/events/consumes.json and exports as
// Consumes.
func ConsumedTypes() map[string][]string {
	return map[string][]string{
		RoleCatalog: catalog.Consumes,
		RoleOrders:  orders.Consumes,
		RoleReviews: reviews.Consumes,
	}
}
