//! Deterministic benchmark inputs: OCI image indexes of a chosen number of entries, written the
//! way `docker buildx` and `regctl` write them (2-space indentation), with one entry in five an
//! attestation manifest pointing at the image entry before it.
//!
//! The same entry count always gives the same bytes, so native and Node benchmarks read the same
//! documents. Every generated index is valid and draws no diagnostic: image entries have distinct
//! platforms (common Linux platforms first, then Windows builds told apart by `os.version`), so
//! the benchmarks measure the work every document pays for. [`index_with_findings`] gives the same
//! indexes with 1, 10 or 80 findings per 100 entries, to measure the cost of reporting them.

pub mod generate;

pub use generate::{index, index_of_size, index_with_findings, DENSITIES, SIZES};
