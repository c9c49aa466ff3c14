module example.com/quartet/packages/embeddedpg

go 1.26
