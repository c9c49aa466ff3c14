package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"example.com/quartet/packages/etag"
	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/catalog/internal/catalog"
)

// publicCache lets browsers and CloudFront keep public reads briefly: long
// enough to absorb a burst of traffic, short enough that a change to price
// or stock shows within a minute.
const publicCache = "public, max-age=60"

func (a *api) listProducts(w http.ResponseWriter, r *http.Request) error {
	q, err := pageQuery(r.URL.Query())
	if err != nil {
		return err
	}
	page, err := a.svc.Products(r.Context(), q)
	if ve, ok := errors.AsType[*catalog.ValidationError](err); ok {
		return problem.InvalidParams(ve) // its objections are all about query parameters
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", publicCache)
	httpjson.Write(w, http.StatusOK, toProductPageResponse(page))
	return nil
}

func (a *api) getProduct(w http.ResponseWriter, r *http.Request) error {
	p, err := a.svc.Product(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", publicCache)
	writeProduct(w, http.StatusOK, p)
	return nil
}

func (a *api) createProduct(w http.ResponseWriter, r *http.Request, _ identity.Caller) error {
	var req createProductRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	p, err := a.svc.CreateProduct(r.Context(), req.toNewProduct())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/products/"+p.ID)
	writeProduct(w, http.StatusCreated, p)
	return nil
}

func (a *api) updateProduct(w http.ResponseWriter, r *http.Request, _ identity.Caller) error {
	cond, err := etag.Require(r.Header, "product")
	if err != nil {
		return err
	}
	var req updateProductRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	if req.empty() {
		return problem.Invalid("the patch must change at least one member")
	}
	p, err := a.svc.UpdateProduct(r.Context(), r.PathValue("id"), cond.Match, req.toPatch())
	if err != nil {
		return err
	}
	writeProduct(w, http.StatusOK, p)
	return nil
}

func (a *api) archiveProduct(w http.ResponseWriter, r *http.Request, _ identity.Caller) error {
	cond, err := etag.IfMatch(r.Header, "product")
	if err != nil {
		return err
	}
	p, err := a.svc.ArchiveProduct(r.Context(), r.PathValue("id"), cond.Match)
	if err != nil {
		return err
	}
	writeProduct(w, http.StatusOK, p)
	return nil
}

func (a *api) adjustStock(w http.ResponseWriter, r *http.Request, _ identity.Caller) error {
	var req stockAdjustmentRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	switch {
	case req.Delta == nil:
		return problem.Invalid("the adjustment needs a delta",
			problem.FieldError{Pointer: "/delta", Detail: "is required"})
	case *req.Delta < -catalog.MaxStock || *req.Delta > catalog.MaxStock:
		return problem.Invalid("the adjustment is too large",
			problem.FieldError{Pointer: "/delta", Detail: fmt.Sprintf("must be between %d and %d", -catalog.MaxStock, catalog.MaxStock)})
	}
	p, err := a.svc.AdjustStock(r.Context(), r.PathValue("id"), *req.Delta)
	if err != nil {
		return err
	}
	writeProduct(w, http.StatusOK, p)
	return nil
}

func (a *api) listCategories(w http.ResponseWriter, r *http.Request) error {
	cs, err := a.svc.Categories(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", publicCache)
	httpjson.Write(w, http.StatusOK, toCategoryListResponse(cs))
	return nil
}

// writeProduct sends one product with its version as ETag.
func writeProduct(w http.ResponseWriter, status int, p catalog.Product) {
	w.Header().Set("ETag", etag.Of(p.Version))
	httpjson.Write(w, status, toProductResponse(p))
}
