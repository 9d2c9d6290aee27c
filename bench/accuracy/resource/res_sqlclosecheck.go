// Cases from sqlclosecheck's README and its users' reports, rewritten: rows and statements
// must be closed (pool exhaustion otherwise), whichever library made them.
package sqlclose

import (
	"context"
	"database/sql"
	"log"

	"github.com/jackc/pgx/v4/pgxpool"
	"github.com/jmoiron/sqlx"
)

func missingClose(db *sql.DB) {
	rows, err := db.Query("SELECT username FROM users") // leak
	if err != nil {
		log.Fatal(err)
	}
	_ = rows
}

func deferClose(db *sql.DB) {
	rows, err := db.Query("SELECT username FROM users")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
}

func deferLiteralClose(db *sql.DB) {
	rows, err := db.QueryContext(context.Background(), "SELECT username FROM users")
	if err != nil {
		log.Fatal(err)
	}
	defer func() { _ = rows.Close() }()
}

func missingStmtClose(db *sql.DB) {
	stmt, err := db.PrepareContext(context.Background(), "SELECT username FROM users WHERE id = ?") // leak
	if err != nil {
		log.Fatal(err)
	}
	_, _ = stmt.Exec(1)
}

func stmtClosed(db *sql.DB) {
	stmt, err := db.Prepare("SELECT username FROM users WHERE id = ?")
	if err != nil {
		log.Fatal(err)
	}
	defer stmt.Close()
	_, _ = stmt.Exec(1)
}

func sqlxQueryx(db *sqlx.DB) {
	rows, err := db.Queryx("SELECT * FROM users") // leak
	if err != nil {
		log.Print(err)
		return
	}
	_ = rows
}

func sqlxQueryxClosed() {
	db, err := sqlx.Open("pgx", "postgres://localhost/db")
	if err != nil {
		log.Print(err)
		return
	}
	defer db.Close()
	rows, err := db.Queryx("SELECT * FROM users")
	if err != nil {
		log.Print(err)
		return
	}
	defer rows.Close()
}

func sqlxPreparex(db *sqlx.DB) {
	stmt, err := db.Preparex("SELECT * FROM users WHERE id = ?") // leak
	if err != nil {
		log.Print(err)
		return
	}
	_ = stmt
}

func closer(c interface{ Close() error }) {
	if err := c.Close(); err != nil {
		log.Printf("close: %v", err)
	}
}

// Closed through a helper of the file.
func closedByHelper(db *sqlx.DB) {
	stmt, err := db.Preparex("SELECT * FROM users WHERE id = ?")
	if err != nil {
		log.Print(err)
		return
	}
	defer closer(stmt)
}

func namedQuery(db *sqlx.DB) {
	rows, err := db.NamedQuery("SELECT * FROM users WHERE name = :name", map[string]interface{}{"name": "x"}) // leak
	if err != nil {
		log.Print(err)
		return
	}
	_ = rows
}

var pool *pgxpool.Pool

// pgx rows close themselves when Next returns false, but only when the loop runs to the end.
func pgxNeverIterated() {
	rows, err := pool.Query(context.Background(), "SELECT username FROM users") // leak
	if err != nil {
		log.Fatal(err)
	}
	_ = rows
}

// Rows assigned in one of two branches: still never closed.
func conditional(db *sql.DB, admin bool) {
	var rows *sql.Rows
	var err error
	if admin {
		rows, err = db.Query("SELECT * FROM admins") // leak
	} else {
		rows, err = db.Query("SELECT * FROM users") // leak
	}
	if err != nil {
		log.Fatal(err)
	}
	_ = rows
}

// A statement kept for the life of the program.
var lookup *sql.Stmt

func prepareOnce(db *sql.DB) error {
	var err error
	lookup, err = db.Prepare("SELECT name FROM users WHERE id = ?")
	return err
}

// Statements prepared in a transaction close with it.
func inTransaction(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.Prepare("INSERT INTO users(name) VALUES(?)")
	if err != nil {
		return err
	}
	if _, err := stmt.Exec("x"); err != nil {
		return err
	}
	return tx.Commit()
}

// QueryRow's Row closes itself in Scan.
func queryRow(db *sql.DB) (string, error) {
	var name string
	err := db.QueryRow("SELECT name FROM users WHERE id = 1").Scan(&name)
	return name, err
}

// The rows are the caller's.
func forCaller(db *sql.DB) (*sql.Rows, error) {
	return db.Query("SELECT name FROM users")
}

// Rows from a prepared statement's Query need their own Close.
func statementRows(db *sql.DB) error {
	stmt, err := db.Prepare("SELECT name FROM users WHERE id = ?")
	if err != nil {
		return err
	}
	defer stmt.Close()
	rows, err := stmt.Query(1) // leak
	if err != nil {
		return err
	}
	_ = rows
	return nil
}
