// A server whose router caps every request body in a middleware of the same file.
package server

import (
	"io"
	"net/http"
)

const maxBody = 1 << 20

func withLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// Silent: behind withLimit.
func put(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
		return
	}
	w.Write(b)
}

// The proxy's upstream response is not capped by the request middleware.
func proxy(w http.ResponseWriter, r *http.Request) {
	out, err := http.NewRequestWithContext(r.Context(), r.Method, "http://backend"+r.URL.Path, r.Body)
	if err != nil {
		return
	}
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		return
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body) // leak: fixedEndpoints
	w.Write(b)
}
