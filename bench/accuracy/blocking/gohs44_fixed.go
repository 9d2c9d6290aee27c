// flier/gohs#44, fixed: Add before the go statement.
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
		wg.Add(1)
		go func() {
			defer wg.Done()
			scan(path)
		}()
		return nil
	})
	wg.Wait()
}
