// Package pscale is a small client of PlanetScale's public REST API
// (https://api.planetscale.com/v1), covering what a stage needs: branches,
// passwords and deploy requests of one database.
//
// It is written from PlanetScale's documented request and response shapes
// because the official Go client, github.com/planetscale/planetscale-go, is
// not available from this project's module proxy. Only the fields the
// project uses are decoded.
//
// Authentication is a service token: the header
// "Authorization: <service token id>:<service token>". The token needs the
// database permissions create_branch, delete_branch, connect_branch
// (passwords) and create_deploy_request.
package pscale

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-sql-driver/mysql"
)

// DefaultBaseURL is PlanetScale's API.
const DefaultBaseURL = "https://api.planetscale.com/v1"

// ErrNotFound is returned for a branch (or database) that does not exist.
var ErrNotFound = errors.New("pscale: not found")

// Error is an error answer of the API: its status and the code and message
// of its body.
type Error struct {
	Status  int
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("pscale: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is makes a 404 match ErrNotFound.
func (e *Error) Is(target error) bool {
	return target == ErrNotFound && e.Status == http.StatusNotFound
}

// Client calls the API for one database of one organization.
type Client struct {
	BaseURL      string // DefaultBaseURL when empty
	Organization string
	Database     string
	TokenID      string
	Token        string       // a secret: never logged
	HTTP         *http.Client // http.DefaultClient when nil; set a Timeout
}

// Branch is a database branch.
type Branch struct {
	Name         string    `json:"name"`
	ParentBranch string    `json:"parent_branch"`
	Production   bool      `json:"production"`
	Ready        bool      `json:"ready"` // the branch accepts connections
	CreatedAt    time.Time `json:"created_at"`
}

// Password is a credential for one branch. PlainText is returned only when
// the password is created.
type Password struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	Role          string     `json:"role"`
	Username      string     `json:"username"`
	PlainText     string     `json:"plain_text"`
	AccessHostURL string     `json:"access_host_url"` // the host to connect to, e.g. aws.connect.psdb.cloud
	TTL           int        `json:"ttl"`             // seconds; 0 means it never expires
	ExpiresAt     *time.Time `json:"expires_at"`
}

// DSN returns the go-sql-driver DSN that connects with p to database over
// verified TLS, as PlanetScale requires.
func (p Password) DSN(database string) string {
	cfg := mysql.NewConfig()
	cfg.User, cfg.Passwd = p.Username, p.PlainText
	cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(p.AccessHostURL, "3306")
	cfg.DBName = database
	cfg.TLSConfig = "true"
	return cfg.FormatDSN()
}

// PasswordRequest describes a password to create.
type PasswordRequest struct {
	Name string `json:"name"`
	// Role is reader, writer, readwriter or admin (which may change the
	// schema).
	Role string `json:"role"`
	// TTL is how long the password is valid, in seconds; 0 for ever.
	TTL int `json:"ttl,omitempty"`
}

// DeployRequest is a request to deploy a branch's schema into another.
type DeployRequest struct {
	ID         string `json:"id"`
	Number     int    `json:"number"`
	State      string `json:"state"`
	Branch     string `json:"branch"`
	IntoBranch string `json:"into_branch"`
	HTMLURL    string `json:"html_url"`
}

func (c *Client) branchesURL(parts ...string) string {
	base := c.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u := base + "/organizations/" + url.PathEscape(c.Organization) + "/databases/" + url.PathEscape(c.Database)
	for _, p := range parts {
		u += "/" + url.PathEscape(p)
	}
	return u
}

// Branch returns the named branch, or an error matching ErrNotFound.
func (c *Client) Branch(ctx context.Context, name string) (Branch, error) {
	var b Branch
	err := c.do(ctx, http.MethodGet, c.branchesURL("branches", name), nil, &b)
	return b, err
}

// CreateBranch creates a branch from parent. The new branch is not ready
// at once: poll Branch until Ready.
func (c *Client) CreateBranch(ctx context.Context, name, parent string) (Branch, error) {
	body := map[string]string{"name": name, "parent_branch": parent}
	var b Branch
	err := c.do(ctx, http.MethodPost, c.branchesURL("branches"), body, &b)
	return b, err
}

// DeleteBranch deletes the named branch and its data.
func (c *Client) DeleteBranch(ctx context.Context, name string) error {
	return c.do(ctx, http.MethodDelete, c.branchesURL("branches", name), nil, nil)
}

// CreatePassword creates a password for branch.
func (c *Client) CreatePassword(ctx context.Context, branch string, req PasswordRequest) (Password, error) {
	var p Password
	err := c.do(ctx, http.MethodPost, c.branchesURL("branches", branch, "passwords"), req, &p)
	return p, err
}

// CreateDeployRequest opens a request to deploy branch's schema into
// intoBranch.
func (c *Client) CreateDeployRequest(ctx context.Context, branch, intoBranch, notes string) (DeployRequest, error) {
	body := map[string]string{"branch": branch, "into_branch": intoBranch, "notes": notes}
	var d DeployRequest
	err := c.do(ctx, http.MethodPost, c.branchesURL("deploy-requests"), body, &d)
	return d, err
}

// do sends a request with a JSON body (when body is not nil) and decodes a
// 2xx answer into out (when not nil); other answers become an *Error.
func (c *Client) do(ctx context.Context, method, u string, body, out any) error {
	var reader io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, reader)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.TokenID+":"+c.Token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := c.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("pscale: %s %s: %w", method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("pscale: %s %s: %w", method, req.URL.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		apiErr := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, apiErr) != nil || apiErr.Message == "" {
			apiErr.Code, apiErr.Message = strconv.Itoa(resp.StatusCode), http.StatusText(resp.StatusCode)
		}
		return apiErr
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("pscale: %s %s: decode answer: %w", method, req.URL.Path, err)
	}
	return nil
}
