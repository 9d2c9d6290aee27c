// Seed 004, the cloud proxy: a secretmanager client was created for every request and
// never closed, so each request left a gRPC connection and its buffers behind (a
// saw-tooth heap, transport.newBufWriter on top). The same mistake was then fixed in 180
// files of a samples repository.
// Rule: unclosed-client.
package main

import (
	"context"
	"fmt"
	"log"
	"net/http"

	secretmanager "cloud.google.com/go/secretmanager/apiv1"
	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
)

// accessSecretVersion is the leaking handler code from the story.
func accessSecretVersion(ctx context.Context, name string) ([]byte, error) {
	client, err := secretmanager.NewClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to create secretmanager client: %v", err)
	}
	resp, err := client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return nil, err
	}
	return resp.Payload.Data, nil
}

// accessSecretVersionFixed releases the client when the request is done.
func accessSecretVersionFixed(ctx context.Context, name string) ([]byte, error) {
	client, err := secretmanager.NewClient(ctx)
	if err != nil {
		return nil, fmt.Errorf("failed to create secretmanager client: %v", err)
	}
	defer client.Close()
	resp, err := client.AccessSecretVersion(ctx, &secretmanagerpb.AccessSecretVersionRequest{Name: name})
	if err != nil {
		return nil, err
	}
	return resp.Payload.Data, nil
}

func main() {
	http.HandleFunc("/v0/cron", func(w http.ResponseWriter, r *http.Request) {
		if _, err := accessSecretVersion(r.Context(), "projects/p/secrets/s/versions/latest"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if _, err := accessSecretVersionFixed(r.Context(), "projects/p/secrets/s/versions/latest"); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
