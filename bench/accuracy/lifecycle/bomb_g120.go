// gosec G120, rewritten from its description: parsing a request form (ParseMultipartForm,
// ParseForm, FormValue) in a handler with no http.MaxBytesReader on the body.
package lifecycle

import (
	"fmt"
	"net/http"
)

func uploadHandler(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(32 << 20); err != nil { // leak
		return
	}
	fmt.Fprintln(w, len(r.MultipartForm.File))
}

func formHandler(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil { // leak
		return
	}
	fmt.Fprintln(w, r.Form.Get("a"))
}

func valueHandler(w http.ResponseWriter, r *http.Request) {
	fmt.Fprintln(w, r.FormValue("q")) // leak
}
