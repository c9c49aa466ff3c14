package httpapi

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"example.com/quartet/packages/etag"
	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/reviews/internal/reviews"
)

// anonymousName is shown for an author whose token carries no name claim.
const anonymousName = "Customer"

func (a *api) listReviews(w http.ResponseWriter, r *http.Request) error {
	q, err := pageQuery(r.PathValue("id"), r.URL.Query())
	if err != nil {
		return err
	}
	page, err := a.svc.Reviews(r.Context(), q)
	if err != nil {
		return err
	}
	httpjson.Write(w, http.StatusOK, toReviewPageResponse(q.Sort, page))
	return nil
}

func (a *api) getRating(w http.ResponseWriter, r *http.Request) error {
	s, err := a.svc.Summary(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	httpjson.Write(w, http.StatusOK, toRatingResponse(s))
	return nil
}

func (a *api) getReview(w http.ResponseWriter, r *http.Request) error {
	rv, err := a.svc.Review(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeReview(w, http.StatusOK, rv)
	return nil
}

func (a *api) createReview(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	productID := r.PathValue("id")
	if !reviews.ValidID(productID) {
		return problem.New(http.StatusNotFound, "no product has this id")
	}
	var req createReviewRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	var missing []problem.FieldError
	if req.Rating == nil {
		missing = append(missing, problem.FieldError{Pointer: "/rating", Detail: "is required"})
	}
	if req.Title == nil {
		missing = append(missing, problem.FieldError{Pointer: "/title", Detail: "is required"})
	}
	if missing != nil {
		return problem.Invalid("the review lacks required members", missing...)
	}
	n := reviews.NewReview{
		ProductID: productID,
		Author:    reviews.Author{Subject: caller.Subject, Name: displayName(caller)},
		Rating:    *req.Rating,
		Title:     *req.Title,
	}
	if req.Body != nil {
		n.Body = *req.Body
	}
	rv, err := a.svc.CreateReview(r.Context(), n)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/reviews/"+rv.ID)
	writeReview(w, http.StatusCreated, rv)
	return nil
}

func (a *api) updateReview(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	cond, err := etag.Require(r.Header, "review")
	if err != nil {
		return err
	}
	var req updateReviewRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	if req.empty() {
		return problem.Invalid("the patch must change at least one member")
	}
	rv, err := a.svc.UpdateReview(r.Context(), caller.Subject, r.PathValue("id"), cond.Match, req.toPatch())
	if err != nil {
		return err
	}
	writeReview(w, http.StatusOK, rv)
	return nil
}

func (a *api) deleteReview(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	admin := caller.HasRole(identity.RoleAdmin)
	cond, err := etag.IfMatch(r.Header, "review")
	if err != nil {
		return err
	}
	if err := a.svc.DeleteReview(r.Context(), caller.Subject, admin, r.PathValue("id"), cond.Match); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) voteHelpful(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	rv, err := a.svc.VoteHelpful(r.Context(), caller.Subject, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeReview(w, http.StatusOK, rv)
	return nil
}

// writeReview sends one review with its version as ETag.
func writeReview(w http.ResponseWriter, status int, rv reviews.Review) {
	w.Header().Set("ETag", etag.Of(rv.Version))
	httpjson.Write(w, status, toReviewResponse(rv))
}

// displayName is the name shown beside the caller's reviews: the token's
// "name" claim, shortened to what a review holds, or a neutral default.
func displayName(c identity.Caller) string {
	name := strings.TrimSpace(c.Claims["name"])
	if name == "" {
		return anonymousName
	}
	if utf8.RuneCountInString(name) > reviews.MaxAuthorNameLen {
		name = string([]rune(name)[:reviews.MaxAuthorNameLen])
	}
	return name
}
