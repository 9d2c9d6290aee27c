// go-critic deferInLoop, rewritten from its documentation ("Detects loops inside functions
// that use defer"; the fix moves the body into a func literal), and the IDE inspection's
// example of rows closed in an endless loop.
package lifecycle

import (
	"database/sql"
	"os"
)

func openAll() {
	for _, filename := range []string{"foo", "bar"} {
		f, err := os.Open(filename)
		if err != nil {
			continue
		}
		defer f.Close() // leak
	}
}

func queryForever(db *sql.DB) {
	for {
		rows, err := db.Query("SELECT 1")
		if err != nil {
			continue
		}
		defer rows.Close() // leak
	}
}

// The documented fix: each round in its own function.
func openAllFixed() {
	for _, filename := range []string{"foo", "bar"} {
		func() {
			f, err := os.Open(filename)
			if err != nil {
				return
			}
			defer f.Close()
		}()
	}
}
