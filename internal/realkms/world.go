package realkms

import (
	"context"
	"fmt"
	"log"
	"net"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/kms"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localauth0"
	"github.com/hanzoai/terraform-provider-hanzokms/internal/standin/localstack"
)

// World is what one test (or the demo) gets on the real server, all of it
// its own: a local Auth0 tenant on 127.0.0.1 serving a certificate of the
// CA the server trusts (with localstack.SeedTenant's applications), a
// project of the identity with the folder /app/auth0 in dev and prod (as
// the local KMS seeds them), and an Auth0 app connection to the tenant.
type World struct {
	Server         *Server
	Tenant         *localauth0.Tenant
	ProjectID      string
	ConnectionID   string
	ConnectionName string
	// API is the identity's session, for calls the provider does not make.
	API *API
	// Client is a KMS client logged in as the identity.
	Client *kms.Client
}

// NewWorld makes a World on the server; suffix makes its names unique
// (connection names are unique in the organisation). Close stops its
// tenant; what it made on the server stays (the server is a scratch one).
func NewWorld(ctx context.Context, srv *Server, suffix string, logger *log.Logger) (_ *World, err error) {
	ca, err := LoadCA(srv.CACertFile, srv.CAKeyFile)
	if err != nil {
		return nil, err
	}
	leaf, err := ca.Leaf(net.IPv4(127, 0, 0, 1))
	if err != nil {
		return nil, err
	}
	tenant, err := localauth0.Start(localauth0.Options{Certificate: &leaf, CACertPEM: ca.CertPEM, Logger: logger})
	if err != nil {
		return nil, err
	}
	w := &World{Server: srv, Tenant: tenant, ConnectionName: localstack.ConnectionName + "-" + suffix}
	defer func() {
		if err != nil {
			w.Close()
		}
	}()
	localstack.SeedTenant(tenant)

	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	token, err := NewAPI(srv.URL, "").Login(ctx, srv.ClientID, srv.ClientSecret)
	if err != nil {
		return nil, fmt.Errorf("logging in to the real server: %w", err)
	}
	w.API = NewAPI(srv.URL, token)
	project, err := w.API.CreateProject(ctx, "acc-"+suffix)
	if err != nil {
		return nil, fmt.Errorf("creating a project on the real server: %w", err)
	}
	w.ProjectID = project.ID
	for _, environment := range []string{"dev", "prod"} {
		if err := w.API.CreateFolders(ctx, project.ID, environment, "/app/auth0"); err != nil {
			return nil, fmt.Errorf("creating folders on the real server: %w", err)
		}
	}
	w.Client, err = kms.New(kms.Config{Host: srv.URL, ClientID: srv.ClientID, ClientSecret: srv.ClientSecret, MaxRetries: new(0)})
	if err != nil {
		return nil, err
	}
	conn, err := w.Client.CreateAuth0Connection(ctx, kms.CreateAuth0ConnectionRequest{
		Name: w.ConnectionName, Method: "client-credentials",
		Credentials: kms.Auth0ConnectionCredentials{
			Domain: tenant.Domain(), ClientID: localstack.ManagementClientID,
			ClientSecret: tenant.Secret(localstack.ManagementClientID), Audience: tenant.ManagementAudience(),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("creating an Auth0 app connection on the real server: %w", err)
	}
	w.ConnectionID = conn.ID
	return w, nil
}

// Close stops the World's tenant.
func (w *World) Close() { w.Tenant.Close() }
