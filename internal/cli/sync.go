package cli

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/syncclient"
	"github.com/iro-app/iro/store"
)

func init() { register(newSync) }

// syncAttempts bounds `iro sync`: a few tries ride out a flaky link; after
// that the IRO is told, and nothing pending is lost by stopping.
const syncAttempts = 4

func newSync(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Push queued changes to the authority's server, then pull the caseload",
		Long: "Sends every change made on this laptop since the last sync (each reaches the\n" +
			"server exactly once), then brings down what changed in your allocation. A\n" +
			"dropped connection is retried with a backoff; what was sent stays sent.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			db, err := a.openUnlocked(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			rep, err := syncclient.Retry(ctx, syncAttempts, syncclient.NewBackoff(), syncclient.Sleep,
				func(ctx context.Context) (syncclient.Report, error) { return syncclient.Once(ctx, db, nil, time.Now) })
			printSyncReport(a, rep)
			if err != nil {
				return fmt.Errorf("sync stopped: %w (nothing is lost: run iro sync again)", err)
			}
			counts, err := db.SyncCounts(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "waiting: %d to send, %d conflicts to resolve, %d rejected, %d set aside\n",
				counts.Pending, counts.Conflicts, counts.Rejected, counts.SetAside)
			if counts.SetAside > 0 {
				fmt.Fprintln(a.stdout, "records from the server this laptop cannot store are set aside: see iro sync set-aside")
			}
			return nil
		},
	}
	cmd.AddCommand(newSyncEnrol(a), newSyncSetAside(a))
	return cmd
}

func printSyncReport(a *app, r syncclient.Report) {
	if r.Restored {
		fmt.Fprintln(a.stdout, "the server had been restored from a backup: everything this laptop sent before was sent again, and everything pulled again")
	}
	fmt.Fprintf(a.stdout, "sent %d changes: %d applied, %d already on the server, %d conflicts, %d rejected\n",
		r.Pushed, r.Applied, r.Duplicates, r.Conflicts, r.Rejects)
	fmt.Fprintf(a.stdout, "received %d records, %d deleted, %d held back for your unsent changes, %d set aside, %d children purged\n",
		r.Pulled.Applied, r.Pulled.Deleted, r.Pulled.Kept, r.Pulled.SetAside, r.Pulled.Purged)
}

func newSyncEnrol(a *app) *cobra.Command {
	var server, code, device string
	cmd := &cobra.Command{
		Use:   "enrol",
		Short: "Enrol this laptop with the server using the one-time code from your admin",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if server == "" || code == "" {
				return usagef("sync enrol needs --server URL and --code CODE")
			}
			c, err := syncclient.New(server, "", nil)
			if err != nil {
				return usagef("%v", err)
			}
			db, err := a.openUnlocked(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			if device == "" {
				device, _ = os.Hostname()
			}
			got, err := c.Enrol(ctx, code, device)
			if err != nil {
				return fmt.Errorf("enrolment refused: %w", err)
			}
			if err := db.SaveEnrolment(ctx, c.Server(), got.DeviceID, got.IRO, got.Token); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "enrolled as device %s for %s; run iro sync\n", got.DeviceID, got.IRO)
			return nil
		},
	}
	cmd.Flags().StringVar(&server, "server", "", "the sync server's address, e.g. https://iro.example.gov.uk")
	cmd.Flags().StringVar(&code, "code", "", "the one-time enrolment code from `iro serve enrol`")
	cmd.Flags().StringVar(&device, "device", "", "a name for this laptop (default: its host name)")
	return cmd
}

var _ syncclient.Store = (*store.DB)(nil)
