package httpapi

import (
	"net/http"
	"time"

	"example.com/quartet/packages/etag"
	"example.com/quartet/packages/httpjson"
	"example.com/quartet/packages/identity"
	"example.com/quartet/packages/problem"
	"example.com/quartet/services/accounts/internal/accounts"
)

// keysCache lets clients and the JWT authorizer keep the key documents for
// a while; a rotation publishes the new key as "previous"-safe first.
const keysCache = "public, max-age=300"

func (a *api) signUp(w http.ResponseWriter, r *http.Request) error {
	var req signUpRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	c, err := a.svc.SignUp(r.Context(), accounts.NewCustomer{Email: req.Email, DisplayName: req.DisplayName, Password: req.Password})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/me")
	writeCustomer(w, http.StatusCreated, c)
	return nil
}

func (a *api) signIn(w http.ResponseWriter, r *http.Request) error {
	var req signInRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	c, err := a.svc.SignIn(r.Context(), req.Email, req.Password)
	if err != nil {
		return err
	}
	issued, err := a.tokens.Issue(c.ID, roleNames(c.Roles))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpjson.Write(w, http.StatusOK, sessionResponse{
		AccessToken: issued.Token, TokenType: "Bearer", ExpiresIn: int(issued.ExpiresIn / time.Second),
	})
	return nil
}

func (a *api) getMe(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	c, err := a.svc.Customer(r.Context(), caller.Subject)
	if err != nil {
		return err
	}
	writeCustomer(w, http.StatusOK, c)
	return nil
}

func (a *api) updateMe(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	cond, err := etag.Require(r.Header, "account")
	if err != nil {
		return err
	}
	var req profilePatch
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	if req.empty() {
		return problem.Invalid("the patch must change at least one member")
	}
	c, err := a.svc.UpdateProfile(r.Context(), caller.Subject, cond.Match,
		accounts.Profile{Email: req.Email, DisplayName: req.DisplayName})
	if err != nil {
		return err
	}
	writeCustomer(w, http.StatusOK, c)
	return nil
}

func (a *api) listAddresses(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	list, err := a.svc.Addresses(r.Context(), caller.Subject)
	if err != nil {
		return err
	}
	resp := addressListResponse{Items: make([]addressResponse, len(list))}
	for i, addr := range list {
		resp.Items[i] = toAddressResponse(addr)
	}
	w.Header().Set("Cache-Control", "private, no-cache")
	httpjson.Write(w, http.StatusOK, resp)
	return nil
}

func (a *api) addAddress(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	var req addressRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	addr, err := a.svc.AddAddress(r.Context(), caller.Subject, req.toInput())
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/me/addresses/"+addr.ID)
	httpjson.Write(w, http.StatusCreated, toAddressResponse(addr))
	return nil
}

func (a *api) replaceAddress(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	var req addressRequest
	if err := httpjson.Decode(w, r, &req); err != nil {
		return err
	}
	addr, err := a.svc.ReplaceAddress(r.Context(), caller.Subject, r.PathValue("id"), req.toInput())
	if err != nil {
		return err
	}
	httpjson.Write(w, http.StatusOK, toAddressResponse(addr))
	return nil
}

func (a *api) deleteAddress(w http.ResponseWriter, r *http.Request, caller identity.Caller) error {
	if err := a.svc.DeleteAddress(r.Context(), caller.Subject, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *api) jwks(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Cache-Control", keysCache)
	httpjson.Write(w, http.StatusOK, a.tokens.Keys.JWKS())
	return nil
}

func (a *api) discovery(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Cache-Control", keysCache)
	httpjson.Write(w, http.StatusOK, a.tokens.Discovery())
	return nil
}

// writeCustomer sends c with its version as ETag. Account documents are
// private to their owner: shared caches must not keep them.
func writeCustomer(w http.ResponseWriter, status int, c accounts.Customer) {
	w.Header().Set("ETag", etag.Of(c.Version))
	w.Header().Set("Cache-Control", "private, no-cache")
	httpjson.Write(w, status, toCustomerResponse(c))
}
