// DefangLabs/defang#1625, fixed: the channel is made, with room for every goroutine.
package kernels

import "fmt"

func tailLogGroups(groups []string, tail func(string) error) error {
	errChan := make(chan error, len(groups))
	for _, g := range groups {
		go func(g string) {
			if err := tail(g); err != nil {
				errChan <- fmt.Errorf("log group %s: %w", g, err)
				return
			}
			errChan <- nil
		}(g)
	}
	for range groups {
		if err := <-errChan; err != nil {
			return err
		}
	}
	return nil
}
