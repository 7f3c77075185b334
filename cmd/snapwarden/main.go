// Command snapwarden catches the abuse of cloud snapshots, backups, clones and
// images in audit logs from AWS, Azure, GCP, VK Cloud, OpenStack and Yandex Cloud.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}
