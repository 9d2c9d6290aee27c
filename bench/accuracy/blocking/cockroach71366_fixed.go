// cockroachdb/cockroach#71406, fixed: read the identifier, release, then build the entry.
package kernels

import "sync"

type loggingT struct {
	idMu struct {
		sync.RWMutex
		clusterID string
		nodeID    int
	}
}

var logging loggingT

type logEntry struct {
	clusterID string
	msg       string
}

func makeEntry(msg string) logEntry {
	logging.idMu.RLock()
	defer logging.idMu.RUnlock()
	return logEntry{clusterID: logging.idMu.clusterID, msg: msg}
}

func getStartLines() []logEntry {
	var out []logEntry
	logging.idMu.RLock()
	id := logging.idMu.clusterID
	logging.idMu.RUnlock()
	if id != "" {
		out = append(out, makeEntry("clusterID: "+id))
	}
	return out
}

func SetClusterID(id string) {
	logging.idMu.Lock()
	defer logging.idMu.Unlock()
	logging.idMu.clusterID = id
}
