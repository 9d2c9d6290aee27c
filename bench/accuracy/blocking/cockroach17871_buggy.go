// cockroachdb/cockroach#17871 (util/log): outputLogEntry writes under l.mu, and on a write
// error calls l.exit, which takes l.mu itself to flush the logs: the logger deadlocks on
// its own mutex, and so does every goroutine that logs afterwards.
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

func (l *loggerT) exit(err error) {
	l.mu.Lock()
	l.flushAll()
	l.mu.Unlock()
	os.Exit(2)
}

func (l *loggerT) outputLogEntry(msg []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.out.Write(msg); err != nil {
		l.exit(err) // leak
	}
}
