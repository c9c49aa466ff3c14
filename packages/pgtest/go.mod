module example.com/quartet/packages/pgtest

go 1.26
