package httpapi

import (
	"time"

	"example.com/quartet/services/accounts/internal/accounts"
)

// signUpRequest is the body of POST /v1/accounts.
type signUpRequest struct {
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Password    string `json:"password"`
}

// signInRequest is the body of POST /v1/sessions.
type signInRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// sessionResponse is an OAuth 2.0-style access token response (RFC 6749
// §5.1), in the API's camelCase.
type sessionResponse struct {
	AccessToken string `json:"accessToken"`
	TokenType   string `json:"tokenType"`
	ExpiresIn   int    `json:"expiresIn"` // seconds
}

// profilePatch is the body of PATCH /v1/me.
type profilePatch struct {
	Email       *string `json:"email"`
	DisplayName *string `json:"displayName"`
}

func (p profilePatch) empty() bool { return p.Email == nil && p.DisplayName == nil }

// customerResponse is an account as clients see it: never its password
// hash or throttle.
type customerResponse struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"displayName"`
	Roles       []string  `json:"roles"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"createdAt"`
	UpdatedAt   time.Time `json:"updatedAt"`
}

func toCustomerResponse(c accounts.Customer) customerResponse {
	return customerResponse{
		ID: c.ID, Email: c.Email, DisplayName: c.DisplayName, Roles: roleNames(c.Roles),
		Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func roleNames(roles []accounts.Role) []string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return names
}

// addressRequest is the body of POST /v1/me/addresses and PUT
// /v1/me/addresses/{id}.
type addressRequest struct {
	Name       string   `json:"name"`
	Lines      []string `json:"lines"`
	City       string   `json:"city"`
	PostalCode string   `json:"postalCode"`
	Country    string   `json:"country"`
}

func (r addressRequest) toInput() accounts.AddressInput {
	return accounts.AddressInput{Name: r.Name, Lines: r.Lines, City: r.City, PostalCode: r.PostalCode, Country: r.Country}
}

type addressResponse struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Lines      []string  `json:"lines"`
	City       string    `json:"city"`
	PostalCode string    `json:"postalCode"`
	Country    string    `json:"country"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func toAddressResponse(a accounts.Address) addressResponse {
	return addressResponse{
		ID: a.ID, Name: a.Name, Lines: a.Lines, City: a.City, PostalCode: a.PostalCode, Country: a.Country,
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

type addressListResponse struct {
	Items []addressResponse `json:"items"`
}
