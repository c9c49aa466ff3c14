package bus

import (
	"encoding/json"
	"errors"
	"net/http"
)

// The admin endpoints of the local bus, served by make dev's gateway on its
// own port, outside /v1/ (cmd/deadletters talks to them).
const (
	// DeadLettersPath lists the dead letters (GET): a DeadLetters document.
	DeadLettersPath = "/_local/dead-letters"
	// RedrivePath redrives dead letters (POST, optional query parameters
	// consumer and eventId): a Redriven document.
	RedrivePath = "/_local/dead-letters/redrive"
)

// DeadLettersDoc is the answer of GET DeadLettersPath.
type DeadLettersDoc struct {
	Items []DeadLetter `json:"items"`
	// Queued is how many events wait in each consumer's queue.
	Queued map[string]int `json:"queued"`
}

// RedrivenDoc is the answer of POST RedrivePath.
type RedrivenDoc struct {
	Redriven int `json:"redriven"`
}

// Admin returns the handler of the bus's admin endpoints, DeadLettersPath
// and RedrivePath. They are for the developer at the machine: make dev
// serves them on the loopback address only, like the rest of the gateway.
func (b *Bus) Admin() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+DeadLettersPath, func(w http.ResponseWriter, r *http.Request) {
		items, err := b.DeadLetters()
		if err != nil {
			adminError(w, err)
			return
		}
		queued, err := b.Queued()
		if err != nil {
			adminError(w, err)
			return
		}
		if items == nil {
			items = []DeadLetter{}
		}
		writeJSON(w, http.StatusOK, DeadLettersDoc{Items: items, Queued: queued})
	})
	mux.HandleFunc("POST "+RedrivePath, func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		n, err := b.Redrive(Filter{Consumer: q.Get("consumer"), EventID: q.Get("eventId")})
		if err != nil {
			adminError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, RedrivenDoc{Redriven: n})
	})
	return mux
}

func adminError(w http.ResponseWriter, err error) {
	status := http.StatusInternalServerError
	if errors.Is(err, ErrClosed) {
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "1")
	}
	writeJSON(w, status, map[string]string{"message": err.Error()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
