// Command deadletters lists and redrives the dead letters of the running
// `make dev`'s event bus: the events a consumer failed on at every attempt
// (`make dead-letters`, `make redrive STAGE=local`).
//
//	go -C infra/local run ./cmd/deadletters list [-json]
//	go -C infra/local run ./cmd/deadletters redrive [-consumer catalog] [-event <event id>]
//
// list prints each dead letter (its consumer, event, attempts and last
// error) and how many events wait in each consumer's queue. redrive sends
// the dead letters (all, or those of one consumer or one event) back to
// their consumers' queues with their attempts reset, and prints how many.
//
// It talks to make dev's gateway (GET /_local/dead-letters, POST
// /_local/dead-letters/redrive): the one make dev recorded in the data
// directory (.data/gateway.url), else http://$QUARTET_ADDR, else
// http://127.0.0.1:8080; -gateway overrides.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"example.com/quartet/infra/local/internal/bus"
	"example.com/quartet/infra/local/internal/workspace"
)

// gatewayURLFile is where `make dev` records its URL in the data directory
// (cmd/dev's GatewayURLFile).
const gatewayURLFile = "gateway.url"

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "deadletters:", err)
		os.Exit(1)
	}
}

const usage = `usage: deadletters list [-json] [flags]
       deadletters redrive [-consumer NAME] [-event ID] [flags]`

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "list" && args[0] != "redrive") {
		fmt.Fprintln(stderr, usage)
		return errors.New("want a subcommand: list or redrive")
	}
	cmd := args[0]
	flags := flag.NewFlagSet("deadletters "+cmd, flag.ContinueOnError)
	flags.SetOutput(stderr)
	gatewayURL := flags.String("gateway", "", "the gateway's URL (default: the one make dev recorded in -data, else http://$QUARTET_ADDR, else http://127.0.0.1:8080)")
	data := flags.String("data", ".data", "make dev's data directory, relative to the repository root")
	asJSON := false
	var consumer, eventID string
	if cmd == "list" {
		flags.BoolVar(&asJSON, "json", false, "print the dead letters as JSON, whole events included")
	} else {
		flags.StringVar(&consumer, "consumer", "", "redrive only this consumer's dead letters (catalog, orders, reviews)")
		flags.StringVar(&eventID, "event", "", "redrive only the dead letters of this event id")
	}
	if err := flags.Parse(args[1:]); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	base := strings.TrimSuffix(*gatewayURL, "/")
	if base == "" {
		var err error
		if base, err = findGateway(*data, getenv); err != nil {
			return err
		}
	}

	if cmd == "redrive" {
		q := url.Values{}
		if consumer != "" {
			q.Set("consumer", consumer)
		}
		if eventID != "" {
			q.Set("eventId", eventID)
		}
		path := bus.RedrivePath
		if len(q) > 0 {
			path += "?" + q.Encode()
		}
		var doc bus.RedrivenDoc
		if err := call(ctx, http.MethodPost, base, path, &doc); err != nil {
			return err
		}
		_, err := fmt.Fprintf(stdout, "redrove %d dead letter(s) to their queues\n", doc.Redriven)
		return err
	}

	var doc bus.DeadLettersDoc
	if err := call(ctx, http.MethodGet, base, bus.DeadLettersPath, &doc); err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	return printList(stdout, doc)
}

// printList prints the dead letters as a table, then the queues.
func printList(w io.Writer, doc bus.DeadLettersDoc) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	if len(doc.Items) == 0 {
		fmt.Fprintln(tw, "No dead letters.")
	} else {
		fmt.Fprintf(tw, "%d dead letter(s):\n", len(doc.Items))
		fmt.Fprintln(tw, "CONSUMER\tEVENT\tID\tSUBJECT\tCORRELATION ID\tATTEMPTS\tDEAD SINCE\tLAST ERROR")
		for _, d := range doc.Items {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", d.Consumer, d.Event.Type, d.Event.ID, d.Event.Subject,
				d.Event.CorrelationID, d.Attempts, d.Dead.Local().Format(time.DateTime), oneLine(d.LastError))
		}
		fmt.Fprintln(tw, "Replay them after the fix: make redrive STAGE=local (or: go -C infra/local run ./cmd/deadletters redrive)")
	}
	names := make([]string, 0, len(doc.Queued))
	for name := range doc.Queued {
		names = append(names, name)
	}
	slices.Sort(names)
	var queues []string
	for _, name := range names {
		queues = append(queues, fmt.Sprintf("%s %d", name, doc.Queued[name]))
	}
	if len(queues) > 0 {
		fmt.Fprintf(tw, "Queued (waiting or being retried): %s\n", strings.Join(queues, ", "))
	}
	return tw.Flush()
}

// oneLine keeps an error message on one line of the table, at most 200
// characters.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// call sends a request to the gateway's local endpoint and decodes its
// JSON answer into v.
func call(ctx context.Context, method, base, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("nothing listens at %s: start the system with `make dev` first", base)
	}
	if err != nil {
		return fmt.Errorf("%s %s (is `make dev` running?): %w", method, base+path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusServiceUnavailable:
		return fmt.Errorf("%s is starting or stopping: try again in a few seconds", base)
	case http.StatusNotFound:
		return fmt.Errorf("%s has no %s: is it a make dev with the local bus?", base, path)
	default:
		return fmt.Errorf("%s %s: %s: %.300s", method, base+path, resp.Status, strings.TrimSpace(string(b)))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s %s: unexpected answer %.200s", method, base+path, b)
	}
	return nil
}

// findGateway returns the URL make dev recorded in the data directory, or
// else the default address.
func findGateway(data string, getenv func(string) string) (string, error) {
	dir, err := workspace.Path(data)
	if err != nil {
		return "", err
	}
	if b, err := os.ReadFile(filepath.Join(dir, gatewayURLFile)); err == nil {
		return strings.TrimSpace(string(b)), nil
	}
	if addr := getenv("QUARTET_ADDR"); addr != "" {
		return "http://" + addr, nil
	}
	return "http://127.0.0.1:8080", nil
}
