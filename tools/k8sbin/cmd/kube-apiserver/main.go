// Command kube-apiserver is upstream's cmd/kube-apiserver main, built from the k8s.io/kubernetes
// module so tests get a real API server without downloading release binaries.
package main

import (
	"os"
	_ "time/tzdata" // CronJob time-zone support, as upstream

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	command := app.NewAPIServerCommand()
	code := cli.Run(command)
	os.Exit(code)
}
