// moby/moby#17176 (devmapper): cleanupDeletedDevices takes the DeviceSet lock and returns
// without dropping it when there are no deleted devices; every later devices.Lock() (and so
// docker) hangs. The function cannot use defer: it drops the lock before DeleteDevice.
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
	devices.Lock() // leak
	if devices.nrDeletedDevices == 0 {
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
