// cockroachdb/cockroach#17871, fixed: exitLocked expects l.mu to be held.
package kernels

import (
	"io"
	"os"
	"sync"
)

type loggerT struct {
	mu  sync.Mutex
	out io.Writer
}

func (l *loggerT) flushAll() {}

// exitLocked is called with l.mu held.
func (l *loggerT) exitLocked(err error) {
	l.flushAll()
	os.Exit(2)
}

func (l *loggerT) outputLogEntry(msg []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.out.Write(msg); err != nil {
		l.exitLocked(err)
	}
}
