package httpapi

import (
	"time"

	"example.com/quartet/packages/page"
	"example.com/quartet/services/catalog/internal/catalog"
)

// The JSON documents of the API, as openapi.yaml describes them. Domain
// types carry no JSON tags; these do, and the functions below convert.

type money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

type productResponse struct {
	ID          string `json:"id"`
	SKU         string `json:"sku"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Price       money  `json:"price"`
	Category    string `json:"category"`
	Stock       int    `json:"stock"`
	Status      string `json:"status"`
	Version     int    `json:"version"`
	CreatedAt   string `json:"createdAt"`
	UpdatedAt   string `json:"updatedAt"`
	Rating      rating `json:"rating"`
}

type rating struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

type productPageResponse struct {
	Items      []productResponse `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

type categoryResponse struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
}

type categoryListResponse struct {
	Items []categoryResponse `json:"items"`
}

type createProductRequest struct {
	SKU         string `json:"sku"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Price       money  `json:"price"`
	Category    string `json:"category"`
	Stock       int    `json:"stock"`
}

// updateProductRequest is a merge patch: nil members are left unchanged.
type updateProductRequest struct {
	Name        *string `json:"name"`
	Description *string `json:"description"`
	Price       *money  `json:"price"`
	Category    *string `json:"category"`
	Stock       *int    `json:"stock"`
}

type stockAdjustmentRequest struct {
	Delta *int `json:"delta"` // a pointer, so that a missing delta is an error, not 0
}

func toProductResponse(p catalog.Product) productResponse {
	return productResponse{
		ID:          p.ID,
		SKU:         p.SKU,
		Name:        p.Name,
		Description: p.Description,
		Price:       money(p.Price),
		Category:    p.Category,
		Stock:       p.Stock,
		Status:      string(p.Status),
		Version:     p.Version,
		CreatedAt:   p.CreatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedAt:   p.UpdatedAt.UTC().Format(time.RFC3339Nano),
		Rating:      rating{Count: p.Rating.Reviews(), Average: p.Rating.Average()},
	}
}

func toProductPageResponse(pg catalog.Page) productPageResponse {
	items := make([]productResponse, len(pg.Products))
	for i, p := range pg.Products {
		items[i] = toProductResponse(p)
	}
	res := productPageResponse{Items: items}
	if pg.Next != "" {
		res.NextCursor = page.Cursor([]byte(pg.Next))
	}
	return res
}

func toCategoryListResponse(cs []catalog.Category) categoryListResponse {
	items := make([]categoryResponse, len(cs))
	for i, c := range cs {
		items[i] = categoryResponse{Slug: c.Slug, Name: c.Name}
	}
	return categoryListResponse{Items: items}
}

func (req createProductRequest) toNewProduct() catalog.NewProduct {
	return catalog.NewProduct{
		SKU:         req.SKU,
		Name:        req.Name,
		Description: req.Description,
		Price:       catalog.Money(req.Price),
		Category:    req.Category,
		Stock:       req.Stock,
	}
}

func (req updateProductRequest) toPatch() catalog.Patch {
	pt := catalog.Patch{Name: req.Name, Description: req.Description, Category: req.Category, Stock: req.Stock}
	if req.Price != nil {
		price := catalog.Money(*req.Price)
		pt.Price = &price
	}
	return pt
}

func (req updateProductRequest) empty() bool {
	return req.Name == nil && req.Description == nil && req.Price == nil && req.Category == nil && req.Stock == nil
}
