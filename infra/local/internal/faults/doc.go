// Package faults holds the fault tests of the local system (faults_test.go):
// every context runs behind the local gateway with its store behind a
// packages/faultproxy, and each store in turn freezes and refuses
// connections while the tests check that its context answers a truthful
// 503 with Retry-After within the request budget, that the other contexts
// keep answering, and that the context answers again as soon as its store
// is back.
//
// The package has no code of its own: it exists for its tests, which need
// infra/local's system and gateway packages.
package faults
