;; Imports a memory of at least 2 pages and a table of at least 8 elements.
(module
  (import "env" "mem" (memory 2))
  (import "env" "tab" (table 8 funcref)))
