package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/paths"
	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/server"
	"github.com/iro-app/iro/store/serverdb"
)

func init() { register(newServe) }

// EnvServerDB names the server's database when --db is not given; the
// laptop's IRO_DB never applies to the server.
const EnvServerDB = "IRO_SERVER_DB"

// serverDSN is --db (a file or postgres://…), then IRO_SERVER_DB, then
// server.db in the data folder.
func (a *app) serverDSN() (string, error) {
	if a.dbFlag != "" {
		return a.dbFlag, nil
	}
	if v := os.Getenv(EnvServerDB); v != "" {
		return v, nil
	}
	dir, err := paths.DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "server.db"), nil
}

func (a *app) openServerDB(ctx context.Context) (*serverdb.DB, error) {
	dsn, err := a.serverDSN()
	if err != nil {
		return nil, err
	}
	if !isPostgres(dsn) {
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, fmt.Errorf("cannot create the folder for %s: %w", dsn, err)
		}
	}
	return serverdb.Open(ctx, dsn)
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

func newServe(a *app) *cobra.Command {
	var addr, cert, key string
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the sync server for a local authority's IROs",
		Long: "Serves the sync API (push, changes, enrol) over HTTPS, or plain HTTP on loopback.\n" +
			"--db is a SQLite file (the default) or a postgres:// URL. Admin subcommands\n" +
			"enrol devices, revoke them, allocate children to IROs and repair records.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (cert == "") != (key == "") {
				return usagef("serve needs both --tls-cert and --tls-key, or neither")
			}
			if cert == "" && !protocol.IsLoopback(addr) {
				return usagef("serve: %s is not a loopback address; plain HTTP is only for 127.0.0.1 — give --tls-cert and --tls-key", addr)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			db, err := a.openServerDB(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			logger := slog.New(slog.NewTextHandler(a.stderr, nil))
			h := server.New(db, server.Options{Now: time.Now, Logger: logger})
			fmt.Fprintf(a.stdout, "serving on %s\n", addr)
			return server.ListenAndServe(ctx, addr, cert, key, h)
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8443", "address to listen on")
	cmd.Flags().StringVar(&cert, "tls-cert", "", "TLS certificate file (PEM)")
	cmd.Flags().StringVar(&key, "tls-key", "", "TLS private key file (PEM)")
	cmd.AddCommand(newServeEnrol(a), newServeRevoke(a), newServeAllocate(a, true), newServeAllocate(a, false), newServeDevices(a))
	cmd.AddCommand(newServeBackup(a), newServeRestore(a), newServeNewEpoch(a), newServeRecord(a))
	return cmd
}

// withServerDB runs one admin command against the server's database.
func (a *app) withServerDB(cmd *cobra.Command, fn func(ctx context.Context, db *serverdb.DB) error) error {
	ctx := cmd.Context()
	db, err := a.openServerDB(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, db)
}

func newServeEnrol(a *app) *cobra.Command {
	var iro string
	cmd := &cobra.Command{
		Use:   "enrol",
		Short: "Make a one-time enrolment code for an IRO's laptop (valid 72 hours)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(iro) == "" {
				return usagef("serve enrol needs --iro NAME")
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				code, err := db.CreateEnrolment(ctx, iro, time.Now())
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s\n", code)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&iro, "iro", "", "the IRO the laptop belongs to")
	return cmd
}

func newServeRevoke(a *app) *cobra.Command {
	var device string
	cmd := &cobra.Command{
		Use:   "revoke",
		Short: "Revoke a device's token: it can no longer push or pull",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if device == "" {
				return usagef("serve revoke needs --device ID (see iro serve devices)")
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				if err := db.RevokeDevice(ctx, device, time.Now()); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "revoked %s\n", device)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&device, "device", "", "the device id")
	return cmd
}

// newServeAllocate makes `allocate` or, with allocate false, `deallocate`.
func newServeAllocate(a *app, allocate bool) *cobra.Command {
	var (
		iro      string
		children []string
	)
	use, short := "allocate", "Allocate children to an IRO: their records sync to the IRO's laptops"
	if !allocate {
		use, short = "deallocate", "Take children out of an IRO's allocation: laptops purge them after pushing"
	}
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(iro) == "" || len(children) == 0 {
				return usagef("serve %s needs --iro NAME and at least one --child ID", use)
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				change := db.Allocate
				if !allocate {
					change = db.Deallocate
				}
				if err := change(ctx, iro, children...); err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%sd %d children for %s\n", use, len(children), iro)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&iro, "iro", "", "the IRO")
	cmd.Flags().StringArrayVar(&children, "child", nil, "a child's id (repeat for more)")
	return cmd
}

func newServeDevices(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "devices",
		Short: "List enrolled devices",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				devices, err := db.Devices(ctx)
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "DEVICE\tIRO\tNAME\tSTATE")
				for _, d := range devices {
					state := "active"
					if d.Revoked {
						state = "revoked"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.ID, d.IRO, d.Label, state)
				}
				return tw.Flush()
			})
		},
	}
}
