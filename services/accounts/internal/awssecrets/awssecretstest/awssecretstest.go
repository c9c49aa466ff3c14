// Package awssecretstest is an httptest stand-in for the AWS Secrets
// Manager API, built from its documented JSON protocol (awsJson1_1: POST /,
// Content-Type application/x-amz-json-1.1, the operation in X-Amz-Target,
// errors as status 400 with {"__type","message"}), for the operations the
// accounts context uses: GetSecretValue, CreateSecret, PutSecretValue and
// DeleteSecret. It records every request so tests can assert what the
// client sent. Nothing here contacts AWS.
package awssecretstest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"example.com/quartet/services/accounts/internal/awssecrets"
)

// Region is the region the stand-in's clients sign for; the stand-in
// refuses requests signed for another.
const Region = "eu-central-1"

const account = "123456789012"

// Request is one call the stand-in received.
type Request struct {
	// Target is the operation, X-Amz-Target without the "secretsmanager."
	// prefix: "GetSecretValue", "CreateSecret", …
	Target string
	// Body is the decoded JSON request.
	Body map[string]any
}

// Server is the stand-in. Its zero value is not usable; call New.
type Server struct {
	// URL is the endpoint to give the client (BaseEndpoint).
	URL string

	t        testing.TB
	mu       sync.Mutex
	secrets  map[string]*secret // by name
	requests []Request
	fail     string // when not "", every call answers this error type
	now      time.Time
}

type secret struct {
	name, arn, description string
	versions               []version // oldest first; the last is AWSCURRENT
	deletion               time.Time // non-zero: scheduled for deletion
}

type version struct {
	id     string
	str    *string
	binary []byte
}

// New starts a stand-in, stopped when the test ends.
func New(tb testing.TB) *Server {
	tb.Helper()
	s := &Server{t: tb, secrets: map[string]*secret{}, now: time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)}
	srv := httptest.NewServer(s)
	tb.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// Client returns a client of the stand-in, built as in production but
