module example.com/quartet/infra/local

go 1.26
