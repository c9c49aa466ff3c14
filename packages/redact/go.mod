module example.com/quartet/packages/redact

go 1.26
