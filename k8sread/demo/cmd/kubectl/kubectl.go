// kubectl is the command line client. Written for k8sread's demo tree: the miniature knows
// one subcommand, apply.
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/kubectl/pkg/cmd/apply"
)

// main builds the command tree and runs the subcommand named in os.Args.
// 故事从这里开始:kubectl apply -f deployment.json 里的 "apply" 由 cobra 找到对应的子命令。
func main() {
	root := &cobra.Command{
		Use:   "kubectl",
		Short: "kubectl controls the Kubernetes cluster manager",
	}
	root.AddCommand(apply.NewCmdApply("kubectl", os.Stdout))
	if err := root.Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}
