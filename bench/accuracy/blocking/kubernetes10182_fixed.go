// kubernetes/kubernetes#10182, fixed: the request is queued after the lock is released.
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
	changed := s.podStatuses[name] != status
	if changed {
		s.podStatuses[name] = status
	}
	s.podStatusesLock.Unlock()
	if changed {
		s.podStatusChannel <- podStatusSyncRequest{name, status}
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
