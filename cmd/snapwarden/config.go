package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
	"golang.org/x/crypto/bcrypt"
)

func newConfigCmd(e env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print an example configuration, or check one",
		Long: `snapwarden.yaml says which resources are critical, which accounts and
principals are trusted, which findings to allow, and the windows and ports
the rules use. Every command that takes --config reads it; flags override it.`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "example",
		Short: "Print a complete, commented configuration with every setting and its default",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprint(e.stdout, config.Example())
			return err
		},
	}, &cobra.Command{
		Use:     "check FILE",
		Short:   "Check a configuration file and report every problem with its line",
		Example: "  snapwarden config check snapwarden.yaml",
		Args:    cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			cfg, err := loadConfig(args[0])
			if err != nil {
				return err
			}
			for _, w := range cfg.Expired(time.Now()) {
				fmt.Fprintf(e.stderr, "warning: %s\n", textsafe.Clean(w))
			}
			fmt.Fprintf(e.stdout, "%s: ok\n", args[0])
			return nil
		},
	}, &cobra.Command{
		Use:   "hash-password",
		Short: "Read a password on stdin and print its bcrypt hash for serve.users",
		Long: `hash-password reads a web console password from the first line of standard
input and prints its bcrypt hash, for serve.users[].password_bcrypt. The
password itself is never written anywhere.`,
		Example: "  snapwarden config hash-password < pw.txt\n  printf %s \"$PW\" | snapwarden config hash-password",
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			hash, err := hashPassword(e.stdin)
			if err != nil {
				return &exitError{code: exitUsage, err: err, hint: "printf %s \"$PASSWORD\" | snapwarden config hash-password"}
			}
			_, err = fmt.Fprintln(e.stdout, hash)
			return err
		},
	})
	return cmd
}

// hashPassword reads a password (the first line of r, without its line
// end) and returns its bcrypt hash.
func hashPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	switch {
	case pw == "":
		return "", errors.New("no password on standard input")
	case len(pw) > 72:
		return "", errors.New("password longer than 72 bytes (bcrypt reads no further)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return "", err
	}
	return string(h), nil
}

// loadConfig reads and validates a configuration; an empty path means the
// defaults.
func loadConfig(path string) (*config.Config, error) {
	if path == "" {
		return config.Default(), nil
	}
	cfg, err := config.Load(path)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return nil, &exitError{code: exitUsage, err: err, hint: "snapwarden config example > snapwarden.yaml, then edit it"}
	}
	return cfg, nil
}
