// Cases from sqlrows' README, rewritten: a return from the Next loop leaves the rows (and
// their connection) open, and a Close deferred before the error check runs on nil rows.
package sqlrows

import (
	"context"
	"database/sql"
)

type User struct{ Name string }

func returnInLoop(ctx context.Context, db *sql.DB) ([]User, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM users") // leak
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		var u User
		err = rows.Scan(&u.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

func closeBeforeCheck(ctx context.Context, db *sql.DB) ([]User, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM users")
	defer rows.Close() // leak
	if err != nil {
		return nil, err
	}
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

func deferredAfterCheck(ctx context.Context, db *sql.DB) ([]User, error) {
	rows, err := db.QueryContext(ctx, "SELECT * FROM users")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.Name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// A loop that runs to the end closes the rows.
func fullLoop(ctx context.Context, db *sql.DB) int {
	rows, err := db.QueryContext(ctx, "SELECT * FROM users")
	if err != nil {
		return 0
	}
	n := 0
	for rows.Next() {
		n++
	}
	return n
}

func breakOut(ctx context.Context, db *sql.DB, want string) bool {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users") // leak
	if err != nil {
		return false
	}
	found := false
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil && n == want {
			found = true
			break
		}
	}
	return found
}

func closedAfterLoop(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT name FROM users")
	if err != nil {
		return nil, err
	}
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, n)
	}
	rows.Close()
	return out, rows.Err()
}
