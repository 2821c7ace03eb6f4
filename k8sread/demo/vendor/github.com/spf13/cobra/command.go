// Package cobra is a tiny stand-in written for k8sread's demo tree: just enough of a
// command tree for the demo binaries to read like the real ones. It is not spf13/cobra.
package cobra

import (
	"errors"
	"fmt"
	"os"
	"strings"
)

// Command is one node of a command tree: `kubectl apply` is the `apply` child of `kubectl`.
type Command struct {
	Use   string
	Short string
	Long  string

	// Run is called with the arguments left after the command path was matched.
	Run  func(cmd *Command, args []string)
	RunE func(cmd *Command, args []string) error

	parent   *Command
	commands []*Command
	flags    map[string]*string
}

// AddCommand adds children; a child knows its parent so Name and CommandPath work.
func (c *Command) AddCommand(cmds ...*Command) {
	for _, child := range cmds {
		child.parent = c
		c.commands = append(c.commands, child)
	}
}

// Name is the first word of Use.
func (c *Command) Name() string {
	name := c.Use
	if i := strings.Index(name, " "); i >= 0 {
		name = name[:i]
	}
	return name
}

// CommandPath is the full path from the root, e.g. "kubectl apply".
func (c *Command) CommandPath() string {
	if c.parent == nil {
		return c.Name()
	}
	return c.parent.CommandPath() + " " + c.Name()
}

// StringFlag declares a --name flag and returns where its value will be stored.
func (c *Command) StringFlag(name, value string) *string {
	return c.StringFlagP(name, "", value)
}

// StringFlagP is StringFlag with a one-letter shorthand, e.g. -f for --filename.
func (c *Command) StringFlagP(name, shorthand, value string) *string {
	if c.flags == nil {
		c.flags = map[string]*string{}
	}
	v := value
	c.flags[name] = &v
	if shorthand != "" {
		c.flags[shorthand] = &v
	}
	return &v
}

// Execute matches os.Args against the tree and runs the deepest matching command.
func (c *Command) Execute() error {
	return c.ExecuteArgs(os.Args[1:])
}

// ExecuteArgs is Execute with explicit arguments, which is what tests want.
func (c *Command) ExecuteArgs(args []string) error {
	cmd, rest := c.find(args)
	rest, err := cmd.parseFlags(rest)
	if err != nil {
		return err
	}
	switch {
	case cmd.RunE != nil:
		return cmd.RunE(cmd, rest)
	case cmd.Run != nil:
		cmd.Run(cmd, rest)
		return nil
	}
	return fmt.Errorf("%s: no command given", cmd.CommandPath())
}

func (c *Command) find(args []string) (*Command, []string) {
	if len(args) == 0 {
		return c, args
	}
	for _, child := range c.commands {
		if child.Name() == args[0] {
			return child.find(args[1:])
		}
	}
	return c, args
}

func (c *Command) parseFlags(args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			rest = append(rest, arg)
			continue
		}
		name := strings.TrimLeft(arg, "-")
		value, ok := c.flags[name]
		if !ok {
			return nil, errors.New("unknown flag: " + arg)
		}
		if i+1 >= len(args) {
			return nil, errors.New("flag needs an argument: " + arg)
		}
		i++
		*value = args[i]
	}
	return rest, nil
}
