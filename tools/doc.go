// Module tools pins the developer tools the Makefile runs (`go tool NAME`),
// so every machine and CI use the same versions.
package tools
