// Command realkms is the Go half of .ci/real-kms.sh, which runs the
// acceptance tests against a real Infisical backend:
//
//	realkms freeport                       print a free TCP port on 127.0.0.1
//	realkms ca -dir DIR                    write the CA the backend trusts for Auth0
//	realkms license -addr 127.0.0.1:PORT   serve the license stand-in (key in $LICENSE_KEY)
//	realkms wait -url URL -timeout 240s -pid PID
//	                                       wait for GET /api/status to answer 200
//	realkms bootstrap -url URL -dir DIR    bootstrap the instance; print VAR=value lines
//
// bootstrap makes the first admin, an organisation, a machine identity with
// universal auth (an org admin) and a project of that identity; the client
// secret goes to DIR/client-secret (0600), everything else to stdout, so
// that no secret reaches a log.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hanzoai/terraform-provider-hanzokms/internal/realkms"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("realkms: ")
	if len(os.Args) < 2 {
		log.Fatal("usage: realkms freeport | ca | license | wait | bootstrap [flags]")
	}
	cmd, args := os.Args[1], os.Args[2:]
	var err error
	switch cmd {
	case "freeport":
		err = freeport()
	case "ca":
		err = writeCA(args)
	case "license":
		err = license(args)
	case "wait":
		err = wait(args)
	case "bootstrap":
		err = bootstrap(args)
	default:
		err = fmt.Errorf("unknown command %q", cmd)
	}
	if err != nil {
		log.Fatal(err)
	}
}

func freeport() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		return fmt.Errorf("not a TCP address: %v", l.Addr())
	}
	fmt.Println(addr.Port)
	return nil
}

func writeCA(args []string) error {
	fs := flag.NewFlagSet("ca", flag.ExitOnError)
	dir := fs.String("dir", "", "directory for auth0-ca.pem and auth0-ca-key.pem")
	_ = fs.Parse(args)
	if *dir == "" {
		return errors.New("ca: -dir is required")
	}
	cert, key, err := realkms.WriteNewCA(*dir)
	if err != nil {
		return err
	}
	fmt.Printf("%s=%s\n%s=%s\n", realkms.EnvAuth0CACert, cert, realkms.EnvAuth0CAKey, key)
	return nil
}

func license(args []string) error {
	fs := flag.NewFlagSet("license", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	_ = fs.Parse(args)
	key := os.Getenv("LICENSE_KEY")
	if key == "" {
		return errors.New("license: set LICENSE_KEY to the key the backend is given")
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Printf("license stand-in on http://%s", l.Addr())
	srv := &http.Server{Handler: realkms.NewLicenseServer(key, log.Default()).Handler(), ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(l)
}

func wait(args []string) error {
	fs := flag.NewFlagSet("wait", flag.ExitOnError)
	base := fs.String("url", "", "the server's URL")
	timeout := fs.Duration("timeout", 240*time.Second, "how long to wait")
	pid := fs.Int("pid", 0, "the server's process: give up when it exits")
	_ = fs.Parse(args)
	api := realkms.NewAPI(*base, "")
	deadline := time.Now().Add(*timeout)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err := api.Status(ctx)
		cancel()
		if err == nil {
			return nil
		}
		if *pid > 0 && syscall.Kill(*pid, 0) != nil {
			return fmt.Errorf("the server (pid %d) exited before it was ready: %v", *pid, err)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the server was not ready after %s: %v", *timeout, err)
		}
		time.Sleep(time.Second)
	}
}

func bootstrap(args []string) error {
	fs := flag.NewFlagSet("bootstrap", flag.ExitOnError)
	base := fs.String("url", "", "the server's URL")
	dir := fs.String("dir", "", "directory for the client-secret file")
	_ = fs.Parse(args)
	if *base == "" || *dir == "" {
		return errors.New("bootstrap: -url and -dir are required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	api := realkms.NewAPI(*base, "")
	boot, err := api.Bootstrap(ctx, "admin@acceptance.test", randomHex(24), "acceptance")
	if err != nil {
		return err
	}
	admin := api.WithToken(boot.AdminToken)
	ident, err := admin.CreateUniversalAuthIdentity(ctx, boot.OrgID, "terraform-acceptance", "admin")
	if err != nil {
		return err
	}
	token, err := api.Login(ctx, ident.ClientID, ident.ClientSecret)
	if err != nil {
		return err
	}
	project, err := api.WithToken(token).CreateProject(ctx, "acceptance")
	if err != nil {
		return err
	}
	secretFile := filepath.Join(*dir, "client-secret")
	if err := os.WriteFile(secretFile, []byte(ident.ClientSecret+"\n"), 0o600); err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{realkms.EnvOrgID, boot.OrgID}, {realkms.EnvClientID, ident.ClientID},
		{realkms.EnvClientSecretFile, secretFile}, {realkms.EnvProjectID, project.ID},
	} {
		fmt.Printf("%s=%s\n", kv[0], kv[1])
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