// with BaseEndpoint, dummy static credentials and Region.
func (s *Server) Client(tb testing.TB) *secretsmanager.Client {
	tb.Helper()
	c, err := awssecrets.NewClient(tb.Context(), awssecrets.ClientConfig{Endpoint: s.URL, Region: Region})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// PutString makes value the current SecretString of the secret name,
// creating it, and returns the secret's ARN.
func (s *Server) PutString(name, value string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put(name, version{str: &value}).arn
}

// PutBinary makes value the current SecretBinary of the secret name (with
// no SecretString), creating it, and returns the secret's ARN.
func (s *Server) PutBinary(name string, value []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put(name, version{binary: value}).arn
}

// Fail makes every further call answer the error errorType (such as
// "AccessDeniedException") with status 400; "" ends it.
func (s *Server) Fail(errorType string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = errorType
}

// Requests returns the calls received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Versions returns the SecretStrings of the secret name's versions, oldest
// first, the current one last, and whether the secret exists (scheduled for
// deletion or not).
func (s *Server) Versions(name string) ([]string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[name]
	if !ok {
		return nil, false
	}
	var vs []string
	for _, v := range sec.versions {
		if v.str != nil {
			vs = append(vs, *v.str)
		}
	}
	return vs, true
}

// ScheduledForDeletion reports whether the secret name exists and is
// scheduled for deletion.
func (s *Server) ScheduledForDeletion(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sec, ok := s.secrets[name]
	return ok && !sec.deletion.IsZero()
}

func (s *Server) put(name string, v version) *secret {
	sec, ok := s.secrets[name]
	if !ok {
		sec = &secret{name: name, arn: fmt.Sprintf("arn:aws:secretsmanager:%s:%s:secret:%s-AbC123", Region, account, name)}
		s.secrets[name] = sec
	}
	if v.id == "" {
		v.id = fmt.Sprintf("00000000-0000-4000-8000-%012d", len(sec.versions)+1)
	}
	sec.versions = append(sec.versions, v)
	return sec
}

// lookup finds a secret by name or ARN.
func (s *Server) lookup(id string) *secret {
	if sec, ok := s.secrets[id]; ok {
		return sec
	}
	for _, sec := range s.secrets {
		if sec.arn == id {
			return sec
		}
	}
	return nil
}

// apiError is an error of the awsJson1_1 protocol.
type apiError struct{ typ, message string }

var (
	errNotFound = apiError{"ResourceNotFoundException", "Secrets Manager can't find the specified secret."}
	errDeleted  = apiError{"InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion."}
)

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	answer := func(status int, v any) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-RequestId", "00000000-0000-4000-8000-000000000000")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	fail := func(e apiError) {
		answer(http.StatusBadRequest, map[string]string{"__type": e.typ, "message": e.message})
	}
	target, ok := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "secretsmanager.")
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/":
		answer(http.StatusNotFound, map[string]string{"message": "not found"})
		return
	case r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || !ok:
		fail(apiError{"UnknownOperationException", "want Content-Type application/x-amz-json-1.1 and X-Amz-Target secretsmanager.*"})
		return
	case !strings.Contains(r.Header.Get("Authorization"), "/"+Region+"/secretsmanager/aws4_request"):
		fail(apiError{"InvalidSignatureException", "want a SigV4 signature for secretsmanager in " + Region})
		return
	}
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		fail(apiError{"SerializationException", err.Error()})
		return
	}
	s.requests = append(s.requests, Request{Target: target, Body: body})
	if s.fail != "" {
		fail(apiError{s.fail, "injected by the test"})
		return
	}
	str := func(k string) string { v, _ := body[k].(string); return v }
	id := str("SecretId")
	created := float64(s.now.Unix())

	switch target {
	case "GetSecretValue":
		sec := s.lookup(id)
		switch {
		case sec == nil:
			fail(errNotFound)
		case !sec.deletion.IsZero():
			fail(errDeleted)
		default:
			v := sec.versions[len(sec.versions)-1]
			resp := map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": v.id,
				"VersionStages": []string{"AWSCURRENT"}, "CreatedDate": created}
			if v.str != nil {
				resp["SecretString"] = *v.str
			}
			if v.binary != nil {
				resp["SecretBinary"] = base64.StdEncoding.EncodeToString(v.binary)
			}
			answer(http.StatusOK, resp)
		}
	case "CreateSecret":
		name := str("Name")
		if _, exists := s.secrets[name]; exists {
			fail(apiError{"ResourceExistsException", "The operation failed because the secret " + name + " already exists."})
			return
		}
		value := str("SecretString")
		sec := s.put(name, version{id: str("ClientRequestToken"), str: &value})
		sec.description = str("Description")
		answer(http.StatusOK, map[string]any{"ARN": sec.arn, "Name": sec.name, "VersionId": sec.versions[0].id})
	case "PutSecretValue":
		sec := s.lookup(id)
		switch {
		case sec == nil:
			fail(errNotFound)
		case !sec.deletion.IsZero():
			fail(errDeleted)
		default:
			value := str("SecretString")
			s.put(sec.name, version{id: str("ClientRequestToken"), str: &value})
			answer(http.StatusOK, map[string]any{"ARN": sec.arn, "Name": sec.name,
				"VersionId": sec.versions[len(sec.versions)-1].id, "VersionStages": []string{"AWSCURRENT"}})
		}
	case "DeleteSecret":
		sec := s.lookup(id)
		force, _ := body["ForceDeleteWithoutRecovery"].(bool)
		days, hasDays := body["RecoveryWindowInDays"].(float64)
		switch {
		case sec == nil:
			fail(errNotFound)
		case force && hasDays:
			fail(apiError{"InvalidParameterException", "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays."})
		case hasDays && (days < 7 || days > 30):
			fail(apiError{"InvalidParameterException", "RecoveryWindowInDays must be between 7 and 30."})
		default:
			if !hasDays {
				days = 30
			}
			deletion := s.now.AddDate(0, 0, int(days))
			if force {
				deletion = s.now
				delete(s.secrets, sec.name)
			} else {
				sec.deletion = deletion
			}
			answer(http.StatusOK, map[string]any{"ARN": sec.arn, "Name": sec.name, "DeletionDate": float64(deletion.Unix())})
		}
	default:
		fail(apiError{"UnknownOperationException", "the stand-in does not implement " + target})
	}
}
