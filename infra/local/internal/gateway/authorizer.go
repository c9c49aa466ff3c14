package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

var errNoToken = errors.New("no bearer token")

// authorize does what an API Gateway JWT authorizer does for a secured route:
// it takes the token from the Authorization header (the "Bearer " prefix is
// optional, as in AWS), verifies it, and returns the claims and scopes that
// go into the authorizer block of the request context. The claims are never
// nil.
func (g *gateway) authorize(req *http.Request) (map[string]string, []string, error) {
	token := strings.TrimSpace(req.Header.Get("Authorization"))
	if scheme, rest, _ := strings.Cut(token, " "); strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(rest)
	}
	if token == "" {
		return nil, nil, errNoToken
	}
	claims, err := g.verifier.Verify(req.Context(), token)
	if err != nil {
		return nil, nil, err
	}
	return flattenClaims(claims), scopes(claims), nil
}

// unauthorized writes API Gateway's 401, with an RFC 6750 challenge.
func unauthorized(w http.ResponseWriter, err error) int {
	challenge := "Bearer"
	if !errors.Is(err, errNoToken) {
		challenge = `Bearer error="invalid_token"`
	}
	w.Header().Set("WWW-Authenticate", challenge)
	return writeMessage(w, http.StatusUnauthorized, "Unauthorized")
}

// flattenClaims converts claims to strings the way API Gateway HTTP APIs do:
// strings as they are, numbers in decimal, booleans as "true" or "false",
// arrays as "[a b]". Objects, which AWS does not document, become JSON.
func flattenClaims(claims map[string]any) map[string]string {
	flat := make(map[string]string, len(claims))
	for name, value := range claims {
		flat[name] = claimString(value)
	}
	return flat
}

func claimString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case []string:
		return "[" + strings.Join(v, " ") + "]"
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = claimString(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Sprint(v)
		}
		return string(b)
	default:
		return fmt.Sprint(v)
	}
}

// scopes returns the scopes of a token, from its space-separated "scope"
// claim or its "scp" array, the two claims API Gateway reads.
func scopes(claims map[string]any) []string {
	if s, ok := claims["scope"].(string); ok {
		return strings.Fields(s)
	}
	var out []string
	switch scp := claims["scp"].(type) {
	case []string:
		out = scp
	case []any:
		for _, s := range scp {
			if s, ok := s.(string); ok {
				out = append(out, s)
			}
		}
	}
	return out
}
