module example.com/quartet/services/catalog

go 1.26

require (
	example.com/quartet/packages/pgtest v0.0.0
	github.com/google/uuid v1.6.0
	github.com/jackc/pgx/v5 v5.12.0
)

require (
	example.com/quartet/packages/embeddedpg v0.0.0 // indirect
	example.com/quartet/packages/testenv v0.0.0 // indirect
	github.com/fergusstrange/embedded-postgres v1.34.0 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20240606120523-5a60cdf6a761 // indirect
	github.com/jackc/puddle/v2 v2.2.3 // indirect
	github.com/lib/pq v1.10.9 // indirect
	github.com/xi2/xz v0.0.0-20171230120015-48954b6210f8 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/text v0.41.0 // indirect
)

replace (
	example.com/quartet/packages/embeddedpg => ../../packages/embeddedpg
	example.com/quartet/packages/pgtest => ../../packages/pgtest
	example.com/quartet/packages/testenv => ../../packages/testenv
)
