package gateway

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/aws/aws-lambda-go/events"

	"example.com/quartet/packages/apigwevent"
)

// The identifiers API Gateway puts in every request context. Locally there
// is no AWS account and no API id, so they are fixed placeholders.
const (
	accountID = "000000000000"
	apiID     = "local"
)

var errTooLarge = fmt.Errorf("request body over %d bytes", MaxBodyBytes)

// newEvent converts req into the event API Gateway sends to a Lambda proxy
// integration with payload format 2.0 for the route with key routeKey and
// path parameters named params. It reads the body, and returns errTooLarge
// if it exceeds MaxBodyBytes. claims is nil on public routes.
func newEvent(w http.ResponseWriter, req *http.Request, routeKey, requestID string, params []string, claims map[string]string, scopes []string) (events.APIGatewayV2HTTPRequest, error) {
	var values map[string]string
	for _, name := range params {
		if values == nil {
			values = make(map[string]string, len(params))
		}
		values[name] = req.PathValue(name)
	}
	req.Body = http.MaxBytesReader(w, req.Body, MaxBodyBytes)
	event, err := apigwevent.Request(req, routeKey, values, apigwevent.RequestContext{
		RequestID: requestID,
		AccountID: accountID,
		APIID:     apiID,
		Claims:    claims,
		Scopes:    scopes,
	})
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		return events.APIGatewayV2HTTPRequest{}, errTooLarge
	}
	return event, err
}

// writeResponse writes a Lambda proxy response the way API Gateway does and
// returns the status it wrote. A response API Gateway would reject (invalid
// status, undecodable body) becomes a 500, and the error says why.
func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) (int, error) {
	if err := apigwevent.WriteResponse(w, resp); err != nil {
		return writeMessage(w, http.StatusInternalServerError, "Internal Server Error"), err
	}
	return resp.StatusCode, nil
}
