module example.com/quartet/services/catalog

go 1.26
