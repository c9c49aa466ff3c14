package quartet

// ConsumedTypes returns the event types each consumer consumes (by
// context), from which the stack builds the consumers' rules: what each
// context lists in services/<ctx>/events/consumes.json.
func ConsumedTypes() map[string][]string {
	// Until the contexts export Consumes (services/<ctx>/<ctx>.go), the
	// lists of docs/events.md; a test compares them with consumes.json.
	return map[string][]string{
		RoleCatalog: {"OrderPlaced", "OrderCancelled", "ReviewSubmitted", "ReviewRevised", "ReviewWithdrawn"},
		RoleOrders:  {"ProductCreated", "ProductChanged", "ProductArchived", "StockReserved", "StockRejected"},
		RoleReviews: {"ProductCreated", "ProductChanged", "ProductArchived", "OrderConfirmed", "OrderCancelled"},
	}
}
