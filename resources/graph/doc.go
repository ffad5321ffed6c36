// Package graph is the dependency graph of a node's resource instances:
// nodes are numbered 0..n-1 by the caller, an edge says "b needs a first".
// It finds cycles (as the path that closes them), walks the graph in
// parallel with a bound on concurrency, and prints DOT.
//
// It knows nothing of resources: the engine maps instances to node numbers
// and decides what to do at each node.
package graph
