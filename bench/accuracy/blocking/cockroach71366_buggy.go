// cockroachdb/cockroach#71366 / #71406 (util/log): getStartLines reads the server
// identifiers under logging.idMu.RLock and, still holding it, builds entries with
// makeEntry, which takes idMu.RLock again; a concurrent SetClusterID (Lock) between the two
// deadlocks the log call.
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
	if logging.idMu.clusterID != "" {
		out = append(out, makeEntry("clusterID: "+logging.idMu.clusterID)) // leak
	}
	logging.idMu.RUnlock()
	return out
}

func SetClusterID(id string) {
	logging.idMu.Lock()
	defer logging.idMu.Unlock()
	logging.idMu.clusterID = id
}
