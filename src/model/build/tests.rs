//! Model tests: in-memory repositories, resolved as the CLI would.
