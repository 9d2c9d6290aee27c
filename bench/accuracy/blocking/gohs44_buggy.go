// flier/gohs#44 (simplegrep example): a goroutine per file adds itself to the WaitGroup
// inside the goroutine, so wg.Wait usually returns before any scan ran ("0 files scanned").
package kernels

import (
	"os"
	"path/filepath"
	"sync"
)

func scanAll(root string, scan func(string)) {
	var wg sync.WaitGroup
	filepath.Walk(root, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return nil
		}
		go func() {
			wg.Add(1) // leak
			defer wg.Done()
			scan(path)
		}()
		return nil
	})
	wg.Wait()
}
