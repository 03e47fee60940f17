; Bindings made by Java imports (single-type, static, on-demand).
; Captures: @module, @name, @wildcard.
(import_declaration
  (scoped_identifier scope: (_) @module name: (identifier) @name) .)
(import_declaration
  (scoped_identifier) @wildcard
  (asterisk))
