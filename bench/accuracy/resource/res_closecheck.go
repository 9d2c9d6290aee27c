// Values with a Close method that the function which opened them must close: files,
// connections, listeners, transactions; and the ways they are legitimately handed on.
package closecheck

import (
	"archive/zip"
	"bufio"
	"database/sql"
	"io"
	"net"
	"os"
	"time"

	"google.golang.org/grpc"
)

func readConfig(path string) ([]byte, error) {
	f, err := os.Open(path) // leak
	if err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

func readConfigClosed(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func countLines(path string) (int, error) {
	f, err := os.Open(path) // leak
	if err != nil {
		return 0, err
	}
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
	}
	return n, sc.Err()
}

func create(path string) (*os.File, error) {
	return os.Create(path)
}

func writeVia(path string, data []byte) error {
	f, err := create(path) // leak
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return err
}

func writeAndClose(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func tempName() (string, error) {
	f, err := os.CreateTemp("", "x") // leak
	if err != nil {
		return "", err
	}
	return f.Name(), nil
}

func dial(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second) // leak
	if err != nil {
		return err
	}
	_, err = conn.Write([]byte("hello"))
	return err
}

func dialForCaller(addr string) (net.Conn, error) {
	return net.Dial("tcp", addr)
}

func port() (int, error) {
	l, err := net.Listen("tcp", ":0") // leak
	if err != nil {
		return 0, err
	}
	return l.Addr().(*net.TCPAddr).Port, nil
}

func entries(path string) (int, error) {
	r, err := zip.OpenReader(path) // leak
	if err != nil {
		return 0, err
	}
	return len(r.File), nil
}

func grpcState(addr string) (string, error) {
	cc, err := grpc.Dial(addr, grpc.WithInsecure()) // leak
	if err != nil {
		return "", err
	}
	return cc.GetState().String(), nil
}

func openDB(dsn string) error {
	db, err := sql.Open("postgres", dsn) // leak
	if err != nil {
		return err
	}
	return db.Ping()
}

func uncommitted(db *sql.DB) error {
	tx, err := db.Begin() // leak
	if err != nil {
		return err
	}
	if _, err := tx.Exec("UPDATE t SET n = n + 1"); err != nil {
		return err
	}
	return tx.Commit()
}

func rolledBack(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec("UPDATE t SET n = n + 1"); err != nil {
		return err
	}
	return tx.Commit()
}
