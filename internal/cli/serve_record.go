package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/iro-app/iro/internal/protocol"
	"github.com/iro-app/iro/internal/sanitize"
	"github.com/iro-app/iro/store/serverdb"
)

// `iro serve record`: the admin inspects and repairs one record the server
// stores, such as one that laptops set aside because they cannot store it
// (`iro sync set-aside` on the laptop names it). A repair goes through the
// server's push path as an op from the admin (serverdb.SetField), so the
// server's checks of a device's push apply to it, and every laptop holding
// the child pulls the repaired record.

func newServeRecord(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "record",
		Short: "Inspect or repair one record the server stores (show, set, delete)",
		Long: "Shows a record as the server stores it, sets one of its fields or deletes it.\n" +
			"A repair is applied as a change from the admin: the server checks it as it checks\n" +
			"a laptop's, and every laptop holding the child receives it at its next sync.",
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newServeRecordShow(a), newServeRecordSet(a), newServeRecordDelete(a))
	return cmd
}

// recordFlags are --entity and --id, which every record command needs.
type recordFlags struct{ entity, id string }

func (f *recordFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.entity, "entity", "", "the kind of record: child, review, section, … (as iro sync set-aside names it)")
	cmd.Flags().StringVar(&f.id, "id", "", "the record's id")
}

func (f *recordFlags) check(use string) error {
	if strings.TrimSpace(f.entity) == "" || strings.TrimSpace(f.id) == "" {
		return usagef("serve record %s needs --entity E and --id ID", use)
	}
	return nil
}

// notStored says the server has no such record, in the admin's words.
func (f *recordFlags) notStored(err error) error {
	if errors.Is(err, serverdb.ErrNotFound) {
		return fmt.Errorf("the server has no %s %s", sanitize.Line(f.entity), sanitize.Line(f.id))
	}
	return err
}

func newServeRecordShow(a *app) *cobra.Command {
	var (
		rf     recordFlags
		asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Print a record as the server stores it: its fields, version and who changed each field",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := rf.check("show"); err != nil {
				return err
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				r, err := db.Record(ctx, rf.entity, rf.id)
				if err != nil {
					return rf.notStored(err)
				}
				if asJSON {
					return printRecordJSON(a, r)
				}
				return printRecord(a, r)
			})
		},
	}
	rf.add(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, `print {"entity","id","child_id","version","deleted","change_no","fields","changed"}`)
	return cmd
}

// printRecordJSON prints r as one JSON object, the stored values as they
// are: whatever a terminal would act on is escaped, never dropped.
func printRecordJSON(a *app, r serverdb.Record) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	_, err := a.stdout.Write(sanitize.JSON(b.Bytes()))
	return err
}

// printRecord prints r for a person: a heading, then one line per field
// with its stored JSON value and the version and device of its last change.
func printRecord(a *app, r serverdb.Record) error {
	state := ""
	if r.Deleted {
		state = " · deleted"
	}
	fmt.Fprintf(a.stdout, "%s %s · child %s · version %d · change %d%s\n", sanitize.Line(r.Entity), sanitize.Line(r.ID),
		sanitize.Line(r.ChildID), r.Version, r.ChangeNo, state)
	names := make([]string, 0, len(r.Fields))
	for f := range r.Fields {
		names = append(names, f)
	}
	slices.Sort(names)
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FIELD\tVALUE\tVERSION\tCHANGED BY")
	for _, f := range names {
		c := r.Changed[f]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", sanitize.Line(f), sanitize.Line(string(r.Fields[f])), c.Version, sanitize.Line(c.Device))
	}
	return tw.Flush()
}

func newServeRecordSet(a *app) *cobra.Command {
	var (
		rf                     recordFlags
		field, text, jsonValue string
	)
	cmd := &cobra.Command{
		Use:   "set",
		Short: "Set one field of a stored record (--value TEXT, or --json-value for a number, a date, null…)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := rf.check("set"); err != nil {
				return err
			}
			textSet, jsonSet := cmd.Flags().Changed("value"), cmd.Flags().Changed("json-value")
			if field == "" || textSet == jsonSet {
				return usagef("serve record set needs --field F and either --value TEXT or --json-value JSON")
			}
			value := json.RawMessage(jsonValue)
			if textSet {
				value, _ = json.Marshal(text) // a string always encodes
			} else if !json.Valid(value) {
				return usagef(`serve record set: --json-value must be JSON: a number (3), true, false, null or a string in quotes ("lac")`)
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				r, err := db.SetField(ctx, rf.entity, rf.id, field, value, time.Now())
				if err != nil {
					return rf.notStored(err)
				}
				return reportRepair(a, rf, r, "set "+sanitize.Line(field)+" of")
			})
		},
	}
	rf.add(cmd)
	cmd.Flags().StringVar(&field, "field", "", "the field to set")
	cmd.Flags().StringVar(&text, "value", "", "the field's new value, as text")
	cmd.Flags().StringVar(&jsonValue, "json-value", "", "the field's new value as JSON")
	return cmd
}

func newServeRecordDelete(a *app) *cobra.Command {
	var rf recordFlags
	cmd := &cobra.Command{
		Use:   "delete",
		Short: "Delete a stored record: every laptop holding the child deletes it too",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := rf.check("delete"); err != nil {
				return err
			}
			return a.withServerDB(cmd, func(ctx context.Context, db *serverdb.DB) error {
				r, err := db.DeleteRecord(ctx, rf.entity, rf.id, time.Now())
				if err != nil {
					return rf.notStored(err)
				}
				return reportRepair(a, rf, r, "deleted")
			})
		},
	}
	rf.add(cmd)
	return cmd
}

// reportRepair says what a repair did; one the server refused, or that
// changed nothing, is a failure (exit 1) saying why.
func reportRepair(a *app, rf recordFlags, r serverdb.Repaired, did string) error {
	what := sanitize.Line(rf.entity) + " " + sanitize.Line(rf.id)
	switch {
	case r.Status == protocol.Rejected:
		return fmt.Errorf("the server refused the repair of %s: %s", what, sanitize.Line(r.Reason))
	case !r.Changed:
		return fmt.Errorf("nothing changed: %s already is as asked", what)
	}
	fmt.Fprintf(a.stdout, "%s %s: now version %d; every laptop holding the child receives it at its next sync\n", did, what, r.Version)
	return nil
}
