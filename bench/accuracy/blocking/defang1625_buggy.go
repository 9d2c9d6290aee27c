// DefangLabs/defang#1625: errChan was declared and never made; goroutines that failed sent
// on the nil channel and the caller waited on it, both forever.
package kernels

import "fmt"

func tailLogGroups(groups []string, tail func(string) error) error {
	var errChan chan error
	for _, g := range groups {
		go func(g string) {
			if err := tail(g); err != nil {
				errChan <- fmt.Errorf("log group %s: %w", g, err)
			}
		}(g)
	}
	return <-errChan // leak
}
