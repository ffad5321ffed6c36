// Package sysinfo describes the machine a benchmark ran on (CPU, memory,
// kernel, load, file system), for the reports of both benchmarks: the
// engine benchmark (agent/bench) and the system-catalog benchmark
// (agent/e2e). It only reads /proc and statfs.
package sysinfo
