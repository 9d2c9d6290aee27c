// moby/moby#17176, fixed: the lock is dropped before the early return.
package kernels

import "sync"

type DeviceSet struct {
	sync.Mutex
	nrDeletedDevices int
	deleted          []string
}

func (devices *DeviceSet) DeleteDevice(hash string) error {
	devices.Lock()
	defer devices.Unlock()
	return nil
}

func (devices *DeviceSet) cleanupDeletedDevices() error {
	devices.Lock()
	if devices.nrDeletedDevices == 0 {
		devices.Unlock()
		return nil
	}
	list := append([]string(nil), devices.deleted...)
	devices.Unlock()
	for _, h := range list {
		if err := devices.DeleteDevice(h); err != nil {
			return err
		}
	}
	return nil
}
