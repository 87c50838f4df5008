-- The sandboxes keep their state in a database of their own (sandbox.war, SandboxDS); Spotbridge's never holds it.
DROP TABLE IF EXISTS sandbox_row;
