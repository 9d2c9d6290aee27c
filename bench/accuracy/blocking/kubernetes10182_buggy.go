// kubernetes/kubernetes#10182 (kubelet status manager): SetPodStatus holds podStatusesLock
// while it sends on the buffered podStatusChannel; the sync loop, when an update fails,
// deletes the cached status with DeletePodStatus, which takes podStatusesLock. Once the
// channel is full, both wait for each other.
package kernels

import (
	"errors"
	"sync"
)

type podStatusSyncRequest struct {
	name   string
	status string
}

type statusManager struct {
	podStatusesLock  sync.RWMutex
	podStatuses      map[string]string
	podStatusChannel chan podStatusSyncRequest
}

func newStatusManager() *statusManager {
	return &statusManager{podStatuses: map[string]string{}, podStatusChannel: make(chan podStatusSyncRequest, 1000)}
}

func (s *statusManager) Start() {
	go func() {
		for {
			s.syncBatch()
		}
	}()
}

func (s *statusManager) SetPodStatus(name, status string) {
	s.podStatusesLock.Lock()
	defer s.podStatusesLock.Unlock()
	if s.podStatuses[name] != status {
		s.podStatuses[name] = status
		s.podStatusChannel <- podStatusSyncRequest{name, status} // leak
	}
}

func (s *statusManager) DeletePodStatus(name string) {
	s.podStatusesLock.Lock()
	defer s.podStatusesLock.Unlock()
	delete(s.podStatuses, name)
}

func (s *statusManager) syncBatch() error {
	req := <-s.podStatusChannel
	if err := update(req); err != nil {
		s.DeletePodStatus(req.name)
		return err
	}
	return nil
}

func update(req podStatusSyncRequest) error { return errors.New("pod deleted") }
