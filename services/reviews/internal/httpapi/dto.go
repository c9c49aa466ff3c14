package httpapi

import (
	"strconv"
	"time"

	"example.com/quartet/services/reviews/internal/reviews"
)

// The JSON documents of the API, as openapi.yaml describes them. Domain
// types carry no JSON tags; these do, and the functions below convert.

type authorResponse struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type reviewResponse struct {
	ID               string         `json:"id"`
	ProductID        string         `json:"productId"`
	Author           authorResponse `json:"author"`
	Rating           int            `json:"rating"`
	Title            string         `json:"title"`
	Body             string         `json:"body"`
	VerifiedPurchase bool           `json:"verifiedPurchase"`
	HelpfulCount     int            `json:"helpfulCount"`
	Version          int            `json:"version"`
	CreatedAt        string         `json:"createdAt"`
	UpdatedAt        string         `json:"updatedAt"`
}

type reviewPageResponse struct {
	Items      []reviewResponse `json:"items"`
	NextCursor string           `json:"nextCursor,omitempty"`
}

type ratingResponse struct {
	ProductID string         `json:"productId"`
	Count     int            `json:"count"`
	Average   float64        `json:"average"`
	Histogram map[string]int `json:"histogram"` // "1".."5" -> number of reviews
}

type createReviewRequest struct {
	Rating *int    `json:"rating"`
	Title  *string `json:"title"`
	Body   *string `json:"body"`
}

// updateReviewRequest is a merge patch: nil members are left unchanged.
type updateReviewRequest struct {
	Rating *int    `json:"rating"`
	Title  *string `json:"title"`
	Body   *string `json:"body"`
}

func (r updateReviewRequest) empty() bool { return r.Rating == nil && r.Title == nil && r.Body == nil }

func (r updateReviewRequest) toPatch() reviews.Patch {
	return reviews.Patch{Rating: r.Rating, Title: r.Title, Body: r.Body}
}

func toReviewResponse(r reviews.Review) reviewResponse {
	return reviewResponse{
		ID: r.ID, ProductID: r.ProductID,
		Author: authorResponse{ID: r.Author.Subject, Name: r.Author.Name},
		Rating: r.Rating, Title: r.Title, Body: r.Body,
		VerifiedPurchase: r.VerifiedPurchase, HelpfulCount: r.HelpfulCount, Version: r.Version,
		CreatedAt: r.CreatedAt.UTC().Format(time.RFC3339Nano),
		UpdatedAt: r.UpdatedAt.UTC().Format(time.RFC3339Nano),
	}
}

func toReviewPageResponse(sort reviews.Sort, p reviews.Page) reviewPageResponse {
	out := reviewPageResponse{Items: make([]reviewResponse, len(p.Reviews))}
	for i, r := range p.Reviews {
		out.Items[i] = toReviewResponse(r)
	}
	if p.Next != nil {
		out.NextCursor = encodeCursor(sort, *p.Next)
	}
	return out
}

func toRatingResponse(s reviews.Summary) ratingResponse {
	h := make(map[string]int, len(s.Histogram))
	for i, n := range s.Histogram {
		h[strconv.Itoa(i+1)] = n
	}
	return ratingResponse{ProductID: s.ProductID, Count: s.Count(), Average: s.Average(), Histogram: h}
}
