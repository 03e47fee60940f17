; Bindings made by Python imports. Captures: @module, @name, @alias, @wildcard.
(import_from_statement
  module_name: (dotted_name) @module
  name: (dotted_name) @name)
(import_from_statement
  module_name: (dotted_name) @module
  name: (aliased_import name: (dotted_name) @name alias: (identifier) @alias))
(import_from_statement
  module_name: (dotted_name) @wildcard
  (wildcard_import))
(import_statement name: (dotted_name) @module)
(import_statement
  name: (aliased_import name: (dotted_name) @module alias: (identifier) @alias))
