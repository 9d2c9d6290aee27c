// kubernetes/kubernetes#62464 (kubelet cpumanager): stateMemory.GetCPUSetOrDefault takes the
// read lock and calls GetCPUSet and GetDefaultCPUSet, which take it again; with a
// SetDefaultCPUSet writer queued in between, the second RLock and the writer wait on each
// other (recursive read locking of an RWMutex).
package kernels

import "sync"

type CPUSet struct{ elems map[int]struct{} }

type stateMemory struct {
	sync.RWMutex
	assignments   map[string]CPUSet
	defaultCPUSet CPUSet
}

func (s *stateMemory) GetCPUSet(containerID string) (CPUSet, bool) {
	s.RLock()
	defer s.RUnlock()
	res, ok := s.assignments[containerID]
	return res, ok
}

func (s *stateMemory) GetDefaultCPUSet() CPUSet {
	s.RLock()
	defer s.RUnlock()
	return s.defaultCPUSet
}

func (s *stateMemory) GetCPUSetOrDefault(containerID string) CPUSet {
	s.RLock()
	defer s.RUnlock()
	if res, ok := s.GetCPUSet(containerID); ok { // leak
		return res
	}
	return s.GetDefaultCPUSet()
}

func (s *stateMemory) SetDefaultCPUSet(cset CPUSet) {
	s.Lock()
	defer s.Unlock()
	s.defaultCPUSet = cset
}
