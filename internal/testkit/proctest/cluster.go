package proctest

import (
	"context"
	"database/sql"
	"errors"

	"github.com/motcua/motcua/internal/testkit/pgcluster"
)

// Cluster is a throwaway PostgreSQL cluster that a fault run may restart
// under load (internal/testkit/pgcluster, test settings).
type Cluster struct {
	pg    *pgcluster.Cluster
	admin *sql.DB
}

// StartCluster creates a cluster in a new temporary folder and starts it.
func StartCluster() (c *Cluster, err error) {
	bin, err := pgcluster.Find()
	if err != nil {
		return nil, err
	}
	c = &Cluster{}
	if c.pg, err = pgcluster.Start(bin, pgcluster.Options{}); err != nil {
		return nil, err
	}
	if c.admin, err = sql.Open("postgres", c.pg.URL("postgres", "postgres")); err != nil {
		return nil, errors.Join(err, c.Stop())
	}
	if err := c.admin.Ping(); err != nil {
		return nil, errors.Join(err, c.Stop())
	}
	return c, nil
}

// CreateDatabase creates an empty database with the extensions the
// migrations need and returns its URL.
func (c *Cluster) CreateDatabase(ctx context.Context) (string, error) {
	_, dbURL, err := pgcluster.CreateDatabase(ctx, c.admin, c.pg.URL("postgres", "postgres"), "f_")
	return dbURL, err
}

// Restart restarts the server (pg_ctl restart -m fast): every connection
// is cut and the server is down for a moment.
func (c *Cluster) Restart() error { return c.pg.Restart() }

// Stop stops the server and deletes the cluster.
func (c *Cluster) Stop() error {
	var errs []error
	if c.admin != nil {
		errs = append(errs, c.admin.Close())
	}
	return errors.Join(append(errs, c.pg.Stop())...)
}
