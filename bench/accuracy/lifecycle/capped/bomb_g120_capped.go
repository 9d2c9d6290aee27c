// G120's fix: the body capped with http.MaxBytesReader first.
package capped

import (
	"fmt"
	"net/http"
)

func upload(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 10<<20)
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		return
	}
	fmt.Fprintln(w, r.FormValue("name"))
}
