package main

import (
	"fmt"
	"time"

	"github.com/snapwarden/snapwarden/internal/config"
	"github.com/snapwarden/snapwarden/internal/textsafe"
	"github.com/spf13/cobra"
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
	})
	return cmd
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
